"""Digital blocks: adder, shift register, register, joint module (H-tree adder), mux/demux.

Sources (MNSIM ``Hardware_Model``): ``Adder.py``, ``ShiftReg.py``, ``Reg.py``, ``JointModule.py``, ``PE.py``
(mux/demux transistor counts) and ``Latency_Model/PE_latency.py`` (NVSim 65 nm decoder / mux delays).
Areas in um^2, powers in W, delays in ns. A value of 0 in the INI ``[Digital module]`` means "use the table".
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from sim.config import DigitalConfig

# (De)mux with n inputs, n rounded up to 2, 4, 8, 16, 32, 64+: transistor counts (PE.py).
_MUX_SIZES = np.array([2, 4, 8, 16, 32])
_MUX_TRANSISTORS = np.array([8, 24, 72, 216, 648, 1944], dtype=np.float64)
MUX_TRANSISTOR_POWER_W = 10 * 1.2 / 1e9  # PE.py calculate_(de)mux_power
DECODER_1_8_NS = 0.27933  # PE_latency.py: 1:8 decoder, NVSim 65 nm
MUX_8_1_NS = 32.744 / 1000  # PE_latency.py: 8:1 mux, NVSim 65 nm


def clock_ns(digital: DigitalConfig) -> float:
    """Digital clock period, ns: ``1000 / Digital_Frequency[MHz]``."""
    return 1e3 / digital.frequency_MHz


def adder_area_um2(digital: DigitalConfig, bitwidth: int = 8) -> float:
    """Adder area, um^2: per-bit area by technology (Adder.py) times the bit width."""
    if digital.adder_area_um2:
        return float(digital.adder_area_um2)
    t = digital.adder_tech_nm
    if t <= 28:
        per_bit = 10 * 14 * 28 * 28 / 1e6
    elif t <= 45:
        per_bit = 0.2835
    elif t <= 55:
        per_bit = 0.4235
    elif t <= 65:
        per_bit = 1.42
    else:
        per_bit = 2.366
    return per_bit * bitwidth


def adder_power_W(digital: DigitalConfig, bitwidth: int = 8) -> float:
    """Adder power, W: 3e-7 W per bit at 65 nm, 2.5e-9 W per bit otherwise (Adder.py)."""
    if digital.adder_power_W:
        return float(digital.adder_power_W)
    per_bit = 3e-7 if digital.adder_tech_nm == 65 else 2.5e-9
    return per_bit * bitwidth


def shiftreg_area_um2(digital: DigitalConfig) -> float:
    """Shift register area, um^2: 1.42 (T/65)^2 (ShiftReg.py)."""
    if digital.shiftreg_area_um2:
        return float(digital.shiftreg_area_um2)
    return 1.42 * (digital.shiftreg_tech_nm / 65.0) ** 2


def shiftreg_power_W(digital: DigitalConfig) -> float:
    """Shift register power, W: 8.1e-7 (T/65)^2 (ShiftReg.py)."""
    if digital.shiftreg_power_W:
        return float(digital.shiftreg_power_W)
    return 8.1e-7 * (digital.shiftreg_tech_nm / 65.0) ** 2


def reg_area_um2(digital: DigitalConfig) -> float:
    """8-bit register area, um^2: 1.4256 (T/65)^2 (Reg.py)."""
    if digital.reg_area_um2:
        return float(digital.reg_area_um2)
    return 1.4256 * (digital.reg_tech_nm / 65.0) ** 2


def reg_power_W(digital: DigitalConfig) -> float:
    """8-bit register power, W: 18.8e-9 (T/65)^2 (Reg.py)."""
    if digital.reg_power_W:
        return float(digital.reg_power_W)
    return 18.8e-9 * (digital.reg_tech_nm / 65.0) ** 2


def _joint_row(bits: int) -> int:
    return 0 if bits <= 4 else 1 if bits <= 8 else 2 if bits <= 12 else 3


def jointmodule_area_um2(digital: DigitalConfig, bits: int = 8) -> float:
    """Joint module (adder node of the tile's H-tree) area, um^2 (JointModule.py)."""
    if digital.jointmodule_area_um2:
        return float(digital.jointmodule_area_um2)
    table = (182.88, 353.76, 385.44, 512.16)
    return table[_joint_row(bits)] * (digital.jointmodule_tech_nm / 65.0) ** 2


def jointmodule_power_W(digital: DigitalConfig, bits: int = 8) -> float:
    """Joint module power, W (JointModule.py)."""
    if digital.jointmodule_power_W:
        return float(digital.jointmodule_power_W)
    table = (1.39e-4, 2.64e-4, 3.67e-4, 4.97e-4)
    return table[_joint_row(bits)] * (digital.jointmodule_tech_nm / 65.0) ** 2


def mux_transistors(n_inputs: int) -> float:
    """Transistors of an n:1 mux (or 1:n demux), n rounded up to 2..64 (PE.py)."""
    return float(_MUX_TRANSISTORS[int(np.searchsorted(_MUX_SIZES, n_inputs, side="left"))])


def mux_area_um2(n_inputs: int, transistor_tech_nm: float) -> float:
    """(De)mux area, um^2: transistors x ``10 T^2 / 1e6`` (PE.py)."""
    return mux_transistors(n_inputs) * 10 * transistor_tech_nm**2 / 1e6


def mux_power_W(n_inputs: int) -> float:
    """(De)mux power, W: transistors x 1.2e-8 W (PE.py)."""
    return mux_transistors(n_inputs) * MUX_TRANSISTOR_POWER_W


def _octal_levels(n: int) -> int:
    """1 + the number of base-8 digits of n (PE_latency.py: levels of 1:8 decoders / 8:1 muxes)."""
    m = 1
    while n > 0:
        n //= 8
        m += 1
    return m


def demux_latency_ns(lines: int) -> float:
    """Input demux (decoder) delay for ``lines`` rows per DAC, ns."""
    return _octal_levels(lines) * DECODER_1_8_NS


def mux_latency_ns(lines: int) -> float:
    """Output mux delay for ``lines`` columns per ADC, ns."""
    return _octal_levels(lines) * MUX_8_1_NS


def htree_joint_count(pe_total: int) -> int:
    """Joint modules per ADC lane in a tile's H-tree over ``pe_total`` PEs (Tile.py)."""
    index, count = pe_total, 0
    while index / 2 >= 1:
        count += index // 2 + index % 2
        index //= 2
    return count


def adder_tree_count(groups: int) -> int:
    """Adders of a binary tree over ``groups`` inputs (PE.py ``calculate_inter_PE_connection``)."""
    temp, count = groups, 0
    while temp / 2 >= 1:
        count += temp // 2
        temp = temp // 2 + temp % 2
    return count


def ceil_log2(n: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """``ceil(log2 n)`` elementwise, 0 for n <= 1."""
    a = np.maximum(np.asarray(n, dtype=np.float64), 1.0)
    return np.ceil(np.log2(a) - 1e-12)


def ilog2_ceil(n: int) -> int:
    """Scalar ``ceil(log2 n)``, 0 for n <= 1."""
    return 0 if n <= 1 else math.ceil(math.log2(n))
