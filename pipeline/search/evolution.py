"""NSGA-II (Deb et al., IEEE TEVC 2002) over accuracy and hardware metrics, with optional budgets.

Generation 0 is ``population_size`` random candidates. Each later generation is ``population_size`` children made by
binary tournament (lower front rank, then larger crowding distance), uniform crossover and mutation; after each
generation the parents and children are cut back to ``population_size`` by front rank and crowding distance.
Budgets (``constraints``: metric -> largest allowed value) use Deb's constrained domination: a feasible candidate
beats an infeasible one, infeasible ones are ordered by their total relative violation; a failed candidate counts
as infinitely infeasible.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from pipeline.search.base import Result, Searcher
from pipeline.search.pareto import Objective, crowding_distance, non_dominated_sort
from pipeline.search_space import Arch, SearchSpace

__all__ = ["EvolutionSearch"]

Member = tuple[Arch, Result]


class EvolutionSearch(Searcher):
    """Multi-objective evolutionary search (NSGA-II).

    Args:
        space: the decisions to search.
        seed: seeds the searcher's generator.
        population_size: parents kept and children made per generation.
        mutation_prob: probability that each decision of a child is re-drawn (at least one always is).
        crossover_prob: probability that a child mixes two parents (else it copies one before mutation).
        objectives: ``[{name: accuracy, direction: max}, ...]`` or ``[(name, direction), ...]``.
        constraints: metric -> budget (largest allowed value); None or null entries are ignored.
        num_candidates: how many candidates the run will ask for.
        max_tries: re-draws allowed to avoid repeating a candidate.
    """

    def __init__(self, space: SearchSpace, seed: int, population_size: int = 16, mutation_prob: float = 0.1,
                 crossover_prob: float = 0.9, objectives: Sequence[object] = (("accuracy", "max"),),
                 constraints: Mapping[str, float | None] | None = None, num_candidates: int = 50,
                 max_tries: int = 100) -> None:
        super().__init__(space, seed, num_candidates, max_tries)
        if population_size < 2:
            raise ValueError(f"search.population_size = {population_size}; accepted: >= 2")
        self.population_size = population_size
        self.mutation_prob = mutation_prob
        self.crossover_prob = crossover_prob
        self.objectives: list[Objective] = [_objective(o) for o in objectives]
        self.constraints = {k: float(v) for k, v in (constraints or {}).items() if v is not None}
        self.parents: list[Member] = []
        self._pool: list[Member] = []
        self._pending: list[Arch] = []
        self._asked = 0

    # -- ask / tell --------------------------------------------------------------------------------------------------
    def ask(self) -> Arch:
        self._asked += 1
        if not self.parents:
            return self._new(lambda: self.space.sample(self.rng))
        if not self._pending:
            rank, crowd = self._rank(self.parents)
            self._pending = [self._child(rank, crowd) for _ in range(self.population_size)]
        return self._pending.pop(0)

    def tell(self, arch: Arch, result: Result) -> None:
        super().tell(arch, result)
        self._pool.append((arch, result))
        if len(self._pool) >= self.population_size:
            self.parents = self._select(self.parents + self._pool, self.population_size)
            self._pool = []

    # -- NSGA-II pieces ----------------------------------------------------------------------------------------------
    def violation(self, result: Result) -> float:
        """Total relative budget violation (0 when feasible, infinity when the candidate failed)."""
        if result is None or any(not math.isfinite(float(result.get(n, math.nan))) for n, _ in self.objectives):
            return math.inf
        total = 0.0
        for name, budget in self.constraints.items():
            value = float(result.get(name, math.inf))
            total += max(0.0, (value - budget) / abs(budget)) if budget else max(0.0, value)
        return total

    def _rank(self, members: Sequence[Member]) -> tuple[list[int], list[float]]:
        """Front rank and crowding distance of each member (infeasible ones ranked after every feasible front)."""
        viol = [self.violation(r) for _, r in members]
        feasible = [i for i, v in enumerate(viol) if v == 0.0]
        points = [members[i][1] for i in feasible]
        rank = [0] * len(members)
        crowd = [0.0] * len(members)
        fronts = non_dominated_sort(points, self.objectives) if points else []  # type: ignore[arg-type]
        for r, front in enumerate(fronts):
            dist = crowding_distance(points, front, self.objectives)  # type: ignore[arg-type]
            for j in front:
                rank[feasible[j]] = r
                crowd[feasible[j]] = dist[j]
        infeasible = sorted((i for i, v in enumerate(viol) if v > 0.0), key=lambda i: (viol[i], i))
        for k, i in enumerate(infeasible):
            rank[i] = len(fronts) + k
        return rank, crowd

    def _select(self, members: Sequence[Member], size: int) -> list[Member]:
        rank, crowd = self._rank(members)
        order = sorted(range(len(members)), key=lambda i: (rank[i], -crowd[i], i))
        return [members[i] for i in order[:size]]

    def _tournament(self, rank: list[int], crowd: list[float]) -> Arch:
        a, b = (int(v) for v in self.rng.integers(len(self.parents), size=2))
        better = a if (rank[a], -crowd[a]) <= (rank[b], -crowd[b]) else b
        return self.parents[better][0]

    def _child(self, rank: list[int], crowd: list[float]) -> Arch:
        def draw() -> Arch:
            p1 = self._tournament(rank, crowd)
            p2 = self._tournament(rank, crowd)
            child = self.space.crossover(p1, p2, self.rng) if self.rng.random() < self.crossover_prob else p1
            return self.space.mutate(child, self.rng, self.mutation_prob)

        return self._new(draw)


def _objective(spec: object) -> Objective:
    if isinstance(spec, Mapping):
        name, direction = str(spec["name"]), str(spec.get("direction", "max"))
    else:
        name, direction = (str(v) for v in spec)  # type: ignore[attr-defined]
    if direction not in ("max", "min"):
        raise ValueError(f"search.objectives: direction {direction!r} for {name}; accepted: max, min")
    return (name, direction)
