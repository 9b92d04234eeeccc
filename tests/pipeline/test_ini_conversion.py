"""The candidate INI rule, its rejections, and the hardware presets against MNSIM's reference INIs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hydra.utils import instantiate

from pipeline.ini_conversion import (
    apply_decisions,
    build_sim_config,
    conductance_levels,
    sim_config_to_dict,
    write_candidate_ini,
)
from sim.errors import SimConfigError
from sim.ini import load_sim_config, write_sim_config

PRESETS = {"mnsim2": "SimConfig.ini", "pim_nas": "SimConfig-pim_nas.ini"}


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_preset_equals_reference_ini(preset: str, data_dir: Path, tmp_path: Path, compose_config) -> None:  # noqa: ANN001
    """The INI written from the preset (no decisions) parses to the reference file's config, field by field."""
    base = instantiate(compose_config([f"hardware={preset}"]).hardware, _convert_="all")
    write_sim_config(base, tmp_path / "x.ini")
    ours = sim_config_to_dict(load_sim_config(tmp_path / "x.ini"))
    ref = sim_config_to_dict(load_sim_config(data_dir / PRESETS[preset]))
    for section in ref:
        for key in ref[section]:
            assert ours[section][key] == ref[section][key], (preset, section, key)


def test_override_any_key(compose_config) -> None:  # noqa: ANN001
    cfg = compose_config(["hardware.crossbar.rows=128", "hardware.device.variation_pct=2.5"])
    hw = instantiate(cfg.hardware, _convert_="all")
    assert hw.crossbar.rows == 128 and hw.device.variation_pct == 2.5


def test_unknown_key_is_a_config_error() -> None:
    with pytest.raises(SimConfigError, match=r"hardware=x: \[crossbar\] foo = 1: unknown key; accepted: .*rows"):
        build_sim_config(name="x", crossbar={"foo": 1})


@pytest.mark.parametrize("x, dac, adc", [(32, 8, 1), (64, 16, 2), (128, 32, 4), (256, 64, 8), (512, 128, 16)])
def test_rule(x: int, dac: int, adc: int, data_dir: Path, tmp_path: Path) -> None:
    base = load_sim_config(data_dir / "SimConfig.ini")
    got = write_candidate_ini(base, {"xbar_size": x, "dac_choice": 3, "adc_choice": 7, "cell_bit": 2},
                              tmp_path / "c.ini")
    assert (got.crossbar.rows, got.crossbar.cols, got.crossbar.subarray_rows) == (x, x, x)
    assert (got.pe.dac_num, got.pe.adc_num) == (dac, adc)
    assert (got.interface.dac_choice, got.interface.adc_choice) == (3, 7)
    assert got.device.level == 4
    # base HRS 1e6, LRS 1e4 -> conductances 1e-6 .. 1e-4 in 3 equal steps of 3.3e-5
    g = [1 / r for r in got.device.resistance_ohm]
    assert g == pytest.approx([1e-6, 1e-6 + 33e-6, 1e-6 + 66e-6, 1e-4], rel=1e-9)
    # the text on disk is what the simulator reads
    text = (tmp_path / "c.ini").read_text()
    assert f"Xbar_Size = {x},{x}" in text and f"DAC_Num = {dac}" in text and f"ADC_Num = {adc}" in text
    # nothing else changed
    untouched = dataclasses.replace(got, crossbar=base.crossbar, pe=base.pe, interface=base.interface,
                                    device=base.device)
    assert untouched == base


@pytest.mark.parametrize("x", [0, 16, 30, 48, 100, 250, -64])
def test_rule_rejects_sizes_not_dividing(x: int, data_dir: Path) -> None:
    base = load_sim_config(data_dir / "SimConfig.ini")
    with pytest.raises(SimConfigError, match=r"\[Crossbar level\] Xbar_Size = .*divide by 4 .* and by 32"):
        apply_decisions(base, {"xbar_size": x})


def test_conductance_levels_golden() -> None:
    assert conductance_levels(1e6, 1e4, 2) == pytest.approx((1e6, 1e4))
    # G = 1e-6, 2e-6 .. 1e-7 + ... : HRS 1e7, LRS 1e4 -> G from 1e-7 to 1e-4, 4 levels, step 3.33e-5
    res = conductance_levels(1e7, 1e4, 4)
    assert res[0] == pytest.approx(1e7) and res[-1] == pytest.approx(1e4)
    assert 1 / res[1] - 1 / res[0] == pytest.approx(1 / res[2] - 1 / res[1])


def test_rule_keeps_pim_nas_hrs_lrs(data_dir: Path) -> None:
    base = load_sim_config(data_dir / "SimConfig-pim_nas.ini")  # 1e7, 1e4, 5e3, 3333: HRS 1e7, LRS 3333
    got = apply_decisions(base, {"cell_bit": 1})
    assert got.device.level == 2 and got.device.resistance_ohm == pytest.approx((1e7, 3333.0))


def test_candidate_ini_is_validated_by_the_simulator(data_dir: Path, tmp_path: Path) -> None:
    base = load_sim_config(data_dir / "SimConfig.ini")
    with pytest.raises(SimConfigError, match="ADC_Choice"):
        write_candidate_ini(base, {"xbar_size": 64, "adc_choice": 42}, tmp_path / "bad.ini")
