"""Tile placement orders: the spiral generator against a brute-force enumeration of MNSIM's "hui" order."""

from __future__ import annotations

import numpy as np
import pytest

from sim.mapping import tile_order_positions


def spiral_brute_force(n_tiles: int, rows: int, cols: int) -> np.ndarray:
    """Walk every cell of the enclosing square in shell order and keep the in-grid ones (O(side^2))."""
    out = []
    for s in range(max(rows, cols)):
        first = [(t, s) for t in range(s + 1)] if s % 2 else [(s, t) for t in range(s + 1)]
        second = [(s, c) for c in range(s - 1, -1, -1)] if s % 2 else [(r, s) for r in range(s - 1, -1, -1)]
        out += [(r, c) for r, c in first + second if r < rows and c < cols]
    return np.array(out[:n_tiles], dtype=np.int64).reshape(-1, 2)


@pytest.mark.parametrize("rows,cols", [(1, 1), (8, 8), (5, 3), (3, 5), (1, 40), (40, 1), (7, 2), (2, 9), (64, 64)])
def test_spiral_matches_brute_force_for_every_prefix(rows: int, cols: int) -> None:
    full = spiral_brute_force(rows * cols, rows, cols)
    assert len({tuple(p) for p in full.tolist()}) == rows * cols  # a permutation of the grid
    for n in sorted({1, 2, 3, rows * cols // 2, rows * cols - 1, rows * cols} - {0}):
        np.testing.assert_array_equal(tile_order_positions(n, (rows, cols), 2), full[:n])


def test_spiral_on_a_long_thin_grid_is_cheap() -> None:
    # 10^6 x 1: the old generator built a 10^12-cell square; only the cells needed are made now
    xy = tile_order_positions(47, (1_000_000, 1), 2)
    np.testing.assert_array_equal(xy, np.stack([np.arange(47), np.zeros(47, dtype=np.int64)], axis=1))
