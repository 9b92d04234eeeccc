"""Every option of every conf/ group composes, and every instantiable one instantiates."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import OmegaConf

from pipeline.evaluation import EvalSettings
from pipeline.main import CONFIG_DIR
from pipeline.run import _search_space
from pipeline.search import Searcher
from pipeline.supernet import StaticNet, Supernet
from pipeline.tracking import make_tracker
from pipeline.training import TrainConfig
from sim.config import SimConfig

CONF = Path(CONFIG_DIR)


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONF / group).glob("*.yaml"))


def compose_with(*overrides: str, hydra: bool = False):  # noqa: ANN201
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("config", overrides=list(overrides), return_hydra_config=hydra)


def test_groups_exist() -> None:
    for group in ("model", "search_space", "hardware", "dataset", "train", "search", "tracking", "experiment"):
        assert options(group), group
    cfg = compose_with()
    for key in ("seed", "train.epochs", "search.num_candidates", "tracking.uri", "tracking.experiment"):
        assert OmegaConf.select(cfg, key, default="missing") != "missing", key


@pytest.mark.parametrize("option", options("dataset"))
def test_dataset(option: str, tmp_path: Path) -> None:
    extra = []
    if option == "cifar10":
        folder = tmp_path / "cifar-10-batches-py"
        folder.mkdir()
        rng = np.random.default_rng(0)
        for name in ("data_batch_1", "test_batch"):
            with open(folder / name, "wb") as fh:
                pickle.dump({b"data": rng.integers(0, 256, (40, 3072), dtype=np.uint8),
                             b"labels": list(rng.integers(0, 10, 40))}, fh)
        extra = [f"dataset.path={folder}", "dataset.val_size=8", "dataset.test_size=8"]
    cfg = compose_with(f"dataset={option}", *extra)
    data = instantiate(cfg.dataset)
    assert data.input_shape == tuple(cfg.dataset.input_shape)
    assert data.num_classes == cfg.dataset.num_classes
    assert data.sizes()["val"] == cfg.dataset.val_size


@pytest.mark.parametrize("option", options("model"))
@pytest.mark.parametrize("space", options("search_space"))
def test_model_and_space(option: str, space: str) -> None:
    cfg = compose_with(f"model={option}", f"search_space={space}")
    net = instantiate(cfg.model)
    assert isinstance(net, Supernet)
    ss = _search_space(net.decisions(), cfg.search_space.hardware)
    arch = ss.sample(np.random.default_rng(0))
    assert isinstance(net.get_active_subnet(arch.network()), StaticNet)


@pytest.mark.parametrize("option", options("hardware"))
def test_hardware(option: str) -> None:
    cfg = compose_with(f"hardware={option}", "hardware.crossbar.rows=128")
    hw = instantiate(cfg.hardware, _convert_="all")
    assert isinstance(hw, SimConfig) and hw.crossbar.rows == 128


@pytest.mark.parametrize("option", options("train"))
def test_train(option: str) -> None:
    cfg = compose_with(f"train={option}")
    TrainConfig(**OmegaConf.to_container(cfg.train, resolve=True))


@pytest.mark.parametrize("option", options("search"))
def test_search(option: str) -> None:
    cfg = compose_with(f"search={option}")
    net = instantiate(cfg.model)
    searcher = instantiate(cfg.search)(space=_search_space(net.decisions(), cfg.search_space.hardware), seed=0)
    assert isinstance(searcher, Searcher)
    assert searcher.space.contains(searcher.ask())


@pytest.mark.parametrize("option", options("tracking"))
def test_tracking(option: str, tmp_path: Path) -> None:
    cfg = compose_with(f"tracking={option}", f"tracking.uri=sqlite:///{tmp_path / 'db.sqlite'}")
    make_tracker(cfg.tracking.backend, cfg.tracking.uri, cfg.tracking.experiment)


@pytest.mark.parametrize("option", options("experiment"))
def test_experiment(option: str) -> None:
    cfg = compose_with(f"experiment={option}", hydra=True)
    EvalSettings(**OmegaConf.to_container(cfg.evaluation, resolve=True))
    instantiate(cfg.search)


@pytest.mark.parametrize("option", options("hydra/launcher"))
def test_launchers(option: str) -> None:
    cfg = compose_with(f"hydra/launcher={option}", hydra=True)
    assert "Launcher" in cfg.hydra.launcher._target_


def test_builtin_joblib_launcher() -> None:
    cfg = compose_with("hydra/launcher=joblib", hydra=True)
    assert "Joblib" in cfg.hydra.launcher._target_


def test_optuna_example_returns_two_objectives() -> None:
    cfg = compose_with("experiment=optuna_hardware", hydra=True)
    assert len(cfg.returns) == len(cfg.hydra.sweeper.direction) == 2
    assert "NSGAII" in cfg.hydra.sweeper.sampler._target_
    assert all(k.startswith("hardware.") for k in cfg.hydra.sweeper.params)


def test_experiment_overrides_primary_keys() -> None:
    cfg = compose_with("experiment=quick")
    assert cfg.search.num_candidates == 8 and cfg.train.epochs == 1
