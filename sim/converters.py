"""DAC and ADC specifications: MNSIM 2.0's preset tables and user-defined converters.

``[Interface level] DAC_Choice`` / ``ADC_Choice`` pick a row of the tables below, or ``-1`` for a converter described by
the ``DAC_*`` / ``ADC_*`` keys (area um^2, precision bits, power W, sample rate GS/s). Values are MNSIM 2.0's
(thu-nics/MNSIM-2.0 ``MNSIM/Hardware_Model/ADC.py`` and ``DAC.py``); each row's ``source`` repeats the reference
that MNSIM's code comment gives for it.

Conversion latency (ns) follows MNSIM: an ADC takes ``(bits + 2) / rate`` (a successive-approximation conversion
plus sample and reset), a 1-bit ADC (sense amplifier) ``1 / rate``, and the ramp-style ADC of choice 9
``2**bits / rate``; a DAC takes ``(bits + 2) / rate``. Energy per conversion is ``power_W * latency_ns`` (nJ).

``Logic_Op`` (digital PIM: 0 AND, 1 OR, 2 XOR) adds one logic gate to every ADC's area, as MNSIM does (the gate areas
are scaled from 65 nm to 28 nm by a factor 0.18).

Differences between the default mode (``compat=None``) and ``compat="mnsim"``:

1. DAC choice 6 (8-bit): MNSIM's power is 0.4992 W, a missing ``1e-3`` (the ISAAC series doubles per bit:
   1.248e-4 W at 6 bits, so 4.992e-4 W at 8 bits). Default: 4.992e-4 W; ``compat="mnsim"``: 0.4992 W.
2. ADC choice 9 ("Qi Liu"): MNSIM's hardware model says 8 bits (area, power ``8 * 7.3e-6`` W and the
   ``2**8 / 6`` ns latency are all 8-bit figures), while its accuracy model quantises to 6 bits. Both modes use
   8 bits, so that the cost model and the accuracy model (``sim.slicing``) describe the same converter; the
   hardware figures are what parity checks compare. A 6-bit reading of that ADC is a user-defined (-1) converter.

No other table value differs between the modes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.config import ADC_ACCEPTED, DAC_ACCEPTED, KEY_TABLE, InterfaceConfig
from sim.errors import SimConfigError


@dataclass(frozen=True)
class AdcSpec:
    """One ADC: resolution, area, power and sample rate; ``kind`` selects the latency rule."""

    bits: int  # resolution Q, bits
    area_um2: float  # area of one ADC, um^2 (logic gate included when Logic_Op is set)
    power_W: float  # power while converting, W
    sample_rate_GSps: float  # sample rate, GS/s (= samples per ns)
    kind: str = "sar"  # "sar": (Q + 2) cycles (1 cycle when Q == 1); "ramp": 2**Q cycles
    source: str = "user defined"  # the reference MNSIM's code comment names for this row

    @property
    def latency_ns(self) -> float:
        """Time of one conversion, ns."""
        if self.bits == 1:
            return 1.0 / self.sample_rate_GSps
        if self.kind == "ramp":
            return float(2**self.bits) / self.sample_rate_GSps
        return (self.bits + 2) / self.sample_rate_GSps

    @property
    def energy_nJ(self) -> float:
        """Energy of one conversion, nJ (W x ns)."""
        return self.power_W * self.latency_ns


@dataclass(frozen=True)
class DacSpec:
    """One DAC: resolution, area, power and sample rate."""

    bits: int  # resolution d, bits
    area_um2: float  # area of one DAC, um^2
    power_W: float  # power while converting, W
    sample_rate_GSps: float  # sample rate, GS/s
    source: str = "user defined"

    @property
    def latency_ns(self) -> float:
        """Time of one conversion, ns: ``(d + 2) / rate``."""
        return (self.bits + 2) / self.sample_rate_GSps

    @property
    def energy_nJ(self) -> float:
        """Energy of one conversion, nJ (W x ns)."""
        return self.power_W * self.latency_ns


_ISAAC = "ISAAC: A Convolutional Neural Network Accelerator with In-Situ Analog Arithmetic in Crossbars"

ADC_TABLE: dict[int, AdcSpec] = {
    1: AdcSpec(10, 1600.0, 6.92e-3, 1.5, source=(
        "A 10b 1.5GS/s Pipelined-SAR ADC with Background Second-Stage Common-Mode Regulation and Offset "
        "Calibration in 14nm CMOS FinFET")),
    2: AdcSpec(8, 1200.0, 2e-3, 1.28, source=_ISAAC),
    3: AdcSpec(8, 1650.0, 4e-3, 1.1, source="A >3GHz ERBW 1.1GS/s 8b Two-Step SAR ADC with Recursive-Weight DAC"),
    4: AdcSpec(6, 580.0, 1.26e-3, 1.0, source="Area-Efficient 1GS/s 6b SAR ADC with Charge-Injection-Cell-Based DAC"),
    5: AdcSpec(8, 1650.0, 4e-3, 1.1, source="ASPDAC1"),
    6: AdcSpec(6, 1650.0, 1.26e-3, 1.0, source="ASPDAC2"),
    7: AdcSpec(4, 500.0, 0.7e-3, 1.0, source="ASPDAC3"),
    8: AdcSpec(1, 1.0, 0.1086 * 15e-6, 1.0, source=(
        "sense amplifier @ 28nm; power: Comparative Study of Sense Amplifiers for SRAM "
        "(scaled from 1.2V@65nm to 0.8V@28nm)")),
    9: AdcSpec(8, 15899.0, 8 * 0.0073e-3, 6.0, kind="ramp", source="Qi Liu"),
}
"""MNSIM 2.0's ADC presets by ``ADC_Choice`` (1..9). Rows, with the reference MNSIM's code comment names:

