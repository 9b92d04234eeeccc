"""Candidates and the space they come from: a frozen :class:`Arch` and a :class:`SearchSpace` that samples it.

A candidate is one value per named decision. Network decisions are named by the supernet (``stage1.depth``,
``stage1.block0.out_width``, ...); hardware decisions are ``xbar_size``, ``dac_choice``, ``adc_choice`` and
``cell_bit``. All randomness comes from an explicit ``numpy.random.Generator``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Arch", "SearchSpace", "HARDWARE_DECISIONS"]

HARDWARE_DECISIONS: tuple[str, ...] = ("xbar_size", "dac_choice", "adc_choice", "cell_bit")
"""The hardware decisions of every candidate (the rest are network decisions)."""

Value = int | float | str


@dataclass(frozen=True)
class Arch:
    """One candidate: ``(decision name, value)`` pairs in the search space's order."""

    items: tuple[tuple[str, Value], ...]

    def __getitem__(self, name: str) -> Value:
        for key, value in self.items:
            if key == name:
                return value
        raise KeyError(name)

    def get(self, name: str, default: Value | None = None) -> Value | None:
        try:
            return self[name]
        except KeyError:
            return default

    def to_dict(self) -> dict[str, Value]:
        return dict(self.items)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=False)

    @classmethod
    def from_dict(cls, values: Mapping[str, Value]) -> Arch:
        return cls(tuple((str(k), _plain(v)) for k, v in values.items()))

    def hardware(self) -> dict[str, Value]:
        """The hardware decisions only."""
        return {k: v for k, v in self.items if k in HARDWARE_DECISIONS}

    def network(self) -> dict[str, Value]:
        """The network decisions only."""
        return {k: v for k, v in self.items if k not in HARDWARE_DECISIONS}


def _plain(value: Any) -> Value:
    """numpy scalars and the like -> plain Python values (JSON- and MLflow-friendly)."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value  # type: ignore[no-any-return]


class SearchSpace:
    """Named decisions, each with its tuple of allowed values.

    Args:
        decisions: decision name -> allowed values, in a fixed order (the order of every :class:`Arch`).
    """

    def __init__(self, decisions: Mapping[str, Sequence[Value]]) -> None:
        self.decisions: dict[str, tuple[Value, ...]] = {}
        for name, choices in decisions.items():
            values = tuple(_plain(c) for c in choices)
            if not values:
                raise ValueError(f"search space: decision {name!r} has no allowed values")
            self.decisions[name] = values

    @property
    def names(self) -> list[str]:
        return list(self.decisions)

    def size(self) -> int:
        """Number of distinct candidates (product of the choice counts)."""
        total = 1
        for values in self.decisions.values():
            total *= len(values)
        return total

    def sample(self, rng: np.random.Generator) -> Arch:
        """Every decision drawn uniformly."""
        return Arch(tuple((n, v[int(rng.integers(len(v)))]) for n, v in self.decisions.items()))

    def mutate(self, arch: Arch, rng: np.random.Generator, prob: float) -> Arch:
        """Each decision re-drawn (among its other values) with probability ``prob``; at least one changes."""
        items = list(arch.items)
        changeable = [i for i, (n, _) in enumerate(items) if len(self.decisions[n]) > 1]
        flips = [i for i in changeable if rng.random() < prob]
        if not flips and changeable:
            flips = [changeable[int(rng.integers(len(changeable)))]]
        for i in flips:
            name, value = items[i]
            others = [v for v in self.decisions[name] if v != value]
            items[i] = (name, others[int(rng.integers(len(others)))])
        return Arch(tuple(items))

    def crossover(self, a: Arch, b: Arch, rng: np.random.Generator) -> Arch:
        """Uniform crossover: each decision from ``a`` or ``b`` with equal probability."""
        return Arch(tuple(ia if rng.random() < 0.5 else ib for ia, ib in zip(a.items, b.items)))

    def extreme(self, largest: bool, base: Arch | None = None, names: Sequence[str] | None = None) -> Arch:
        """The largest (or smallest) value of each decision in ``names`` (default: all); others from ``base``."""
        chosen = set(names if names is not None else self.decisions)
        items = []
        for name, values in self.decisions.items():
            if name in chosen:
                items.append((name, max(values) if largest else min(values)))  # type: ignore[type-var]
            else:
                items.append((name, base[name] if base is not None else values[0]))
        return Arch(tuple(items))

    def contains(self, arch: Arch) -> bool:
        return [n for n, _ in arch.items] == self.names and all(
            v in self.decisions[n] for n, v in arch.items
        )
