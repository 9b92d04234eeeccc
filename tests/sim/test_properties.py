"""Properties of the cost model that must hold whatever the numbers are."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import SimConfig
from sim.hardware import HardwareModel, evaluate_hardware
from sim.ini import load_sim_config
from sim.layers import LayerSpec
from sim.zoo import reference_layers

DATA = Path(__file__).resolve().parents[1] / "data"
CFG = load_sim_config(DATA / "SimConfig.ini")
MODES = [None, "mnsim"]


def with_pe(cfg: SimConfig, **kw: int) -> SimConfig:
    return dataclasses.replace(cfg, pe=dataclasses.replace(cfg.pe, **kw))


def conv(cin: int, cout: int, hw: int = 8, k: int = 3) -> list[LayerSpec]:
    return [LayerSpec(index=0, kind="conv", name="c", in_channels=cin, out_channels=cout, kernel=k, stride=1,
                      padding=k // 2, input_hw=(hw, hw), output_hw=(hw, hw), inputs=())]


@pytest.mark.parametrize("compat", MODES)
@pytest.mark.parametrize("net", ["vgg8", "resnet18"])
def test_more_adcs_never_slower(compat: str | None, net: str) -> None:
    layers = reference_layers(net)
    lat = [evaluate_hardware(layers, with_pe(CFG, adc_num=n), compat).latency_ms for n in (4, 8, 16, 32, 64, 128)]
    assert all(b <= a + 1e-12 for a, b in zip(lat, lat[1:]))


@pytest.mark.parametrize("compat", MODES)
def test_more_dacs_never_slower(compat: str | None) -> None:
    layers = reference_layers("vgg8")
    lat = [evaluate_hardware(layers, with_pe(CFG, dac_num=n), compat).latency_ms for n in (16, 32, 64, 128, 256)]
    assert all(b <= a + 1e-12 for a, b in zip(lat, lat[1:]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cin=st.integers(1, 600), cout=st.integers(1, 1200), extra=st.integers(1, 600),
       compat=st.sampled_from(MODES))
def test_wider_layer_never_smaller(cin: int, cout: int, extra: int, compat: str | None) -> None:
    a = HardwareModel(conv(cin, cout), CFG, compat)
    b = HardwareModel(conv(cin, cout + extra), CFG, compat)
    c = HardwareModel(conv(cin + extra, cout), CFG, compat)
    assert b.report().area_mm2 >= a.report().area_mm2
    assert c.report().area_mm2 >= a.report().area_mm2
    assert int(b.mapping.crossbars_used.sum()) >= int(a.mapping.crossbars_used.sum())


@settings(max_examples=30, deadline=None)
@given(cin=st.integers(1, 600), cout=st.integers(1, 1200), extra=st.integers(1, 600))
def test_fewer_crossbars_never_more_tiles(cin: int, cout: int, extra: int) -> None:
    small = HardwareModel(conv(cin, cout), CFG).mapping
    big = HardwareModel(conv(cin + extra, cout + extra), CFG).mapping
    assert int(small.crossbars_used.sum()) <= int(big.crossbars_used.sum())
    assert small.used_tiles <= big.used_tiles


def test_more_bits_per_cell_never_costs_more() -> None:
    layers = reference_layers("vgg8")
    reports = []
    for level, res in ((2, (1e6, 1e4)), (4, (1e6, 3e4, 1.5e4, 1e4)), (16, tuple([1e6] * 15 + [1e4]))):
        cfg = dataclasses.replace(CFG, device=dataclasses.replace(CFG.device, level=level, resistance_ohm=res))
        reports.append(evaluate_hardware(layers, cfg))
    for a, b in zip(reports, reports[1:]):
        assert b.area_mm2 <= a.area_mm2 and b.energy_mJ <= a.energy_mJ and b.tiles <= a.tiles


@pytest.mark.parametrize("compat", MODES)
@pytest.mark.parametrize("net", ["lenet", "vgg8", "alexnet", "resnet18"])
def test_pipeline_and_totals_consistent(compat: str | None, net: str) -> None:
    model = HardwareModel(reference_layers(net), CFG, compat)
    pipe, seq = model.report(False), model.report(True)
    assert pipe.latency_ms <= seq.latency_ms
    assert pipe.area_mm2 == seq.area_mm2 and pipe.power_W == seq.power_W
    assert pipe.avg_power_W == pytest.approx(pipe.energy_mJ / pipe.latency_ms)
    assert sum(la.energy_mJ for la in pipe.layers) == pytest.approx(pipe.energy_mJ)
    assert sum(la.power_W for la in pipe.layers) == pytest.approx(pipe.power_W)
    assert sum(la.latency_ms for la in pipe.layers) == pytest.approx(pipe.layers[-1].end_ms)
    assert all(la.end_ms >= la.begin_ms for la in pipe.layers)


@pytest.mark.parametrize("connection", [0, 1, 2, 3])
def test_tile_order_changes_latency_only(connection: int) -> None:
    layers = reference_layers("resnet18")
    cfg = dataclasses.replace(CFG, architecture=dataclasses.replace(CFG.architecture, tile_connection=connection))
    ref = evaluate_hardware(layers, CFG)
    rep = evaluate_hardware(layers, cfg)
    assert rep.area_mm2 == ref.area_mm2 and rep.power_W == ref.power_W
    assert 0 < rep.latency_ms < 2 * ref.latency_ms
