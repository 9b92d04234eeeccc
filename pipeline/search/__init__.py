"""Searchers with one small interface (``ask() -> Arch``, ``tell(arch, result)``), each seeded."""

from pipeline.search.base import Result, Searcher
from pipeline.search.evolution import EvolutionSearch
from pipeline.search.pareto import crowding_distance, dominates, non_dominated_sort, pareto_front
from pipeline.search.random import RandomSearch

__all__ = ["Searcher", "Result", "RandomSearch", "EvolutionSearch", "dominates", "non_dominated_sort",
           "crowding_distance", "pareto_front"]
