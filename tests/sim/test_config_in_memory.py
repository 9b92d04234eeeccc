"""Configs built in memory (dataclasses.replace) get the same checks as INI files, before anything is sized."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from sim.errors import SimConfigError
from sim.hardware import evaluate_hardware
from sim.ini import load_sim_config
from sim.interface import PIMInterface
from sim.zoo import get_network, reference_layers

DATA = Path(__file__).resolve().parents[1] / "data"


def _cfg(**arch: object):  # type: ignore[no-untyped-def]
    c = load_sim_config(DATA / "SimConfig.ini")
    return dataclasses.replace(c, architecture=dataclasses.replace(c.architecture, **arch))


def test_absurd_tile_grid_in_memory_is_refused_by_the_interface() -> None:
    with pytest.raises(SimConfigError, match=r"\[Architecture level\] Tile_Num = 1000000000,1"):
        PIMInterface(get_network("lenet"), _cfg(tile_num=(10**9, 1)), (3, 32, 32))


def test_long_thin_tile_grid_is_simulated() -> None:
    thin = evaluate_hardware(reference_layers("lenet"), _cfg(tile_num=(1_000_000, 1)), "mnsim")
    square = evaluate_hardware(reference_layers("lenet"), _cfg(), "mnsim")
    assert thin.area_mm2 == square.area_mm2  # same tiles allocated
    assert math.isfinite(thin.latency_ms) and thin.latency_ms > 0


def test_bus_wider_than_the_buffer_table_is_named() -> None:
    with pytest.raises(SimConfigError, match=r"\[Architecture level\] Buffer_Bitwidth = 512: .*2 KB"):
        evaluate_hardware(reference_layers("lenet"), _cfg(buffer_bitwidth_bits=512))


def test_bus_wider_than_256_bits_works_with_big_enough_buffers() -> None:
    c = _cfg(buffer_bitwidth_bits=512)
    c = dataclasses.replace(c, pe=dataclasses.replace(c.pe, inbuf_size_KB=4.0, tile_outbuf_size_KB=4.0))
    rep = evaluate_hardware(reference_layers("vgg8"), c)
    narrow = evaluate_hardware(reference_layers("vgg8"), _cfg(buffer_bitwidth_bits=256))
    assert all(math.isfinite(x) for x in (rep.area_mm2, rep.energy_mJ, rep.power_W, rep.latency_ms))
    assert rep.latency_ms <= narrow.latency_ms  # a wider bus never needs more buffer cycles
