"""Power model (W): MNSIM's "everything on at once" power per layer and per component.

Per PE of a conv/fc layer (MNSIM ``Hardware_Model/Tile.py calculate_tile_read_power_fast`` and ``PE.py``), with
``g`` groups used, ``R``/``C`` rows/columns used per crossbar:

* crossbar ``pol * g * R * C * P_cell / input_demux / output_mux`` (+ the 0T1R sneak term);
* DACs, input registers, demuxes: ``g * n_D`` units; ADCs, output registers, muxes, shift registers: ``g * n_A``;
  group adders ``(g - 1) * n_A``; PE input buffer read + write power (always on).
  MNSIM (``compat="mnsim"``): ``n_D = ceil(R / input_demux)``, ``n_A = ceil(C / output_mux)``: fewer converters than
  the latency model lets work in parallel. Default: ``n_D = min(R, DACs per group)``, ``n_A = min(C, ADCs per
  group)``, the converters the latency model actually uses each cycle.
* per tile: ``max_PE`` PEs, ``(max_PE - 1) * n_A`` joint modules, tile output buffer read + write power.
* pooling tile: pooling unit + output buffer. Layer power = tile power x tiles of the layer
  (``Power_Model/Model_inference_power.py``). Total = sum over layers.

The element-sum accumulator (global buffer + adders) is left out of MNSIM's total (kept in its component
breakdown); the default mode counts it (spread over the element-sum layers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.components import buffer, device, digital
from sim.mapping import NetworkMapping

FloatArray = npt.NDArray[np.float64]

POWER_PARTS = ("xbar", "dac", "adc", "ireg", "oreg", "shiftreg", "demux", "mux", "adder", "joint",
               "buf_r", "buf_w", "pooling")


@dataclass(frozen=True)
class PowerResult:
    """Per-layer power by part (W), and the element-sum accumulator's."""

    parts: dict[str, FloatArray]  # part -> per-layer W (tile power x tiles)
    global_buf_r_W: float
    global_buf_w_W: float
    global_adder_W: float  # all global adders together
    global_adder_unit_W: float

    def layer_total(self) -> FloatArray:
        total: FloatArray = np.sum([self.parts[p] for p in POWER_PARTS], axis=0)
        return total


def global_buffer_kb(m: NetworkMapping) -> float:
    """Size of the element-sum accumulator buffer (MNSIM builds it as a PE-level buffer: PE_inBuf_Size wins)."""
    if m.compat == "mnsim" and m.cfg.pe.inbuf_size_KB:
        return float(m.cfg.pe.inbuf_size_KB)
    return m.global_buf_kb


def layer_power(m: NetworkMapping) -> PowerResult:
    """Power of every layer's tiles, by part."""
    hw = m.hw
    active = "active_converters" in m.fixes
    n = m.n_layers
    mm = (m.kind == 0) | (m.kind == 1)
    g = m.max_group.astype(np.float64)
    r = m.max_row.astype(np.float64)
    c = m.max_col.astype(np.float64)
    mpe = m.max_pe.astype(np.float64)
    tiles = m.tile_num.astype(np.float64)
    if active:
        n_d = np.minimum(r, hw.group_dac_num)
        n_a = np.minimum(c, hw.group_adc_num)
    else:
        n_d = np.ceil(r / hw.input_demux)
        n_a = np.ceil(c / hw.output_mux)
    xbar = hw.polarity * g * r * c * hw.cell_power_W / hw.input_demux / hw.output_mux
    if m.cfg.crossbar.cell_type.startswith("0"):
        sneak = 0.25 * r * (hw.cols - c) * device.hrs_cell_read_power_W(m.cfg)
        xbar = xbar + hw.polarity * g * sneak / hw.input_demux / hw.output_mux
    tech, bw = hw.buffer_tech_nm, hw.buffer_bitwidth
    in_r, in_w = buffer.buffer_power_mW(m.inbuf_kb, tech, bw)
    out_r, out_w = buffer.buffer_power_mW(m.outbuf_kb, tech, bw)
    per_pe = {
        "xbar": xbar, "dac": g * n_d * hw.dac.power_W, "adc": g * n_a * hw.adc.power_W,
        "ireg": g * n_d * hw.reg_power_W, "oreg": g * n_a * hw.reg_power_W,
        "shiftreg": g * n_a * hw.shiftreg_power_W, "demux": g * n_d * hw.demux_power_W,
        "mux": g * n_a * hw.mux_power_W, "adder": np.maximum(g - 1, 0) * n_a * hw.adder_power_W,
        "buf_r": np.full(n, float(in_r) * 1e-3), "buf_w": np.full(n, float(in_w) * 1e-3),
    }
    parts: dict[str, FloatArray] = {}
    for name, value in per_pe.items():
        parts[name] = np.where(mm, mpe * value, 0.0) * tiles
    parts["joint"] = np.where(mm, np.maximum(mpe - 1, 0) * n_a * hw.joint_power_W, 0.0) * tiles
    has_tile = tiles > 0
    parts["buf_r"] = parts["buf_r"] + np.where(has_tile, float(out_r) * 1e-3, 0.0) * tiles
    parts["buf_w"] = parts["buf_w"] + np.where(has_tile, float(out_w) * 1e-3, 0.0) * tiles
    parts["pooling"] = np.where(m.kind == 2, hw.pool_power_W, 0.0) * tiles
    g_r, g_w = buffer.buffer_power_mW(global_buffer_kb(m), tech, bw)
    add_unit = digital.adder_power_W(m.cfg.digital, m.global_adder_bits)
    result = PowerResult(parts=parts, global_buf_r_W=float(g_r) * 1e-3, global_buf_w_W=float(g_w) * 1e-3,
                         global_adder_W=add_unit * m.global_adder_num, global_adder_unit_W=add_unit)
    if "global_accumulator" in m.fixes:
        sums = m.kind == 3
        if sums.any():
            share = sums / sums.sum()
            parts["buf_r"] = parts["buf_r"] + share * result.global_buf_r_W
            parts["buf_w"] = parts["buf_w"] + share * result.global_buf_w_W
            parts["adder"] = parts["adder"] + share * result.global_adder_W
    return result
