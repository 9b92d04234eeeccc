"""Tiny pipeline configurations for tests: digits subset, one short epoch, a few candidates, tmp MLflow store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig

from pipeline.main import CONFIG_DIR

TINY = [
    "dataset.val_size=60", "dataset.test_size=60", "dataset.train_size=400",
    "train=fast", "search_space=small", "search.num_candidates=4",
    "progress=false", "evaluation.act_calib_size=64", "evaluation.bn_calib_batches=2",
]


def compose_cfg(overrides: list[str]) -> DictConfig:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("config", overrides=overrides)


@pytest.fixture
def tiny_cfg(tmp_path: Path) -> Callable[..., DictConfig]:
    """``tiny_cfg(*overrides)``: the tiny config with an MLflow store and run directory under ``tmp_path``."""

    def make(*overrides: str, run: str = "run") -> DictConfig:
        search = [o for o in overrides if o.startswith("search=")]
        evolution = [] if search and search != ["search=evolution"] else ["search.population_size=2"]
        return compose_cfg([*search, *TINY, *evolution, f"tracking.uri=sqlite:///{tmp_path / 'mlflow.db'}",
                            f"run_dir={tmp_path / run}", *(o for o in overrides if o not in search)])

    return make


@pytest.fixture
def compose_config() -> Callable[[list[str]], DictConfig]:
    """``compose(overrides)``: the composed ``conf/config.yaml``."""
    return compose_cfg
