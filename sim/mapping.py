"""Mapping of a layer list onto PEs and tiles, tile placement and transfer distances.

Follows MNSIM 2.0's tile connection graph (``MNSIM/Mapping_Model/Tile_connection_graph.py``), vectorised over layers
(and over tiles for the distances). Per conv layer with ``wp`` weight slices (one crossbar column group per slice),
``G`` groups per PE and an ``Xr x Xc`` crossbar:

* ``mx = ceil(wp / G) * ceil(C_out / Xc)`` PEs along the outputs, ``my = ceil(C_in / floor(Xr / k^2))`` along the
  inputs (whole input channels per crossbar); fc: ``my = ceil(In / Xr)``; pooling: one PE (one tile); element_sum:
  none (it runs on the global accumulator).
* ``PEs = mx * my``, ``tiles = ceil(PEs / PE_per_tile)`` (a tile never holds two layers), ``max_PE = min(PEs,
  PE_per_tile)``, rows used per crossbar ``min(floor(Xr / k^2), C_in) * k^2``, columns ``min(C_out, Xc)``.
* Buffers (KB, powers of two): PE input line buffer ``W_in * k * C_in * B_in / 8 / PEs`` bytes, tile output buffer
  ``2 * C_out * B_out / 8 / tiles`` bytes (ping-pong); the largest over conv/fc layers sizes every tile.
* Tiles are numbered layer after layer and laid on the ``Tile_Num`` grid in ``Tile_Connection`` order (0 row-major,
  1 snake, 2 square spiral, 3 zigzag). Per layer, MNSIM picks the aggregation tile minimising (longest hop count to
  the layer's other tiles + longest hop count to the consumer layers' tiles) -> ``inlayer_hops``, ``transfer_hops``.

``wp`` is the number of weight slices of the cost model: ``sim.slicing.Slicing.mapping_weight_slices`` (MNSIM maps
one bit per cell whatever ``Device_Level`` is; the default mode uses ``floor(log2 Device_Level)`` bits per cell).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sim.components.tile import TileHardware, tile_hardware
from sim.config import SimConfig
from sim.errors import SimConfigError
from sim.layers import LayerSpec
from sim.slicing import Slicing, check_compat, slicing_for

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

KIND_CODES = {"conv": 0, "fc": 1, "pool": 2, "element_sum": 3}

FIXES: frozenset[str] = frozenset({"pool_double_read", "active_converters", "global_accumulator", "adder_energy"})
"""Defects of MNSIM's cost model that the default mode fixes (besides the slicing and DAC fixes, which live in
``sim.slicing`` and ``sim.converters``); ``compat="mnsim"`` keeps them all. See docs/compat.md."""


def default_fixes(compat: str | None) -> frozenset[str]:
    """The fixes a mode applies: all of :data:`FIXES` by default, none with ``compat=\"mnsim\"``."""
    return frozenset() if compat == "mnsim" else FIXES


@dataclass(frozen=True)
class NetworkMapping:
    """Mapping of a network: per-layer numpy arrays (index = layer position) plus network-wide buffers."""

    layers: tuple[LayerSpec, ...]
    hw: TileHardware
    compat: str | None
    kind: IntArray  # KIND_CODES
    cin: IntArray
    cout: IntArray
    kernel: IntArray
    stride: IntArray
    padding: IntArray
    in_h: IntArray
    in_w: IntArray
    out_h: IntArray
    out_w: IntArray
    in_bits: IntArray
    out_bits: IntArray
    weight_slices: IntArray  # wp: crossbar column groups per weight
    input_cycles: IntArray  # serial DAC cycles per input
    mx: IntArray
    my: IntArray
    pe_num: IntArray
    tile_num: IntArray
    start_tile: IntArray
    max_pe: IntArray
    max_group: IntArray
    max_row: IntArray
    max_col: IntArray
    inlayer_hops: FloatArray
    transfer_hops: FloatArray
    inbuf_kb: float  # PE input buffer size (every PE)
    outbuf_kb: float  # tile output buffer size (every tile)
    global_buf_kb: float  # element-sum accumulator buffer
    global_adder_num: int
    global_adder_bits: int
    inputs: tuple[tuple[int, ...], ...]
    consumers: tuple[tuple[int, ...], ...]
    tile_xy: IntArray = field(repr=False)  # (used tiles, 2) grid positions, in tile-ID order
    cfg: SimConfig = field(repr=False, default_factory=SimConfig)
    fixes: frozenset[str] = frozenset()

    @property
    def n_layers(self) -> int:
        return len(self.layers)

    @property
    def used_tiles(self) -> int:
        return int(self.tile_num.sum())

    @property
    def crossbars_used(self) -> IntArray:
        """Crossbars holding weights per layer: PEs x groups used x polarity."""
        return self.pe_num * self.max_group * self.hw.polarity

    @property
    def crossbars_allocated(self) -> IntArray:
        """Crossbars in the tiles allocated to each layer."""
        return self.tile_num * self.hw.pe_per_tile * self.hw.groups * self.hw.polarity


