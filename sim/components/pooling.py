"""Pooling unit of a tile (MNSIM ``Hardware_Model/Pooling.py``).

Area: 91917.1562 um^2 for 64 units of a 3x3 window at 65 nm, scaled by ``Pooling_unit_num / 64`` and, off 65 nm, by
``(Pooling_Tech / 65)^2``; MNSIM gives 0 for other window shapes at 65 nm. Power: 3.082 mW at 65 nm (not scaled by
the unit count), ``(T/65)^2`` off 65 nm. Latency: ``100 ns * ceil(C_in / units) * ceil(k^2 / window)``.
"""

from __future__ import annotations

import math

from sim.config import TileConfig

POOL_AREA_UM2_65NM_3X3_64 = 91917.1562
POOL_POWER_W_65NM = 3.082e-3
POOL_CYCLE_NS = 100.0


def _units(tile: TileConfig) -> int:
    return tile.pooling_unit_num or 64


def _tech(tile: TileConfig) -> float:
    return tile.pooling_tech_nm or 65.0


def window_size(tile: TileConfig) -> int:
    """Pooling window (elements) the hardware supports; 0 means 9."""
    size = tile.pooling_shape[0] * tile.pooling_shape[1]
    return size or 9


def pooling_area_um2(tile: TileConfig) -> float:
    """Area of a tile's pooling unit, um^2."""
    tech = _tech(tile)
    if tech == 65:
        return POOL_AREA_UM2_65NM_3X3_64 * _units(tile) / 64 if window_size(tile) == 9 else 0.0
    return POOL_AREA_UM2_65NM_3X3_64 * (tech / 65.0) ** 2 * _units(tile) / 64


def pooling_power_W(tile: TileConfig) -> float:
    """Power of a tile's pooling unit, W."""
    tech = _tech(tile)
    return POOL_POWER_W_65NM if tech == 65 else POOL_POWER_W_65NM * (tech / 65.0) ** 2


def pooling_latency_ns(tile: TileConfig, in_channels: int, kernel_elems: int) -> float:
    """Time to pool one output position over ``in_channels`` channels and a ``kernel_elems`` window, ns."""
    return POOL_CYCLE_NS * math.ceil(in_channels / _units(tile)) * math.ceil(kernel_elems / window_size(tile))
