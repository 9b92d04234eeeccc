"""Area model (um^2 inside, mm^2 in reports): every allocated tile is a full tile.

``area = sum_layers tiles(layer) * tile_area`` (MNSIM ``Area_Model/Model_Area.py``): a tile is ``PE_Num`` PEs
(crossbars, ADCs, DACs, digital blocks, input buffers), the H-tree joint modules, the output buffer and a pooling unit,
whatever the layer uses of it. The element-sum accumulator (global buffer + adders) appears only in MNSIM's
component breakdown; the default mode adds it to the total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.components import buffer, digital
from sim.components.tile import TileArea, tile_area
from sim.mapping import NetworkMapping
from sim.power import global_buffer_kb

FloatArray = npt.NDArray[np.float64]

AREA_PARTS = ("xbar", "adc", "dac", "digital", "buffer", "pooling")


@dataclass(frozen=True)
class AreaResult:
    """Per-layer area by part (um^2) and the accumulator's area."""

    tile: TileArea
    parts: dict[str, FloatArray]
    global_buf_um2: float
    global_adder_um2: float
    global_in_total: bool

    def layer_total(self) -> FloatArray:
        total: FloatArray = np.sum([self.parts[p] for p in AREA_PARTS], axis=0)
        return total

    @property
    def total_um2(self) -> float:
        extra = self.global_buf_um2 + self.global_adder_um2 if self.global_in_total else 0.0
        return float(self.layer_total().sum()) + extra


def layer_area(m: NetworkMapping) -> AreaResult:
    """Area of every layer's tiles, by part."""
    t = tile_area(m.hw, m.inbuf_kb, m.outbuf_kb)
    tiles = m.tile_num.astype(np.float64)
    parts = {"xbar": tiles * t.xbar, "adc": tiles * t.adc, "dac": tiles * t.dac, "digital": tiles * t.digital,
             "buffer": tiles * t.buffer, "pooling": tiles * t.pooling}
    g_buf = float(buffer.buffer_area_um2(global_buffer_kb(m), m.hw.buffer_tech_nm, m.hw.buffer_bitwidth))
    g_add = digital.adder_area_um2(m.cfg.digital, m.global_adder_bits) * m.global_adder_num
    return AreaResult(tile=t, parts=parts, global_buf_um2=g_buf, global_adder_um2=g_add,
                      global_in_total="global_accumulator" in m.fixes)
