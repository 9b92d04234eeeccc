"""sim.slicing: bit widths and slice counts shared by the cost and accuracy models, default vs compat="mnsim"."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.config import DeviceConfig, InterfaceConfig, PEConfig, SimConfig
from sim.ini import load_sim_config
from sim.slicing import check_compat, slicing_for


def test_master_reference(data_dir: Path) -> None:
    cfg = load_sim_config(data_dir / "SimConfig.ini")  # Device_Level 2, DAC 1 (1 bit), ADC 6 (6 bits), polarity 2
    s = slicing_for(cfg)
    assert (s.cell_bits, s.dac_bits, s.adc_bits, s.polarity) == (1, 1, 6, 2)
    assert (s.weight_magnitude_bits, s.weight_slices, s.input_slices) == (8, 8, 8)
    assert (s.mapping_cell_bits, s.mapping_weight_slices, s.input_cycles) == (1, 8, 8)
    m = slicing_for(cfg, compat="mnsim")
    assert (m.weight_slices, m.input_slices) == (8, 8)  # accuracy view unchanged
    assert (m.mapping_cell_bits, m.mapping_weight_slices, m.input_cycles) == (1, 8, 9)  # ceil(9 / 1)
    assert s.cell_levels == 2


def test_older_reference(data_dir: Path) -> None:
    cfg = load_sim_config(data_dir / "SimConfig-pim_nas.ini")  # Device_Level 4, DAC 2 (2 bits), ADC 3 (8 bits)
    s = slicing_for(cfg, 9, 9)
    assert (s.cell_bits, s.dac_bits, s.adc_bits) == (2, 2, 8)
    assert (s.weight_slices, s.input_slices) == (4, 4)
    assert (s.mapping_cell_bits, s.mapping_weight_slices, s.input_cycles) == (2, 4, 4)
    m = slicing_for(cfg, 9, 9, "mnsim")
    assert (m.weight_slices, m.input_slices) == (4, 4)
    assert (m.mapping_cell_bits, m.mapping_weight_slices, m.input_cycles) == (1, 8, 5)  # 1 bit/cell; ceil(9 / 2)
    assert s.cell_levels == 4


def test_polarity_one_keeps_the_sign_bit() -> None:
    cfg = SimConfig(pe=PEConfig(polarity=1))
    s = slicing_for(cfg, 8, 8)
    assert s.weight_magnitude_bits == 8 and s.weight_slices == 8


def test_user_defined_dac_width() -> None:
    itf = InterfaceConfig(dac_choice=-1, dac_precision_bits=3, dac_sample_rate_GSps=1.0)
    s = slicing_for(SimConfig(interface=itf), 9, 9)
    assert s.dac_bits == 3 and s.input_slices == math.ceil(8 / 3)


@pytest.mark.parametrize("level", [2, 4, 8, 16])
@pytest.mark.parametrize("dac_choice", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("bits", [4, 8, 9])
def test_slices_cover_the_bits(level: int, dac_choice: int, bits: int) -> None:
    cfg = SimConfig(device=DeviceConfig(level=level, resistance_ohm=tuple(1e6 / (i + 1) for i in range(level))),
                    interface=InterfaceConfig(dac_choice=dac_choice))
    for compat in (None, "mnsim"):
        s = slicing_for(cfg, bits, bits, compat)
        assert (s.weight_slices - 1) * s.cell_bits < s.weight_magnitude_bits <= s.weight_slices * s.cell_bits
        assert (s.input_slices - 1) * s.dac_bits < bits - 1 <= s.input_slices * s.dac_bits
        assert s.mapping_weight_slices * s.mapping_cell_bits >= s.weight_magnitude_bits
        assert s.input_cycles * s.dac_bits >= bits - 1
        if compat is None:
            assert (s.mapping_cell_bits, s.mapping_weight_slices, s.input_cycles) == (
                s.cell_bits, s.weight_slices, s.input_slices)


def test_compat_check() -> None:
    assert check_compat(None) is None and check_compat("mnsim") == "mnsim"
    with pytest.raises(ValueError, match="accepted"):
        slicing_for(SimConfig(), compat="MNSIM")