def _pow2_kb(n_bytes: FloatArray) -> FloatArray:
    """``2^ceil(log2 bytes) / 1024`` KB (0 where bytes <= 0)."""
    safe = np.maximum(n_bytes, 1e-300)
    out = np.power(2.0, np.ceil(np.round(np.log2(safe), 9))) / 1024.0
    return np.where(n_bytes > 0, out, 0.0)


def _spiral_positions(n_tiles: int, rows: int, cols: int) -> IntArray:
    """First ``n_tiles`` cells of MNSIM's square spiral ("hui" order) clipped to a ``rows`` x ``cols`` grid.

    Shell ``s`` holds the cells with ``max(r, c) == s``; odd shells run down column ``s`` then back along row ``s``,
    even shells along row ``s`` then up column ``s``. Only the shells needed and only their in-grid segments are
    generated (O(n_tiles + shells) memory), so long, thin grids cost no more than square ones.
    """
    if n_tiles <= 0:
        return np.zeros((0, 2), dtype=np.int64)
    side = np.arange(max(rows, cols), dtype=np.int64)
    held = np.minimum(side + 1, rows) * np.minimum(side + 1, cols)  # cells inside the grid in shells 0..s
    s = np.arange(int(np.searchsorted(held, n_tiles)) + 1, dtype=np.int64)
    odd = s % 2 == 1
    # two segments per shell, each r = r0 + dr*j, c = c0 + dc*j for j < count (only the in-grid part)
    n1 = np.where(odd, (s < cols) * np.minimum(s + 1, rows), (s < rows) * np.minimum(s + 1, cols))
    n2 = np.where(odd, (s < rows) * np.minimum(s, cols), (s < cols) * np.minimum(s, rows))
    r0 = np.stack([np.where(odd, 0, s), np.where(odd, s, np.minimum(s - 1, rows - 1))], axis=1).ravel()
    c0 = np.stack([np.where(odd, s, 0), np.where(odd, np.minimum(s - 1, cols - 1), s)], axis=1).ravel()
    dr = np.stack([np.where(odd, 1, 0), np.where(odd, 0, -1)], axis=1).ravel()
    dc = np.stack([np.where(odd, 0, 1), np.where(odd, -1, 0)], axis=1).ravel()
    count = np.stack([n1, n2], axis=1).ravel()
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    j = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(start, count)
    r = np.repeat(r0, count) + np.repeat(dr, count) * j
    c = np.repeat(c0, count) + np.repeat(dc, count) * j
    return np.stack([r, c], axis=1)[:n_tiles]


