"""The main job: ``run(cfg)`` trains the supernet, searches, scores every candidate on simulated hardware, logs.

Steps (issue 5): seed; build data, supernet and search space; train the supernet with weight sharing (checkpoint in
the run directory); ask the searcher for ``search.num_candidates`` candidates and score each (BN recalibration,
per-candidate SimConfig.ini, simulation); log each as a child run; print the summary.

Reliability (issue 6): a failed candidate is logged as a FAILED child run with its reason and the search goes on; a
run where every candidate fails raises :class:`PipelineError`; ``resume=<run dir>`` reuses the checkpoint and the
finished candidates (``candidates.jsonl``, written after each child run is closed), and deletes child runs an
interruption left behind, so no candidate is missing or duplicated; Ctrl-C or SIGTERM ends the parent run KILLED.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from tqdm import tqdm

from pipeline.evaluation import CandidateResult, EvalSettings, evaluate_candidate
from pipeline.ini_conversion import check_xbar_size
from pipeline.search import Searcher
from pipeline.search_space import HARDWARE_DECISIONS, SearchSpace
from pipeline.summary import format_summary, front_of, plot_pareto, write_candidates_csv
from pipeline.tracking import REPO_ROOT, Tracker, make_tracker, ui_command
from pipeline.training import TrainConfig, train_supernet
from sim.config import SimConfig
from sim.ini import load_sim_config, write_sim_config

__all__ = ["run", "PipelineError", "RETURN_VALUES"]

CHECKPOINT = "supernet.pt"
RECORDS = "candidates.jsonl"
STATE = "state.json"


class PipelineError(RuntimeError):
    """A run that cannot go on (every candidate failed, a resume that does not match); one-line message."""


# -- small helpers ---------------------------------------------------------------------------------------------------

def _run_dir(cfg: DictConfig) -> Path:
    """``resume`` if given, else ``run_dir``, else Hydra's output directory, else ``outputs/runs/<time>``."""
    if cfg.get("resume"):
        path = Path(str(cfg.resume)).expanduser().resolve()
        if not (path / STATE).exists():
            raise PipelineError(f"resume = {path}: not a pim-nas run directory (no {STATE}); accepted: the run "
                                "directory printed by the interrupted run")
        return path
    if cfg.get("run_dir"):
        return Path(str(cfg.run_dir)).expanduser().resolve()
    from hydra.core.hydra_config import HydraConfig

    if HydraConfig.initialized():
        return Path(HydraConfig.get().runtime.output_dir).resolve()
    return REPO_ROOT / "outputs" / "runs" / time.strftime(f"%Y-%m-%d_%H-%M-%S-{os.getpid()}")


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C (KeyboardInterrupt) so the parent run is marked KILLED, not left RUNNING."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


_RESUME_FREE = ("resume", "run_dir", "progress", "train.progress", "num_threads", "summary_top_k", "returns",
                "run_name")
"""Config keys a resume may change (how the run is shown, not what it computes or where it logs)."""


