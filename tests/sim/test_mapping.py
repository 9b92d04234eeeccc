"""Mapping: PE/tile counts, buffer sizing, tile placement, distances and the Tile_Num check."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from sim.config import SimConfig
from sim.errors import SimConfigError
from sim.ini import load_sim_config
from sim.layers import LayerSpec
from sim.mapping import map_network, tile_order_positions
from sim.zoo import reference_layers

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def cfg() -> SimConfig:
    return load_sim_config(DATA / "SimConfig.ini")


def test_vgg8_counts_match_mnsim(cfg: SimConfig) -> None:
    m = map_network(reference_layers("vgg8"), cfg, compat="mnsim")
    assert m.pe_num.tolist() == [8, 40, 1, 40, 80, 1, 160, 304, 1, 608, 1, 32]
    assert m.tile_num.tolist() == [2, 10, 1, 10, 20, 1, 40, 76, 1, 152, 1, 8]
    assert m.used_tiles == 322
    # conv 128->128 3x3 on 256 rows: 28 channels x 9 = 252 rows, 128 columns
    assert (int(m.max_row[1]), int(m.max_col[1]), int(m.max_pe[1])) == (252, 128, 4)
    # line buffer 32 * 3 * 128 * 9 / 8 B over 40 PEs -> 512 B; output 2 * 128 * 9 / 8 B over 2 tiles -> 256 B
    assert m.inbuf_kb == 0.5 and m.outbuf_kb == 0.25
    assert m.start_tile.tolist()[:3] == [0, 2, 12]


def test_default_mode_uses_cell_bits(cfg: SimConfig) -> None:
    cfg4 = dataclasses.replace(cfg, device=dataclasses.replace(cfg.device, level=4,
                                                               resistance_ohm=(1e6, 3e4, 1.5e4, 1e4)))
    mn = map_network(reference_layers("vgg8"), cfg4, compat="mnsim")
    de = map_network(reference_layers("vgg8"), cfg4)
    assert mn.weight_slices.tolist() == [8] * 12
    assert de.weight_slices.tolist() == [4] * 12  # 8 magnitude bits, 2 bits per cell
    conv = de.kind == 0
    assert (de.pe_num[conv] * 2 == mn.pe_num[conv]).all()


def test_spiral_order_matches_mnsim_hui_matrix() -> None:
    xy = tile_order_positions(9, (4, 4), 2).tolist()
    assert xy == [[0, 0], [0, 1], [1, 1], [1, 0], [2, 0], [2, 1], [2, 2], [1, 2], [0, 2]]
    snake = tile_order_positions(6, (2, 3), 1).tolist()
    assert snake == [[0, 0], [0, 1], [0, 2], [1, 2], [1, 1], [1, 0]]
    zig = tile_order_positions(6, (4, 4), 3).tolist()
    assert zig == [[0, 0], [0, 1], [1, 0], [2, 0], [1, 1], [0, 2]]
    # every connection order visits each grid cell once
    for conn in range(4):
        cells = {tuple(p) for p in tile_order_positions(20, (5, 4), conn).tolist()}
        assert len(cells) == 20


def test_distances_single_tile_chain(cfg: SimConfig) -> None:
    small = dataclasses.replace(cfg, architecture=dataclasses.replace(cfg.architecture, tile_num=(4, 4),
                                                                      tile_connection=0))
    m = map_network(reference_layers("lenet"), small, compat="mnsim")
    # row-major: layer 0's two tiles are neighbours (1 hop); a one-tile layer has no in-layer hops
    assert int(m.tile_num[0]) == 2 and m.inlayer_hops[0] == 1
    single = np.flatnonzero(m.tile_num[:-1] == 1)
    assert (m.inlayer_hops[single] == 0).all()
    assert m.transfer_hops[-1] == 0
    assert (m.transfer_hops >= 0).all() and np.isfinite(m.transfer_hops).all()


def test_too_few_tiles_raises_named_error(cfg: SimConfig) -> None:
    small = dataclasses.replace(cfg, architecture=dataclasses.replace(cfg.architecture, tile_num=(8, 8)),
                                source="tiny.ini")
    with pytest.raises(SimConfigError) as err:
        map_network(reference_layers("vgg8"), small, compat="mnsim")
    msg = str(err.value)
    assert "tiny.ini" in msg and "[Architecture level]" in msg and "Tile_Num" in msg
    assert "8,8" in msg and "322" in msg
    assert err.value.key == "Tile_Num" and err.value.section == "Architecture level"


def test_big_kernel_splits_rows(cfg: SimConfig) -> None:
    small = dataclasses.replace(cfg, crossbar=dataclasses.replace(cfg.crossbar, rows=16, cols=16, subarray_rows=16))
    layer = LayerSpec(index=0, kind="conv", name="c", in_channels=2, out_channels=4, kernel=5, stride=1, padding=2,
                      input_hw=(8, 8), output_hw=(8, 8), inputs=())
    m = map_network([layer], small)
    assert int(m.my[0]) == 4  # 2 * 25 = 50 rows over 16-row crossbars
    assert int(m.max_row[0]) == 16


def test_bad_input_reference_rejected(cfg: SimConfig) -> None:
    layer = LayerSpec(index=0, kind="fc", name="f", in_channels=4, out_channels=4, kernel=1, stride=1, padding=0,
                      input_hw=(1, 1), output_hw=(1, 1), inputs=(3,))
    with pytest.raises(ValueError, match="does not come before"):
        map_network([layer], cfg)


def test_grouped_conv_packs_groups(cfg: SimConfig) -> None:
    dw = LayerSpec(index=0, kind="conv", name="dw", in_channels=16, out_channels=16, kernel=3, stride=1, padding=1,
                   input_hw=(8, 8), output_hw=(8, 8), inputs=(), groups=16)
    dense = dataclasses.replace(dw, groups=1)
    m_dw = map_network([dw], cfg)
    m_dense = map_network([dense], cfg)
    assert int(m_dw.max_row[0]) == 16 * 9 and int(m_dw.max_col[0]) == 16  # 16 one-channel groups side by side
    assert int(m_dw.pe_num[0]) == int(m_dense.pe_num[0]) == 8  # 8 weight slices, one crossbar each
