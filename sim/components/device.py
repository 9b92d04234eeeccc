"""Memory cell and crossbar array (MNSIM ``Hardware_Model/Device.py`` and ``Crossbar.py``).

* Cell read power (W): ``V^2 / R`` with the average conductance ``1/R = 0.67/R_HRS + 0.33/R_LRS`` (67 % of the cells
  in the high-resistance state) and ``V^2 = 0.9 V_0^2 + 0.1 V_last^2`` (90 % of the inputs at the low read level).
* Crossbar read latency (ns): ``Read_Latency``; MNSIM's wire term is zero.
* Crossbar area (um^2): ``rows * cols * Device_Area`` (Area_Calculation 0) or from the feature size F = Device_Tech
  (method 1: 4 F^2 per 0T1R cell, 12 F^2 per 1T1R cell), plus MNSIM 2.0's per-row driver: 1150 um^2 per row for
  analog PIM (reference: "A Fully Integrated Analog ReRAM Based 78.4TOPS/W Compute-In-Memory Chip"), and
  ``(7.3 * 2.7 + 9.5 * 3.8) * (Transistor_Tech / 65)^2`` um^2 per row for digital PIM.
"""

from __future__ import annotations

from sim.config import SimConfig

ANALOG_DRIVER_UM2_PER_ROW = 1150.0
DIGITAL_DRIVER_UM2_PER_ROW_65NM = 7.3 * 2.7 + 9.5 * 3.8


def cell_read_power_W(cfg: SimConfig) -> float:
    """Average read power of one cell, W (Device.py ``calculate_device_read_power``)."""
    r = cfg.device.resistance_ohm
    v = cfg.device.read_voltage_V
    r_hrs, r_lrs = float(r[0]), float(r[-1])
    resistance = r_hrs * r_lrs / (r_lrs * 0.67 + r_hrs * 0.33)
    v2 = 0.9 * v[0] ** 2 + 0.1 * v[-1] ** 2
    return v2 / resistance


def hrs_cell_read_power_W(cfg: SimConfig) -> float:
    """Read power of one cell in the high-resistance state, W (0T1R sneak-path term)."""
    v = cfg.device.read_voltage_V
    return (0.9 * v[0] ** 2 + 0.1 * v[-1] ** 2) / float(cfg.device.resistance_ohm[0])


def crossbar_read_latency_ns(cfg: SimConfig) -> float:
    """One analog read of a crossbar, ns (Crossbar.py: device read latency, wire latency 0)."""
    return float(cfg.device.read_latency_ns)


def crossbar_area_um2(cfg: SimConfig) -> float:
    """Area of one crossbar with its row drivers, um^2 (Crossbar.py ``calculate_xbar_area``)."""
    rows, cols = cfg.crossbar.rows, cfg.crossbar.cols
    if cfg.crossbar.area_calculation == 0:
        area = rows * cols * cfg.device.cell_area_um2
    elif cfg.device.device_type.upper() == "SRAM":
        area = rows * cols * 5.0
    else:
        f2 = cfg.device.tech_nm ** 2 * 1e-6
        area = rows * cols * f2 * (4.0 if cfg.crossbar.cell_type.startswith("0") else 12.0)
    if cfg.pe.pim_type == 1:
        area += rows * DIGITAL_DRIVER_UM2_PER_ROW_65NM * (cfg.crossbar.transistor_tech_nm / 65.0) ** 2
    else:
        area += rows * ANALOG_DRIVER_UM2_PER_ROW
    return float(area)
