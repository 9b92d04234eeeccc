"""The searcher interface: ``ask() -> Arch`` and ``tell(arch, result)``, seeded, deterministic."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from pipeline.search_space import Arch, SearchSpace

__all__ = ["Searcher", "Result"]

Result = Mapping[str, float] | None
"""A candidate's metrics, or None when its evaluation failed."""


class Searcher:
    """Base class. Subclasses draw only from ``self.rng`` so the same seed and tells give the same asks.

    Args:
        space: the decisions to search.
        seed: seeds ``self.rng`` (a ``numpy.random.Generator``).
        num_candidates: how many candidates the run will ask for (``search.num_candidates``).
        max_tries: re-draws allowed to find a candidate not asked before (after that a repeat is accepted).
    """

    def __init__(self, space: SearchSpace, seed: int, num_candidates: int = 50, max_tries: int = 100) -> None:
        self.space = space
        self.seed = seed
        self.num_candidates = num_candidates
        self.max_tries = max_tries
        self.rng = np.random.default_rng([seed, 0x5EA4C4])
        self.asked: set[Arch] = set()
        self.history: list[tuple[Arch, Result]] = []

    def ask(self) -> Arch:
        raise NotImplementedError

    def tell(self, arch: Arch, result: Result) -> None:
        """Record the metrics (or None for a failed candidate) of an asked arch."""
        self.history.append((arch, result))

    def _new(self, draw: object) -> Arch:
        """Call ``draw()`` until it gives an arch not asked before (at most ``max_tries`` times)."""
        arch = draw()  # type: ignore[operator]
        for _ in range(self.max_tries):
            if arch not in self.asked:
                break
            arch = draw()  # type: ignore[operator]
        self.asked.add(arch)
        return arch  # type: ignore[no-any-return]
