"""Search space operators, Pareto utilities (golden values), and reproducible searchers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipeline.search import EvolutionSearch, RandomSearch, crowding_distance, dominates, non_dominated_sort
from pipeline.search_space import Arch, SearchSpace

SPACE = SearchSpace({"a": [1, 2, 3], "b": [10, 20], "xbar_size": [64, 128, 256], "adc_choice": [1, 2, 7]})
OBJ = [("accuracy", "max"), ("energy_mJ", "min")]


def fake_eval(arch: Arch) -> dict[str, float]:
    """A deterministic stand-in: accuracy grows with a and b, energy with b and xbar_size."""
    d = arch.to_dict()
    return {"accuracy": 0.1 * d["a"] + 0.001 * d["b"] - 0.01 * d["adc_choice"],
            "energy_mJ": d["b"] * d["xbar_size"] / 1000.0, "latency_ms": 1.0 / d["a"]}


def test_arch_roundtrip_and_parts() -> None:
    arch = SPACE.sample(np.random.default_rng(0))
    assert Arch.from_dict(arch.to_dict()) == arch
    assert set(arch.hardware()) == {"xbar_size", "adc_choice"} and set(arch.network()) == {"a", "b"}
    assert SPACE.contains(arch) and SPACE.size() == 54


def test_operators_deterministic_and_valid() -> None:
    def draw(seed: int) -> list[Arch]:
        rng = np.random.default_rng(seed)
        a, b = SPACE.sample(rng), SPACE.sample(rng)
        return [a, b, SPACE.mutate(a, rng, 0.3), SPACE.crossover(a, b, rng)]

    assert draw(1) == draw(1)
    assert draw(1) != draw(2)
    for arch in draw(3):
        assert SPACE.contains(arch)
    a = SPACE.sample(np.random.default_rng(4))
    assert SPACE.mutate(a, np.random.default_rng(5), 0.0) != a  # at least one decision changes


def test_extremes() -> None:
    assert SPACE.extreme(largest=True).to_dict() == {"a": 3, "b": 20, "xbar_size": 256, "adc_choice": 7}
    assert SPACE.extreme(largest=False).to_dict() == {"a": 1, "b": 10, "xbar_size": 64, "adc_choice": 1}


def test_pareto_golden() -> None:
    pts = [{"accuracy": 0.9, "energy_mJ": 2.0}, {"accuracy": 0.8, "energy_mJ": 1.0},
           {"accuracy": 0.7, "energy_mJ": 1.5}, {"accuracy": 0.9, "energy_mJ": 3.0}]
    assert dominates(pts[0], pts[3], OBJ) and not dominates(pts[0], pts[1], OBJ)
    assert non_dominated_sort(pts, OBJ) == [[0, 1], [2, 3]]
    d = crowding_distance(pts + [{"accuracy": 0.85, "energy_mJ": 1.5}], [0, 1, 4], OBJ)
    assert d[0] == math.inf and d[1] == math.inf
    assert d[4] == pytest.approx((0.9 - 0.8) / 0.1 + (2.0 - 1.0) / 1.0)


def _drive(searcher: RandomSearch | EvolutionSearch, n: int) -> list[Arch]:
    asked = []
    for _ in range(n):
        arch = searcher.ask()
        asked.append(arch)
        searcher.tell(arch, fake_eval(arch))
    return asked


@pytest.mark.parametrize("cls", [RandomSearch, EvolutionSearch])
def test_same_seed_same_search(cls: type) -> None:
    kw = {"population_size": 6, "objectives": OBJ} if cls is EvolutionSearch else {}
    a = _drive(cls(SPACE, seed=3, **kw), 30)
    b = _drive(cls(SPACE, seed=3, **kw), 30)
    c = _drive(cls(SPACE, seed=4, **kw), 30)
    assert a == b and a != c
    assert len(set(a)) == 30  # no repeats while the space allows it


def test_evolution_improves_and_respects_budget() -> None:
    space = SearchSpace({"a": list(range(1, 9)), "b": [10, 20, 30], "xbar_size": [64, 128, 256],
                         "adc_choice": [1, 2, 7]})
    evo = EvolutionSearch(space, seed=0, population_size=8, objectives=OBJ, constraints={"energy_mJ": 3.0})
    _drive(evo, 64)
    feasible = [fake_eval(a) for a, _ in evo.parents if fake_eval(a)["energy_mJ"] <= 3.0]
    assert len(feasible) == len(evo.parents)  # every kept parent is within budget
    rnd_best = max(fake_eval(space.sample(np.random.default_rng(i)))["accuracy"] for i in range(8))
    assert max(r["accuracy"] for _, r in evo.parents) >= rnd_best  # type: ignore[index]


def test_evolution_survives_failures() -> None:
    evo = EvolutionSearch(SPACE, seed=0, population_size=4, objectives=OBJ)
    for i in range(20):
        arch = evo.ask()
        evo.tell(arch, None if i % 3 == 0 else fake_eval(arch))
    assert all(r is not None for _, r in evo.parents[:2])
    assert evo.violation(None) == math.inf
