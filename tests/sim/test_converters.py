"""MNSIM 2.0's ADC/DAC tables, latency rules, user-defined converters and the compat differences."""

from __future__ import annotations

import dataclasses

import pytest

from sim.config import InterfaceConfig
from sim.converters import ADC_TABLE, DAC_TABLE, AdcSpec, DacSpec, resolve_adc, resolve_dac
from sim.errors import SimConfigError

# choice: (bits, area um^2, power W, rate GS/s, latency ns), from MNSIM 2.0 Hardware_Model/ADC.py
ADC_GOLDEN = {
    1: (10, 1600.0, 6.92e-3, 1.5, 8.0),
    2: (8, 1200.0, 2e-3, 1.28, 7.8125),
    3: (8, 1650.0, 4e-3, 1.1, 10 / 1.1),
    4: (6, 580.0, 1.26e-3, 1.0, 8.0),
    5: (8, 1650.0, 4e-3, 1.1, 10 / 1.1),
    6: (6, 1650.0, 1.26e-3, 1.0, 8.0),
    7: (4, 500.0, 0.7e-3, 1.0, 6.0),
    8: (1, 1.0, 1.629e-6, 1.0, 1.0),
    9: (8, 15899.0, 5.84e-5, 6.0, 256 / 6),
}
# choice: (bits, area um^2, power W (default mode), latency ns), from MNSIM 2.0 Hardware_Model/DAC.py (ISAAC)
DAC_GOLDEN = {
    1: (1, 0.166, 3.9e-6, 3.0),
    2: (2, 0.332, 7.8e-6, 4.0),
    3: (3, 0.664, 1.56e-5, 5.0),
    4: (4, 1.328, 3.12e-5, 6.0),
    5: (6, 5.312, 1.248e-4, 8.0),
    6: (8, 21.248, 4.992e-4, 10.0),
    7: (1, 0.166, 3.9e-6, 3.0),
}


@pytest.mark.parametrize("compat", [None, "mnsim"])
@pytest.mark.parametrize("choice", sorted(ADC_GOLDEN))
def test_adc_table(choice: int, compat: str | None) -> None:
    bits, area, power, rate, latency = ADC_GOLDEN[choice]
    adc = resolve_adc(InterfaceConfig(adc_choice=choice), compat)
    assert adc.bits == bits
    assert adc.area_um2 == pytest.approx(area)
    assert adc.power_W == pytest.approx(power, rel=1e-12)
    assert adc.sample_rate_GSps == pytest.approx(rate)
    assert adc.latency_ns == pytest.approx(latency)
    assert adc.energy_nJ == pytest.approx(power * latency)
    assert adc.source


@pytest.mark.parametrize("choice", sorted(DAC_GOLDEN))
def test_dac_table(choice: int) -> None:
    bits, area, power, latency = DAC_GOLDEN[choice]
    dac = resolve_dac(InterfaceConfig(dac_choice=choice))
    assert (dac.bits, dac.sample_rate_GSps) == (bits, 1.0)
    assert dac.area_um2 == pytest.approx(area)
    assert dac.power_W == pytest.approx(power, rel=1e-12)
    assert dac.latency_ns == pytest.approx(latency)
    assert "ISAAC" in dac.source


def test_dac_power_doubles_per_bit_in_default_mode() -> None:
    powers = {DAC_TABLE[c].bits: DAC_TABLE[c].power_W for c in (1, 2, 3, 4, 5, 6)}
    for b in (2, 3, 4):
        assert powers[b] == pytest.approx(2 * powers[b - 1])
    assert powers[8] == pytest.approx(4 * powers[6])


def test_compat_mnsim_keeps_dac6_power_defect() -> None:
    itf = InterfaceConfig(dac_choice=6)
    assert resolve_dac(itf, "mnsim").power_W == 0.4992
    assert resolve_dac(itf).power_W == pytest.approx(4.992e-4)
    for choice in (1, 2, 3, 4, 5, 7):
        i = InterfaceConfig(dac_choice=choice)
        assert resolve_dac(i, "mnsim") == resolve_dac(i)