def tile_order_positions(n_tiles: int, grid: tuple[int, int], connection: int) -> IntArray:
    """(row, col) of tile IDs ``0..n_tiles-1`` on a ``grid`` (rows, cols) in ``Tile_Connection`` order."""
    rows, cols = grid
    k = np.arange(n_tiles, dtype=np.int64)
    if connection == 0:
        return np.stack([k // cols, k % cols], axis=1)
    if connection == 1:
        r, c = k // cols, k % cols
        return np.stack([r, np.where(r % 2 == 1, cols - 1 - c, c)], axis=1)
    if connection == 2:
        return _spiral_positions(n_tiles, rows, cols)
    if connection == 3:
        rr, cc = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
        d = (rr + cc).ravel()
        r_flat = rr.ravel()
        key2 = np.where(d % 2 == 1, r_flat, -r_flat)
        order = np.lexsort((key2, d))
        return np.stack([r_flat[order], cc.ravel()[order]], axis=1)[:n_tiles].astype(np.int64)
    raise ValueError(f"unknown Tile_Connection {connection}")


def _layer_arrays(layers: Sequence[LayerSpec]) -> dict[str, IntArray]:
    def arr(values: list[int]) -> IntArray:
        return np.asarray(values, dtype=np.int64)

    return {
        "kind": arr([KIND_CODES[la.kind] for la in layers]),
        "cin": arr([la.in_channels for la in layers]),
        "cout": arr([la.out_channels for la in layers]),
        "kernel": arr([la.kernel for la in layers]),
        "stride": arr([la.stride for la in layers]),
        "padding": arr([la.padding for la in layers]),
        "in_h": arr([la.input_hw[0] for la in layers]),
        "in_w": arr([la.input_hw[1] for la in layers]),
        "out_h": arr([la.output_hw[0] for la in layers]),
        "out_w": arr([la.output_hw[1] for la in layers]),
        "in_bits": arr([la.act_bits for la in layers]),
        "out_bits": arr([la.act_bits for la in layers]),
        "groups": arr([max(la.groups, 1) for la in layers]),
    }


def _manhattan(a: IntArray, b: IntArray) -> IntArray:
    """Pairwise hop counts between tile positions ``a`` (n, 2) and ``b`` (m, 2): (n, m)."""
    out: IntArray = np.abs(a[:, None, 0] - b[None, :, 0]) + np.abs(a[:, None, 1] - b[None, :, 1])
    return out


def _distances(layer_tiles: list[IntArray], kinds: IntArray, consumers: Sequence[tuple[int, ...]],
               grid_rows: int) -> tuple[FloatArray, FloatArray]:
    """(inlayer_hops, transfer_hops) per layer, as MNSIM's ``calculate_transfer_distance`` computes them."""
    n = len(layer_tiles)
    inl = np.zeros(n)
    trans = np.zeros(n)
    half = grid_rows / 2.0
    for li in range(n - 1):
        cons = consumers[li]
        src = layer_tiles[li]
        if kinds[li] == KIND_CODES["element_sum"]:
            firsts = [layer_tiles[c][0] for c in cons if len(layer_tiles[c])]
            trans[li] = max((abs(p[0] - half) + p[1] for p in firsts), default=0.0)
            continue
        if len(src) == 0:
            continue
        branch_out = bool(cons) and all(kinds[c] == KIND_CODES["element_sum"] for c in cons)
        d_in = _manhattan(src, src).max(axis=1) if len(src) > 1 else np.zeros(1, dtype=np.int64)
        if branch_out:
            d_out = np.abs(src[:, 0] - half) + src[:, 1]
        else:
            dst = [layer_tiles[c] for c in cons if len(layer_tiles[c])]
            if dst:
                d_out = _manhattan(src, np.concatenate(dst)).max(axis=1).astype(np.float64)
            else:
                d_out = np.zeros(len(src))
        total = d_in + d_out
        a = int(np.argmin(total))
        if len(src) == 1 or total[a] < 1000:
            inl[li], trans[li] = d_in[a], d_out[a]
    last = layer_tiles[n - 1]
    if len(last) > 1:
        inl[n - 1] = _manhattan(last, last).max(axis=1).min()
    trans[n - 1] = 0.0
    return inl, trans


def _check_buffer_table(cfg: SimConfig, bitwidth_bits: int, sizes_kb: Sequence[float]) -> None:
    """MNSIM's SRAM table (sim.components.buffer) has no entry for a buffer of <= 2 KB on a bus wider than 256 bits."""
    small = [kb for kb in sizes_kb if 0 < kb <= 2.0]
    if bitwidth_bits > 256 and small:
        raise SimConfigError(
            cfg.source, "Architecture level", "Buffer_Bitwidth", cfg.architecture.buffer_bitwidth_bits,
            f"MNSIM's SRAM buffer table has no entry for a {min(small):g} KB buffer on a bus wider than 256 bits",
            "0..256, or PE_inBuf_Size / Tile_outBuf_Size above 2 KB")


def map_network(layers: Sequence[LayerSpec], cfg: SimConfig, slicing: Slicing | None = None,
                compat: str | None = None, fixes: frozenset[str] | None = None) -> NetworkMapping:
    """Map ``layers`` on ``cfg``'s hardware; raises SimConfigError when Tile_Num cannot hold the network.

    ``fixes`` overrides the set of defect fixes of the mode (:func:`default_fixes`), for measuring them one by one.
    """
    check_compat(compat)
    fixes = default_fixes(compat) if fixes is None else frozenset(fixes)
    if fixes - FIXES:
        raise ValueError(f"unknown fixes {sorted(fixes - FIXES)}; known: {sorted(FIXES)}")
    if not layers:
        raise ValueError("the layer list is empty")
    hw = tile_hardware(cfg, compat)
    a = _layer_arrays(layers)
    kind = a["kind"]
    n = len(layers)
    is_conv, is_fc = kind == 0, kind == 1
    is_pool, is_sum = kind == 2, kind == 3
    cache: dict[tuple[int, int], Slicing] = {}
    if slicing is not None:
        cache[(slicing.weight_bits, slicing.act_bits)] = slicing

    def sl(wb: int, ab: int) -> Slicing:
        if (wb, ab) not in cache:
            cache[(wb, ab)] = slicing_for(cfg, wb, ab, compat)
        return cache[(wb, ab)]

    slices = [sl(la.weight_bits, la.act_bits) for la in layers]
    wp = np.asarray([s.mapping_weight_slices for s in slices], dtype=np.int64)
    cycles = np.asarray([s.input_cycles for s in slices], dtype=np.int64)
    xr, xc, g = hw.rows, hw.cols, hw.groups
    k2 = a["kernel"] ** 2
    groups = a["groups"]
    cin_g = np.maximum(a["cin"] // groups, 1)
    cout_g = np.maximum(a["cout"] // groups, 1)
    ch_per_xbar = xr // k2
    fits = ch_per_xbar > 0
    # grouped conv: pack whole groups block-diagonally on one crossbar when a group fits (1 for dense convs)
    packed = np.where(fits & (cin_g <= ch_per_xbar) & (cout_g <= xc),
                      np.minimum(groups, np.maximum(1, np.minimum(ch_per_xbar // cin_g, xc // cout_g))), 1)
    blocks = -(-groups // packed)
    my_conv = np.where(fits, -(-cin_g // np.maximum(ch_per_xbar, 1)), -(-(cin_g * k2) // xr))
    row_conv = np.where(fits, np.minimum(ch_per_xbar, packed * cin_g) * k2, np.minimum(cin_g * k2, xr))
    cols_conv = packed * cout_g
    mx = np.where(is_conv, -(-wp // g) * -(-cols_conv // xc),
                  np.where(is_fc, -(-wp // g) * -(-a["cout"] // xc), np.where(is_pool, 1, 0)))
    my = np.where(is_conv, my_conv, np.where(is_fc, -(-a["cin"] // xr), np.where(is_pool, 1, 0)))
    pe_num = mx * my * np.where(is_conv, blocks, 1)
    tile_num = -(-pe_num // hw.pe_per_tile)
    max_pe = np.minimum(pe_num, hw.pe_per_tile)
    max_group = np.where(is_conv | is_fc, np.minimum(wp, g), 0)
    max_row = np.where(is_conv, row_conv, np.where(is_fc, np.minimum(a["cin"], xr), 0))
    max_col = np.where(is_conv, np.minimum(cols_conv, xc), np.where(is_fc, np.minimum(a["cout"], xc), 0))
    start_tile = np.concatenate([[0], np.cumsum(tile_num)[:-1]]).astype(np.int64)

    # buffers
    data_in = np.where(is_conv, a["in_w"] * a["kernel"] * a["cin"] * a["in_bits"] / 8.0,
                       a["cin"] * a["in_bits"] / 8.0).astype(np.float64)
    data_out = (a["cout"] * a["out_bits"] / 8.0).astype(np.float64)
    mm = is_conv | is_fc
    inbuf = _pow2_kb(np.where(mm, data_in / np.maximum(pe_num, 1), 0.0))
    outbuf = _pow2_kb(np.where(mm, data_out * 2 / np.maximum(tile_num, 1), 0.0))
    inbuf_kb = cfg.pe.inbuf_size_KB or float(inbuf.max(initial=0.0))
    outbuf_kb = cfg.pe.tile_outbuf_size_KB or float(outbuf.max(initial=0.0))

    inputs = tuple(la.inputs for la in layers)
    consumers_l: list[list[int]] = [[] for _ in range(n)]
    for i, ins in enumerate(inputs):
        for j in ins:
            if not 0 <= j < i:
                raise ValueError(f"layer {i} ({layers[i].name}) reads layer {j}, which does not come before it")
            consumers_l[j].append(i)
    consumers = tuple(tuple(c) for c in consumers_l)

    gbuf_kb, gadd, gbits = 0.0, 0, 8
    for i in np.flatnonzero(is_sum).tolist():
        src = next((j for j in inputs[i] if kind[j] != 3), inputs[i][0] if inputs[i] else None)
        if src is None:
            continue
        nbytes = a["cout"][src] * a["out_bits"][src] * len(inputs[i]) / 8.0
        gbuf_kb += float(_pow2_kb(np.array([nbytes]))[0])
        gadd += int(a["cout"][src]) * len(inputs[i]) // 2
        gbits = max(gbits, int(a["out_bits"][src]))

    _check_buffer_table(cfg, hw.buffer_bitwidth, (inbuf_kb, outbuf_kb, gbuf_kb))
    used = int(tile_num.sum())
    tx, ty = cfg.architecture.tile_num
    grid = (tx, ty) if tx > 0 else (8, 8)
    if used > grid[0] * grid[1]:
        raise SimConfigError(
            cfg.source, "Architecture level", "Tile_Num", cfg.architecture.tile_num,
            f"the network needs {used} tiles, more than the {grid[0] * grid[1]} this grid holds",
            f"a grid of at least {used} tiles, e.g. {math.ceil(math.sqrt(used))},{math.ceil(math.sqrt(used))}")
    conn = cfg.architecture.tile_connection
    if conn not in (0, 1, 2, 3):
        raise SimConfigError(cfg.source, "Architecture level", "Tile_Connection", conn, "unknown order", "0, 1, 2 or 3")
    xy = tile_order_positions(used, grid, conn)
    owner = np.repeat(np.arange(n), tile_num)
    order = np.lexsort((xy[:, 0] * grid[1] + xy[:, 1], owner))  # per layer, row-major grid order (np.argwhere)
    sorted_xy = xy[order]
    bounds = np.concatenate([[0], np.cumsum(tile_num)])
    layer_tiles = [sorted_xy[bounds[i]:bounds[i + 1]] for i in range(n)]
    inl, trans = _distances(layer_tiles, kind, consumers, grid[0])

    return NetworkMapping(
        layers=tuple(layers), hw=hw, compat=compat, kind=kind, cin=a["cin"], cout=a["cout"], kernel=a["kernel"],
        stride=a["stride"], padding=a["padding"], in_h=a["in_h"], in_w=a["in_w"], out_h=a["out_h"],
        out_w=a["out_w"], in_bits=a["in_bits"], out_bits=a["out_bits"], weight_slices=wp, input_cycles=cycles,
        mx=mx, my=my, pe_num=pe_num, tile_num=tile_num, start_tile=start_tile, max_pe=max_pe,
        max_group=max_group, max_row=max_row, max_col=max_col, inlayer_hops=inl, transfer_hops=trans,
        inbuf_kb=inbuf_kb, outbuf_kb=outbuf_kb, global_buf_kb=gbuf_kb, global_adder_num=gadd,
        global_adder_bits=gbits, inputs=inputs, consumers=consumers, tile_xy=xy, cfg=cfg, fixes=fixes,
    )
