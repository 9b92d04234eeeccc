"""Pareto utilities shared by the NSGA-II search and the end-of-run summary.

Objectives are given as ``(name, direction)`` with direction ``max`` or ``min``; points are metric dicts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["Objective", "dominates", "non_dominated_sort", "crowding_distance", "pareto_front"]

Objective = tuple[str, str]  # (metric name, "max" | "min")


def _key(point: Mapping[str, float], objectives: Sequence[Objective]) -> list[float]:
    """The point as values to minimise."""
    return [-float(point[n]) if d == "max" else float(point[n]) for n, d in objectives]


def dominates(a: Mapping[str, float], b: Mapping[str, float], objectives: Sequence[Objective]) -> bool:
    """``a`` is no worse than ``b`` in every objective and better in one."""
    ka, kb = _key(a, objectives), _key(b, objectives)
    return all(x <= y for x, y in zip(ka, kb)) and any(x < y for x, y in zip(ka, kb))


def non_dominated_sort(points: Sequence[Mapping[str, float]], objectives: Sequence[Objective]) -> list[list[int]]:
    """Fronts of indices into ``points``: front 0 is non-dominated, front 1 is non-dominated once 0 is removed, ..."""
    n = len(points)
    keys = [_key(p, objectives) for p in points]
    dominated_by = [0] * n
    dominating: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            ki, kj = keys[i], keys[j]
            i_le = all(x <= y for x, y in zip(ki, kj))
            j_le = all(y <= x for x, y in zip(ki, kj))
            if i_le and not j_le:
                dominating[i].append(j)
                dominated_by[j] += 1
            elif j_le and not i_le:
                dominating[j].append(i)
                dominated_by[i] += 1
    fronts: list[list[int]] = []
    current = [i for i in range(n) if dominated_by[i] == 0]
    while current:
        fronts.append(current)
        nxt = []
        for i in current:
            for j in dominating[i]:
                dominated_by[j] -= 1
                if dominated_by[j] == 0:
                    nxt.append(j)
        current = sorted(nxt)
    return fronts


def crowding_distance(points: Sequence[Mapping[str, float]], front: Sequence[int],
                      objectives: Sequence[Objective]) -> dict[int, float]:
    """NSGA-II crowding distance of each index in ``front`` (boundary points get infinity)."""
    dist = {i: 0.0 for i in front}
    if len(front) <= 2:
        return {i: float("inf") for i in front}
    for name, _ in objectives:
        order = sorted(front, key=lambda i: (float(points[i][name]), i))
        lo, hi = float(points[order[0]][name]), float(points[order[-1]][name])
        dist[order[0]] = dist[order[-1]] = float("inf")
        if hi == lo:
            continue
        for k in range(1, len(order) - 1):
            dist[order[k]] += (float(points[order[k + 1]][name]) - float(points[order[k - 1]][name])) / (hi - lo)
    return dist


def pareto_front(points: Sequence[Mapping[str, float]], objectives: Sequence[Objective]) -> list[int]:
    """Indices of the non-dominated points (duplicates all kept)."""
    return non_dominated_sort(points, objectives)[0] if points else []
