"""Pipeline benchmark: candidates scored per second and the share of that time spent in MLflow logging.

One timed call scores ``N`` candidates of the default search space on the digits validation split (300 images) as
the main job does: export the subnet, recalibrate BatchNorm, write the candidate's SimConfig.ini, hardware accuracy
(``hardware_evaluate``) plus area, latency, energy and power, then one child run in a fresh SQLite MLflow store.
The supernet is trained for one epoch first (training time is not part of the benchmark).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import Benchmark, register

N = 10


def _setup() -> tuple[Callable[[], object], Callable[[], dict[str, float]]]:
    import torch
    from hydra import compose, initialize_config_dir
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    from pipeline.evaluation import EvalSettings, evaluate_candidate
    from pipeline.main import CONFIG_DIR
    from pipeline.run import _search_space
    from pipeline.tracking import MlflowTracker
    from pipeline.training import TrainConfig, train_supernet
    from sim.ini import load_sim_config, write_sim_config

    torch.set_num_threads(1)
    tmp = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("config", overrides=["train.epochs=1", "progress=false"])
    data = instantiate(cfg.dataset)
    supernet = instantiate(cfg.model)
    space = _search_space(supernet.decisions(), cfg.search_space.hardware)
    base = instantiate(cfg.hardware, _convert_="all")
    write_sim_config(base, tmp / "base.ini")
    base = load_sim_config(tmp / "base.ini")
    settings = EvalSettings(**OmegaConf.to_container(cfg.evaluation, resolve=True))  # type: ignore[arg-type]
    train_supernet(supernet, data, TrainConfig(**OmegaConf.to_container(cfg.train, resolve=True)), 0)  # type: ignore[arg-type]
    tracker = MlflowTracker(f"sqlite:///{tmp / 'mlflow.db'}", "bench")
    tracker.start("bench", {"bench": 1}, {})
    searcher = instantiate(cfg.search)(space=space, seed=0)
    state = {"total_s": 0.0, "log_s": 0.0, "index": 0}

    def score_n() -> None:
        t0, log0 = time.perf_counter(), tracker.seconds
        for _ in range(N):
            i = state["index"]
            state["index"] += 1
            arch = searcher.ask()
            res = evaluate_candidate(i, arch, supernet, data, base, settings, tmp, 0)
            tracker.log_candidate(i, arch.to_dict(), res.metrics, res.status, res.error, tmp / f"candidate-{i:04d}")
            searcher.tell(arch, res.metrics if res.status == "ok" else None)
        state["total_s"] += time.perf_counter() - t0
        state["log_s"] += tracker.seconds - log0

    def extra() -> dict[str, float]:
        return {"logging_share": state["log_s"] / max(1e-9, state["total_s"]),
                "logging_ms_per_candidate": 1e3 * state["log_s"] / max(1, state["index"]),
                "candidates_per_s_incl_logging": state["index"] / max(1e-9, state["total_s"])}

    return score_n, extra


_extra: list[Callable[[], dict[str, float]]] = []


def _make() -> Callable[[], object]:
    fn, extra = _setup()
    _extra[:] = [extra]
    return fn


register(Benchmark(
    name="pipeline.candidates",
    setup=_make,
    items=N,
    baseline_label="candidates scored (validation accuracy on hardware + 4 metrics + MLflow child run)",
    repeat=3,
    warmup=1,
    extra=lambda: _extra[0]() if _extra else {},
))
