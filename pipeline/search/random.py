"""Random search: every candidate drawn uniformly from the search space, without repeats."""

from __future__ import annotations

from pipeline.search.base import Searcher
from pipeline.search_space import Arch

__all__ = ["RandomSearch"]


class RandomSearch(Searcher):
    """Uniform sampling; ignores the results it is told."""

    def ask(self) -> Arch:
        return self._new(lambda: self.space.sample(self.rng))