def test_adc9_is_8_bits_in_both_modes() -> None:
    itf = InterfaceConfig(adc_choice=9)
    assert resolve_adc(itf).bits == resolve_adc(itf, "mnsim").bits == 8


def test_adc_latency_rules() -> None:
    assert AdcSpec(1, 1.0, 1e-6, 2.0).latency_ns == pytest.approx(0.5)  # sense amplifier: 1 cycle
    assert AdcSpec(7, 1.0, 1e-6, 2.0).latency_ns == pytest.approx(4.5)  # (Q + 2) / rate
    assert AdcSpec(4, 1.0, 1e-6, 2.0, kind="ramp").latency_ns == pytest.approx(8.0)  # 2^Q / rate
    assert DacSpec(3, 1.0, 1e-6, 0.5).latency_ns == pytest.approx(10.0)  # (d + 2) / rate


def test_user_defined_converters() -> None:
    itf = InterfaceConfig(
        dac_choice=-1, dac_area_um2=2.0, dac_precision_bits=3, dac_power_W=1e-5, dac_sample_rate_GSps=2.0,
        adc_choice=-1, adc_area_um2=900.0, adc_precision_bits=5, adc_power_W=2e-3, adc_sample_rate_GSps=0.5,
    )
    assert resolve_dac(itf) == DacSpec(3, 2.0, 1e-5, 2.0)
    assert resolve_dac(itf).latency_ns == pytest.approx(2.5)
    adc = resolve_adc(itf, "mnsim")
    assert (adc.bits, adc.area_um2, adc.power_W, adc.sample_rate_GSps) == (5, 900.0, 2e-3, 0.5)
    assert adc.latency_ns == pytest.approx(14.0)


@pytest.mark.parametrize(("field", "value", "key"), [
    ("adc_precision_bits", 0, "ADC_Precision"), ("adc_sample_rate_GSps", 0.0, "ADC_Sample_Rate"),
])
def test_user_defined_adc_needs_precision_and_rate(field: str, value: object, key: str) -> None:
    itf = dataclasses.replace(InterfaceConfig(adc_choice=-1, adc_precision_bits=4, adc_sample_rate_GSps=1.0),
                              **{field: value})
    with pytest.raises(SimConfigError) as info:
        resolve_adc(itf)
    assert (info.value.section, info.value.key) == ("Interface level", key)


def test_unknown_choice_raises() -> None:
    with pytest.raises(SimConfigError, match=r"\[Interface level\] ADC_Choice = 12: unknown choice; accepted: -1"):
        resolve_adc(InterfaceConfig(adc_choice=12))
    with pytest.raises(SimConfigError, match="DAC_Choice = 0"):
        resolve_dac(InterfaceConfig(dac_choice=0))


def test_bad_compat_is_value_error() -> None:
    with pytest.raises(ValueError, match="compat"):
        resolve_adc(InterfaceConfig(), "MNSIM")


def test_logic_op_adds_gate_area() -> None:
    base = resolve_adc(InterfaceConfig(adc_choice=8)).area_um2
    assert resolve_adc(InterfaceConfig(adc_choice=8, logic_op=0)).area_um2 == pytest.approx(base + 17.28 * 0.18)
    assert resolve_adc(InterfaceConfig(adc_choice=8, logic_op=2)).area_um2 == pytest.approx(base + 19.2 * 0.18)


def test_digital_pim_forces_sense_amplifier_and_1bit_dac() -> None:
    itf = InterfaceConfig(adc_choice=3, dac_choice=4)
    assert resolve_adc(itf, pim_type=1) == ADC_TABLE[8]
    assert resolve_dac(itf, pim_type=1) == DAC_TABLE[1]


def test_specs_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ADC_TABLE[1].bits = 3  # type: ignore[misc]


def test_choice_lists_match_tables() -> None:
    from sim.config import ADC_CHOICES, DAC_CHOICES

    assert set(ADC_CHOICES) == {-1, *ADC_TABLE} and set(DAC_CHOICES) == {-1, *DAC_TABLE}