1. 10 b, 1600 um^2, 6.92 mW, 1.5 GS/s: "A 10b 1.5GS/s Pipelined-SAR ADC ... in 14nm CMOS FinFET".
2. 8 b, 1200 um^2, 2 mW, 1.28 GS/s: ISAAC (Shafiee et al., ISCA 2016).
3. 8 b, 1650 um^2, 4 mW, 1.1 GS/s: "A >3GHz ERBW 1.1GS/s 8b Two-Step SAR ADC with Recursive-Weight DAC".
4. 6 b, 580 um^2, 1.26 mW, 1 GS/s: "Area-Efficient 1GS/s 6b SAR ADC with Charge-Injection-Cell-Based DAC".
5. 8 b, 1650 um^2, 4 mW, 1.1 GS/s: "ASPDAC1".
6. 6 b, 1650 um^2, 1.26 mW, 1 GS/s: "ASPDAC2" (MNSIM 2.0's default).
7. 4 b, 500 um^2, 0.7 mW, 1 GS/s: "ASPDAC3".
8. 1 b sense amplifier, 1 um^2, 1.629 uW (0.1086 x 15 uW), 1 GS/s: "Comparative Study of Sense Amplifiers for
   SRAM", scaled to 28 nm; MNSIM forces it for digital PIM (``PIM_Type = 1``).
9. 8 b, 15899 um^2, 58.4 uW (8 x 7.3 uW), 6 GS/s, 2**Q cycles per conversion: "Qi Liu".
"""

DAC_TABLE: dict[int, DacSpec] = {
    1: DacSpec(1, 0.166, 0.0039e-3, 1.0, source=_ISAAC),
    2: DacSpec(2, 0.332, 0.0078e-3, 1.0, source=_ISAAC),
    3: DacSpec(3, 0.664, 0.0156e-3, 1.0, source=_ISAAC),
    4: DacSpec(4, 1.328, 0.0312e-3, 1.0, source=_ISAAC),
    5: DacSpec(6, 5.312, 0.1248e-3, 1.0, source=_ISAAC),
    6: DacSpec(8, 21.248, 0.4992e-3, 1.0, source=_ISAAC),
    7: DacSpec(1, 0.166, 0.0039e-3, 1.0, source=_ISAAC),
}
"""MNSIM 2.0's DAC presets by ``DAC_Choice`` (1..7), all from ISAAC (Shafiee et al., ISCA 2016), 1 GS/s:
1: 1 b, 0.166 um^2, 3.9 uW; 2: 2 b, 0.332 um^2, 7.8 uW; 3: 3 b, 0.664 um^2, 15.6 uW; 4: 4 b, 1.328 um^2, 31.2 uW;
5: 6 b, 5.312 um^2, 124.8 uW; 6: 8 b, 21.248 um^2, 499.2 uW (MNSIM: 0.4992 W, see the module docstring);
7: same as 1.
"""

MNSIM_DAC6_POWER_W = 0.4992  # MNSIM's (defective) 8-bit DAC power, used with compat="mnsim"

# Logic_Op -> extra area per ADC, um^2 (AND / OR: 17.28 um^2, XOR: 19.2 um^2 at 65 nm, x 0.18 for 28 nm)
LOGIC_OP_AREA_UM2: dict[int, float] = {0: 17.28 * 0.18, 1: 17.28 * 0.18, 2: 19.2 * 0.18}



def _check_compat(compat: str | None) -> None:
    if compat not in (None, "mnsim"):
        raise ValueError(f"compat={compat!r} is not a mode; accepted: None (default, defects fixed) or 'mnsim'")


def _user_error(field: str, value: object, problem: str, accepted: str) -> SimConfigError:
    section, key = KEY_TABLE[f"interface.{field}"]
    return SimConfigError(None, section, key, value, problem, accepted)


def resolve_adc(interface: InterfaceConfig, compat: str | None = None, *, pim_type: int = 0) -> AdcSpec:
    """The ADC that ``interface`` selects. ``pim_type=1`` (digital PIM) forces preset 8 unless the choice is -1.

    Raises SimConfigError for an unknown choice or a user-defined ADC with non-positive precision or rate.
    """
    _check_compat(compat)
    choice = interface.adc_choice
    if pim_type == 1 and choice != -1:
        choice = 8
    if choice == -1:
        if interface.adc_precision_bits < 1:
            raise _user_error("adc_precision_bits", interface.adc_precision_bits,
                              "a user-defined ADC (ADC_Choice = -1) needs a precision", "an integer >= 1 (bits)")
        if not interface.adc_sample_rate_GSps > 0:
            raise _user_error("adc_sample_rate_GSps", interface.adc_sample_rate_GSps,
                              "a user-defined ADC (ADC_Choice = -1) needs a sample rate", "a number > 0 (GS/s)")
        spec = AdcSpec(interface.adc_precision_bits, interface.adc_area_um2, interface.adc_power_W,
                       interface.adc_sample_rate_GSps)
    elif choice in ADC_TABLE:
        spec = ADC_TABLE[choice]
    else:
        raise _user_error("adc_choice", choice, "unknown choice", ADC_ACCEPTED)
    extra = LOGIC_OP_AREA_UM2.get(interface.logic_op, 0.0)
    if extra:
        spec = AdcSpec(spec.bits, spec.area_um2 + extra, spec.power_W, spec.sample_rate_GSps, spec.kind, spec.source)
    return spec


def resolve_dac(interface: InterfaceConfig, compat: str | None = None, *, pim_type: int = 0) -> DacSpec:
    """The DAC that ``interface`` selects. ``pim_type=1`` (digital PIM) forces preset 1 unless the choice is -1.

    Raises SimConfigError for an unknown choice or a user-defined DAC with non-positive precision or rate.
    """
    _check_compat(compat)
    choice = interface.dac_choice
    if pim_type == 1 and choice != -1:
        choice = 1
    if choice == -1:
        if interface.dac_precision_bits < 1:
            raise _user_error("dac_precision_bits", interface.dac_precision_bits,
                              "a user-defined DAC (DAC_Choice = -1) needs a precision", "an integer >= 1 (bits)")
        if not interface.dac_sample_rate_GSps > 0:
            raise _user_error("dac_sample_rate_GSps", interface.dac_sample_rate_GSps,
                              "a user-defined DAC (DAC_Choice = -1) needs a sample rate", "a number > 0 (GS/s)")
        return DacSpec(interface.dac_precision_bits, interface.dac_area_um2, interface.dac_power_W,
                       interface.dac_sample_rate_GSps)
    if choice not in DAC_TABLE:
        raise _user_error("dac_choice", choice, "unknown choice", DAC_ACCEPTED)
    spec = DAC_TABLE[choice]
    if choice == 6 and compat == "mnsim":
        spec = DacSpec(spec.bits, spec.area_um2, MNSIM_DAC6_POWER_W, spec.sample_rate_GSps, spec.source)
    return spec
