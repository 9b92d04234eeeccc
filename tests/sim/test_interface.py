"""PIMInterface: units, caching, call-order independence, no mutation of the model, accuracy delegation."""

from __future__ import annotations

import copy
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import torch

import sim
from sim.hardware import evaluate_hardware
from sim.ini import load_sim_config
from sim.interface import PIMInterface
from sim.zoo import get_network, reference_layers

DATA = Path(__file__).resolve().parents[1] / "data"
INI = DATA / "SimConfig.ini"


def _all(iface: PIMInterface, order: list[str]) -> dict[str, float]:
    calls = {
        "area": iface.area_evaluate,
        "lat": iface.latency_evaluate,
        "lat_np": lambda: iface.latency_evaluate(disable_inner_pipeline=True),
        "energy": iface.energy_evaluate,
        "energy_np": lambda: iface.energy_evaluate(disable_inner_pipeline=True),
        "power": iface.power_evaluate,
        "avg": iface.avg_power_evaluate,
    }
    return {k: calls[k]() for k in order}


def test_public_api_exports() -> None:
    for name in sim.__all__:
        assert hasattr(sim, name), name


@pytest.mark.parametrize("compat", [None, "mnsim"])
def test_values_match_evaluate_hardware_and_mnsim_units(compat: str | None) -> None:
    iface = PIMInterface(get_network("vgg8"), str(INI), (3, 32, 32), compat=compat)
    rep = evaluate_hardware(reference_layers("vgg8"), load_sim_config(INI), compat)
    assert iface.area_evaluate() == pytest.approx(rep.area_mm2)
    assert iface.latency_evaluate() == pytest.approx(rep.latency_ms)
    assert iface.energy_evaluate() == pytest.approx(rep.energy_mJ)
    assert iface.power_evaluate() == pytest.approx(rep.power_W)
    if compat == "mnsim":  # MNSIM's printed figures, in mm^2 / ms / mJ / W
        assert iface.area_evaluate() == pytest.approx(1390.3309935, rel=1e-6)
        assert iface.latency_evaluate() == pytest.approx(5.15185144571, rel=1e-6)
        assert iface.latency_evaluate(disable_inner_pipeline=True) == pytest.approx(16.339742505, rel=1e-6)
        assert iface.energy_evaluate() == pytest.approx(4.4488435212, rel=1e-6)
        assert iface.power_evaluate() == pytest.approx(219.722183277, rel=1e-6)


def test_order_independent_and_cached() -> None:
    model = get_network("lenet")
    a = PIMInterface(model, INI, (3, 32, 32))
    b = PIMInterface(model, load_sim_config(INI), (3, 32, 32))
    keys = ["area", "lat", "lat_np", "energy", "energy_np", "power", "avg"]
    ra = _all(a, keys)
    rb = _all(b, list(reversed(keys)))
    assert ra == rb
    assert _all(a, keys) == ra  # repeated calls: same values
    assert a.report() is a.report()  # cached
    assert ra["avg"] == pytest.approx(ra["energy"] / ra["lat"])
    assert ra["energy_np"] != ra["energy"] or ra["lat_np"] > ra["lat"]


def test_model_not_modified() -> None:
    model = get_network("lenet")
    model.train()
    before = copy.deepcopy(model.state_dict())
    iface = PIMInterface(model, INI, (3, 32, 32))
    iface.area_evaluate()
    iface.latency_evaluate()
    assert model.training
    after = model.state_dict()
    assert before.keys() == after.keys()
    assert all(torch.equal(before[k], after[k]) for k in before)


class _FakeAnalog:
    instances: list[_FakeAnalog] = []

    def __init__(self, model: Any, cfg: Any, slicing: Any, *, device: Any = None) -> None:
        self.calls: list[str] = []
        self.slicing = slicing
        _FakeAnalog.instances.append(self)

    def calibrate(self, inputs: torch.Tensor) -> None:
        self.calls.append("calibrate")

    def origin_forward(self, inputs: torch.Tensor) -> torch.Tensor:
        self.calls.append("origin")
        return torch.zeros(inputs.shape[0], 10)

    def hardware_forward(self, inputs: torch.Tensor, *, variation: bool = False, saf: bool = False,
                         seed: int = 0) -> torch.Tensor:
        self.calls.append(f"hardware:{variation}:{saf}:{seed}")
        return torch.ones(inputs.shape[0], 10)


@pytest.fixture
def fake_accuracy(monkeypatch: pytest.MonkeyPatch) -> type[_FakeAnalog]:
    mod = types.ModuleType("sim.accuracy")
    mod.AnalogModel = _FakeAnalog  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sim.accuracy", mod)
    _FakeAnalog.instances.clear()
    return _FakeAnalog


def test_accuracy_delegation_calibrates_once(fake_accuracy: type[_FakeAnalog]) -> None:
    iface = PIMInterface(get_network("lenet"), INI, (3, 32, 32), weight_bits=7, act_bits=5)
    x = torch.zeros(2, 3, 32, 32)
    assert iface.origin_evaluate(x).shape == (2, 10)
    assert iface.hardware_evaluate(x, variation=True, seed=3).shape == (2, 10)
    (analog,) = fake_accuracy.instances
    assert analog.calls == ["calibrate", "origin", "hardware:True:False:3"]
    assert analog.slicing.weight_bits == 7 and analog.slicing.act_bits == 5


def test_explicit_calibrate_is_not_repeated(fake_accuracy: type[_FakeAnalog]) -> None:
    iface = PIMInterface(get_network("lenet"), INI, (3, 32, 32))
    x = torch.zeros(1, 3, 32, 32)
    iface.calibrate(x)
    iface.hardware_evaluate(x)
    assert fake_accuracy.instances[0].calls == ["calibrate", "hardware:False:False:0"]


def test_real_accuracy_model_smoke() -> None:
    """End to end with sim.accuracy (lenet, a few inputs): shapes, determinism, the model left untouched."""
    pytest.importorskip("sim.accuracy")
    torch.manual_seed(0)
    model = get_network("lenet")
    before = copy.deepcopy(model.state_dict())
    iface = PIMInterface(model, INI, (3, 32, 32))
    x = torch.randn(4, 3, 32, 32)
    ref = iface.origin_evaluate(x)
    hw = iface.hardware_evaluate(x)
    assert ref.shape == hw.shape == (4, 10)
    assert torch.equal(hw, iface.hardware_evaluate(x))
    assert all(torch.equal(before[k], model.state_dict()[k]) for k in before)