def _flat(tree: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(tree, dict):
        return {prefix[:-1]: tree}
    out: dict[str, Any] = {}
    for key, value in tree.items():
        out.update(_flat(value, f"{prefix}{key}."))
    return out


def _check_same_config(resolved: dict[str, Any], run_dir: Path) -> None:
    """Refuse ``resume=<run dir>`` with a configuration other than the run's (``config.yaml`` in it)."""
    saved = run_dir / "config.yaml"
    if not saved.exists():
        return
    old = _flat(OmegaConf.to_container(OmegaConf.load(saved), resolve=True))
    new = _flat(resolved)
    missing = object()
    diff = [k for k in sorted(set(old) | set(new), key=lambda k: (k.count("."), k))  # top-level keys first
            if k not in _RESUME_FREE and old.get(k, missing) != new.get(k, missing)]
    if diff:
        shown = "; ".join(f"{k} = {new.get(k, '<unset>')} (the run has {old.get(k, '<unset>')})" for k in diff[:3])
        more = f" and {len(diff) - 3} more" if len(diff) > 3 else ""
        raise PipelineError(f"resume = {run_dir}: {shown}{more}; accepted: the same command (config and seed) "
                            "as the interrupted run")


def _load_records(path: Path) -> dict[int, CandidateResult]:
    """Finished candidates of an earlier attempt (a torn last line from a kill is ignored)."""
    records: dict[int, CandidateResult] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                rec = CandidateResult.from_record(json.loads(line))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                continue
            records[rec.index] = rec
    return records


def _append_record(path: Path, result: CandidateResult) -> None:
    with open(path, "a") as fh:
        fh.write(json.dumps(result.to_record()) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _base_hardware(cfg: DictConfig, run_dir: Path) -> SimConfig:
    """The base preset as the simulator reads it: written to ``base_SimConfig.ini`` and parsed back (validated)."""
    base = instantiate(cfg.hardware, _convert_="all")
    path = run_dir / "base_SimConfig.ini"
    write_sim_config(base, path)
    return load_sim_config(path)


def _search_space(supernet_choices: dict[str, tuple[int, ...]], hw: DictConfig) -> SearchSpace:
    decisions: dict[str, Any] = dict(supernet_choices)
    for name in HARDWARE_DECISIONS:
        if name not in hw:
            raise PipelineError(f"search_space.hardware.{name} is missing; accepted: a list of allowed values")
        decisions[name] = list(hw[name])
    for x in decisions["xbar_size"]:
        check_xbar_size(x)
    return SearchSpace(decisions)


RETURN_VALUES = ("best_accuracy", "min_energy_mJ", "min_latency_ms", "min_area_mm2", "min_edp", "pareto_size")
"""What ``run`` can return (``returns:`` in the config); a sweeper such as Optuna optimises these."""


def _returns(names: list[str], results: list[CandidateResult]) -> float | tuple[float, ...]:
    ok = [r.metrics for r in results if r.status == "ok"]
    table = {
        "best_accuracy": max((m["accuracy"] for m in ok), default=0.0),
        "min_energy_mJ": min((m["energy_mJ"] for m in ok), default=math.inf),
        "min_latency_ms": min((m["latency_ms"] for m in ok), default=math.inf),
        "min_area_mm2": min((m["area_mm2"] for m in ok), default=math.inf),
        "min_edp": min((m["edp"] for m in ok), default=math.inf),
        "pareto_size": float(len(front_of(results))),
    }
    for n in names:
        if n not in table:
            raise PipelineError(f"returns: {n!r} unknown; accepted: {', '.join(RETURN_VALUES)}")
    values = tuple(float(table[n]) for n in names)
    return values[0] if len(values) == 1 else values


# -- the run ---------------------------------------------------------------------------------------------------------

def run(cfg: DictConfig) -> float | tuple[float, ...]:
    """Run the co-search described by ``cfg`` (the composed ``conf/config.yaml``); return ``cfg.returns``."""
    torch.set_num_threads(int(cfg.num_threads))
    run_dir = _run_dir(cfg)
    run_dir.mkdir(parents=True, exist_ok=True)
    with _sigterm_as_interrupt():
        return _run(cfg, run_dir)


def _run(cfg: DictConfig, run_dir: Path) -> float | tuple[float, ...]:
    t_start = time.perf_counter()
    seed = int(cfg.seed)
    resolved = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(resolved, dict)
    if cfg.get("resume"):
        _check_same_config(resolved, run_dir)  # before anything in the run directory or MLflow is touched
    OmegaConf.save(OmegaConf.create(resolved), run_dir / "config.yaml")

    # 1. data, supernet, search space, base hardware -------------------------------------------------------------
    data = instantiate(cfg.dataset)
    supernet = instantiate(cfg.model)
    space = _search_space(supernet.decisions(), cfg.search_space.hardware)
    base_hw = _base_hardware(cfg, run_dir)
    searcher: Searcher = instantiate(cfg.search)(space=space, seed=seed)  # _partial_: true in conf/search
    settings = EvalSettings(**OmegaConf.to_container(cfg.evaluation, resolve=True))  # type: ignore[arg-type]
    train_cfg = TrainConfig(**OmegaConf.to_container(cfg.train, resolve=True))  # type: ignore[arg-type]

    # 2. tracking: a new parent run, or the interrupted one --------------------------------------------------------
    state_path = run_dir / STATE
    state = json.loads(state_path.read_text()) if cfg.get("resume") else {}
    tracker = make_tracker(str(cfg.tracking.backend), cfg.tracking.uri, str(cfg.tracking.experiment))
    resolved.pop("resume", None)
    resolved.pop("run_dir", None)
    resolved["data_sizes"] = data.sizes()
    tags = {"seed": str(seed), "run_dir": str(run_dir), "hardware": str(cfg.hardware.get("name", "")),
            "search": str(cfg.search._target_).rsplit(".", 1)[-1]}
    commit = _git_commit()
    if commit:
        tags["git_commit"] = tags["mlflow.source.git.commit"] = commit
    run_name = str(cfg.get("run_name") or f"{cfg.model.get('name', 'model')}-{cfg.hardware.get('name', 'hw')}-seed{seed}")
    tracker.start(run_name, resolved, tags, resume_run_id=state.get("parent_run_id"))
    state_path.write_text(json.dumps({"parent_run_id": tracker.parent_run_id, "tracking_uri": tracker.uri,
                                      "experiment": str(cfg.tracking.experiment)}))
    try:
        result = _train_and_search(cfg, run_dir, supernet, data, space, base_hw, searcher, settings, train_cfg,
                                   tracker, seed, t_start)
    except KeyboardInterrupt:
        tracker.end("KILLED")
        print(f"\ninterrupted; continue with: python -m pipeline <same overrides> resume={run_dir}", flush=True)
        raise
    except BaseException:
        tracker.end("FAILED")
        raise
    return result


def _train_and_search(cfg: DictConfig, run_dir: Path, supernet: Any, data: Any, space: SearchSpace,
                      base_hw: SimConfig, searcher: Searcher, settings: EvalSettings, train_cfg: TrainConfig,
                      tracker: Tracker, seed: int, t_start: float) -> float | tuple[float, ...]:
    # 3. supernet training (resumes from the checkpoint when there is one) ----------------------------------------
    trained = train_supernet(supernet, data, train_cfg, seed, run_dir / CHECKPOINT)

    # 4. search: ask, score (or reuse a finished candidate), log, tell ----------------------------------------------
    records_path = run_dir / RECORDS
    records = _load_records(records_path)
    logged = tracker.finished_candidates()
    tracker.discard_unrecorded(keep=set(records) & set(logged) if tracker.parent_run_id else set())
    records = {i: r for i, r in records.items() if i in logged or tracker.parent_run_id is None}
    log0, t_search = tracker.seconds, time.perf_counter()
    results: list[CandidateResult] = []
    n = int(cfg.search.num_candidates)
    bar = tqdm(range(n), desc="candidates", unit="cand", disable=not cfg.progress, dynamic_ncols=True)
    for i in bar:
        arch = searcher.ask()
        if i in records:
            res = records[i]
            if res.arch != arch:
                raise PipelineError(f"resume: candidate {i} was {res.arch.to_dict()} but the search now asks "
                                    f"{arch.to_dict()}; accepted: the same command (config and seed) as the "
                                    "interrupted run")
        else:
            res = evaluate_candidate(i, arch, supernet, data, base_hw, settings, run_dir, seed)
            tracker.log_candidate(i, arch.to_dict(), res.metrics, res.status, res.error,
                                  run_dir / f"candidate-{i:04d}")
            _append_record(records_path, res)
        searcher.tell(arch, res.metrics if res.status == "ok" else None)
        results.append(res)
        accs = [r.metrics["accuracy"] for r in results if r.status == "ok"]
        bar.set_postfix(best_acc=f"{max(accs):.3f}" if accs else "-", failed=len(results) - len(accs))
    bar.close()
    search_s = time.perf_counter() - t_search
    log_s = tracker.seconds - log0

    # 5. summary: tables, plot, parent-run artifacts, printed report ----------------------------------------------
    ok = [r for r in results if r.status == "ok"]
    front = front_of(results)
    write_candidates_csv(results, run_dir / "candidates.csv")
    write_candidates_csv(front, run_dir / "pareto.csv")
    if ok:
        plot_pareto(results, front, run_dir / "pareto.png")
    fresh = [r for r in results if r.index not in records]
    timings = {
        "train_s": trained.seconds, "search_s": search_s, "total_s": time.perf_counter() - t_start,
        "candidates_per_s": len(fresh) / search_s if fresh and search_s > 0 else 0.0,
        "logging_share": log_s / search_s if search_s > 0 else 0.0,
    }
    metrics = {"best_accuracy": max((r.metrics["accuracy"] for r in ok), default=0.0),
               "num_ok": float(len(ok)), "num_failed": float(len(results) - len(ok)),
               "pareto_size": float(len(front)), "train_loss": trained.final_loss, **timings}
    tracker.log_parent(metrics, [run_dir / f for f in ("config.yaml", "candidates.csv", "pareto.csv",
                                                        "pareto.png", "base_SimConfig.ini")])
    print(format_summary(results, front, top_k=int(cfg.summary_top_k), run_dir=run_dir, where=tracker.run_url(),
                         ui=ui_command(tracker.uri) if tracker.uri else None, timings=timings), flush=True)
    if not ok:
        first = results[0].error if results else "no candidates"
        tracker.end("FAILED")
        raise PipelineError(f"all {len(results)} candidates failed; first reason: {first}")
    tracker.end("FINISHED")
    return _returns(list(cfg.returns), results)
