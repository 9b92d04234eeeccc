"""Golden tests: component formulas computed by hand (MNSIM 2.0 constants), and the docs/compat.md table."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.components import buffer, device, digital, pooling
from sim.components.tile import tile_area, tile_hardware
from sim.config import SimConfig
from sim.hardware import HardwareModel
from sim.ini import load_sim_config
from sim.zoo import reference_layers

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def cfg() -> SimConfig:
    return load_sim_config(DATA / "SimConfig.ini")


def test_buffer_table_lookups() -> None:
    # 0.5 KB, 90 nm, 64-bit bus: first entry of the table (0.0405803 mm^2)
    assert float(buffer.buffer_area_um2(0.5, 90, 64)) == pytest.approx(40580.3)
    # 3 KB, 65 nm, 128-bit: 65 nm block, <=4 KB row, <=128-bit column
    assert float(buffer.buffer_area_um2(3, 65, 128)) == pytest.approx(0.172761e6)
    # 300 KB, 45 nm, 512-bit: last entry
    assert float(buffer.buffer_area_um2(300, 45, 512)) == pytest.approx(3.665484947e6)
    rd, wr = buffer.buffer_power_mW(0.5, 90, 64)
    assert float(rd) == pytest.approx(0.0075695 / 20 * 1e3 + 1.006428)
    assert float(wr) == pytest.approx(0.0131361 / 20 * 1e3 + 1.006428)
    assert float(buffer.buffer_area_um2(0, 90, 64)) == 0.0
    # 576 bytes on a 64-bit bus: 72 cycles of 20 ns
    assert float(buffer.buffer_access_ns(576, 64)) == 1440.0
    assert float(buffer.buffer_access_ns(31.5, 64)) == 80.0
    assert buffer.effective_bitwidth(0) == 256


def test_cell_and_crossbar(cfg: SimConfig) -> None:
    r = 1e6 * 1e4 / (1e4 * 0.67 + 1e6 * 0.33)
    assert device.cell_read_power_W(cfg) == pytest.approx(0.1 * 0.15**2 / r)
    assert device.crossbar_area_um2(cfg) == pytest.approx(256 * 256 * 1.44 + 256 * 1150)


def test_digital_blocks(cfg: SimConfig) -> None:
    d = cfg.digital
    assert digital.reg_area_um2(d) == pytest.approx(1.4256 * (45 / 65) ** 2)
    assert digital.jointmodule_area_um2(d) == pytest.approx(353.76 * (45 / 65) ** 2)
    assert digital.adder_area_um2(d, 9) == pytest.approx(0.2835 * 9)
    assert digital.mux_area_um2(2, 130) == pytest.approx(8 * 10 * 130**2 / 1e6)
    assert digital.mux_area_um2(5, 130) == pytest.approx(72 * 10 * 130**2 / 1e6)
    assert digital.htree_joint_count(4) == 3 and digital.htree_joint_count(16) == 15
    assert digital.adder_tree_count(8) == 7
    assert digital.demux_latency_ns(2) == pytest.approx(2 * 0.27933)
    assert digital.mux_latency_ns(64) == pytest.approx(4 * 0.032744)
    assert pooling.pooling_latency_ns(cfg.tile, 128, 4) == 200.0
    assert pooling.pooling_area_um2(cfg.tile) == pytest.approx(91917.1562)


def test_tile_area_by_hand(cfg: SimConfig) -> None:
    hw = tile_hardware(cfg, "mnsim")
    t = tile_area(hw, 0.5, 0.25)
    reg, joint, mux = 1.4256 * (45 / 65) ** 2, 353.76 * (45 / 65) ** 2, 8 * 10 * 130**2 / 1e6
    pe_digital = 128 * 1.42 + 2 * 128 * reg + 2 * 128 * mux
    expect = (8 * (256 * 256 * 1.44 + 256 * 1150) + 4 * 128 * 1650 + 4 * 128 * 0.166
              + 4 * pe_digital + 3 * 128 * joint + 5 * 40580.3 + 91917.1562)
    assert t.total == pytest.approx(expect)
    assert t.total == pytest.approx(4317798.1165929)  # MNSIM's printed per-tile area (pooling layer row)


def test_one_pe_latency_terms(cfg: SimConfig) -> None:
    """vgg8 layer 1 (conv 128->128, 3x3, 32x32) on the default config, MNSIM mode."""
    model = HardwareModel(reference_layers("vgg8"), cfg, "mnsim")
    lat = model.latency(True)
    npix = 32 * 32
    per = {k: v[1] / npix for k, v in lat.component_sums_ns.items()}
    mt = math.ceil(9 / 1) * math.ceil(252 / 128) * math.ceil(128 / 128)  # 18 activations
    assert per["xbar"] == pytest.approx(mt * 3.16)
    assert per["dac"] == pytest.approx(mt * 3.0)
    assert per["adc"] == pytest.approx(mt * 8.0)
    assert per["ireg"] == pytest.approx((2 * 1 + mt) * 2.0)
    assert per["shiftreg"] == pytest.approx(mt * 2.0)
    assert per["demux"] == pytest.approx(mt * 2 * 0.27933)
    assert per["mux"] == pytest.approx(mt * 2 * 0.032744)
    assert per["oreg"] == pytest.approx(2.0)
    assert per["joint"] == pytest.approx(2 * 2.0)  # ceil(log2 4 PEs) levels
    assert per["intra"] == pytest.approx((2 * (6 + 2) - 3) * 128 / 1024)
    # interior pixel: 28 channels x 9 bits -> 31.5 B written (4 cycles), 3 x 3 x 28 x 9 / 8 = 94.5 B read (12 cycles)
    pix = lat.pixel_ns[1]
    base = sum(per[k] for k in ("xbar", "dac", "adc", "ireg", "shiftreg", "demux", "mux", "oreg", "joint", "intra"))
    out_w, out_r = 64 * 20.0, 72 * 20.0
    merge = out_r + model.mapping.inlayer_hops[1] * (2.0 + 128 * 4 * 9 / 20)
    trans = model.mapping.transfer_hops[1] * 128 * 9 / 20
    assert pix[33] == pytest.approx(base + out_w + merge + trans + 80 + 240)


def test_power_of_one_layer_by_hand(cfg: SimConfig) -> None:
    """vgg8 layer 1: 10 tiles x 4 PEs; 64 of 128 ADCs counted per PE by MNSIM (C / output_mux)."""
    model = HardwareModel(reference_layers("vgg8"), cfg, "mnsim")
    p = model.power.parts
    assert p["adc"][1] == pytest.approx(10 * 4 * 64 * 1.26e-3)
    assert p["dac"][1] == pytest.approx(10 * 4 * 126 * 3.9e-6)
    cell = device.cell_read_power_W(cfg)
    assert p["xbar"][1] == pytest.approx(10 * 4 * 2 * 252 * 128 * cell / 2 / 2)
    de = HardwareModel(reference_layers("vgg8"), cfg)
    assert de.power.parts["adc"][1] == pytest.approx(10 * 4 * 128 * 1.26e-3)


def test_compat_doc_table_is_current() -> None:
    from bench.bench_sim import fix_table_markdown, totals_table_markdown

    doc = (ROOT / "docs" / "compat.md").read_text()
    assert fix_table_markdown() in doc
    assert totals_table_markdown() in doc
