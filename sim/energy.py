"""Energy model (nJ inside, mJ in reports): layer power of each part x that part's latency summed over pixels.

``E_layer = sum_part P_part(layer) * sum_pixels t_part(pixel)`` (MNSIM ``Energy_Model/Model_energy.py``), with the
buffer parts charged for their read and write times. MNSIM leaves the group adders out of the layer energy, and the
element-sum accumulator out of the total (its adder term multiplies by ``1 / f`` in us: a unit slip). The default mode
adds the group adders and charges the accumulator (global buffer read/write time, one adder cycle per pixel).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.latency import LatencyResult
from sim.mapping import NetworkMapping
from sim.power import PowerResult

FloatArray = npt.NDArray[np.float64]

ENERGY_PARTS = ("xbar", "dac", "adc", "ireg", "oreg", "shiftreg", "demux", "mux", "joint", "adder",
                "buf_r", "buf_w", "pooling")


@dataclass(frozen=True)
class EnergyResult:
    """Per-layer energy by part (nJ) and MNSIM's breakdown-only accumulator terms."""

    parts: dict[str, FloatArray]
    global_adder_nJ: float  # MNSIM's breakdown-only global adder energy (compat), else 0
    global_buf_nJ: float  # MNSIM's breakdown-only global buffer energy (compat), else 0

    def layer_total(self) -> FloatArray:
        total: FloatArray = np.sum([self.parts[p] for p in ENERGY_PARTS], axis=0)
        return total


def layer_energy(m: NetworkMapping, power: PowerResult, lat: LatencyResult) -> EnergyResult:
    """Energy of every layer, by part."""
    t = lat.component_sums_ns
    parts: dict[str, FloatArray] = {}
    for name in ENERGY_PARTS:
        if name == "adder":
            continue
        parts[name] = power.parts[name] * t[name]
    parts["adder"] = power.parts["adder"] * t["adder"] if "adder_energy" in m.fixes else np.zeros(m.n_layers)
    g_add = g_buf = 0.0
    sums = m.kind == 3
    if "global_accumulator" not in m.fixes:
        g_add = power.global_adder_W / m.cfg.digital.frequency_MHz
        # MNSIM charges the global buffer for the access time of the last element-sum layer only
        if sums.any():
            last = int(np.flatnonzero(sums)[-1])
            n_last = float(m.out_h[last] * m.out_w[last])
            g_buf = (power.global_buf_r_W * t["buf_r"][last] + power.global_buf_w_W * t["buf_w"][last]) / n_last
    else:
        clk = m.hw.clock_ns
        npix = (m.out_h * m.out_w).astype(np.float64)
        if sums.any():
            share = sums / sums.sum()
            parts["buf_r"] = parts["buf_r"] + np.where(sums, power.global_buf_r_W * t["buf_r"], 0.0) - \
                np.where(sums, share * power.global_buf_r_W * t["buf_r"], 0.0)
            parts["buf_w"] = parts["buf_w"] + np.where(sums, power.global_buf_w_W * t["buf_w"], 0.0) - \
                np.where(sums, share * power.global_buf_w_W * t["buf_w"], 0.0)
            adders = np.zeros(m.n_layers)
            for i in np.flatnonzero(sums):
                src = next((j for j in m.inputs[i] if m.kind[j] != 3), m.inputs[i][0])
                adders[i] = float(m.cout[src]) * len(m.inputs[i]) // 2
            parts["adder"] = np.where(sums, adders * power.global_adder_unit_W * clk * npix, parts["adder"])
    return EnergyResult(parts=parts, global_adder_nJ=g_add, global_buf_nJ=g_buf)
