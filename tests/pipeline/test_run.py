"""End to end on tiny settings: MLflow contents, failures, resume after an interruption, determinism."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import mlflow
import pytest
from mlflow.tracking import MlflowClient
from omegaconf import DictConfig

import pipeline.run as run_module
from pipeline.run import PipelineError, run
from sim.ini import load_sim_config

REQUIRED = ("accuracy", "energy_mJ", "latency_ms", "area_mm2", "power_W")
Tiny = Callable[..., DictConfig]


def _runs(uri: str):  # noqa: ANN202
    mlflow.set_tracking_uri(uri)
    try:
        return mlflow.search_runs(experiment_names=["pim-nas"], order_by=["start_time ASC"])
    finally:
        mlflow.set_tracking_uri(None)


def _children(df, parent_id: str):  # noqa: ANN001, ANN202
    return df[df["tags.mlflow.parentRunId"] == parent_id]


def test_end_to_end_mlflow(tiny_cfg: Tiny, tmp_path: Path) -> None:
    cfg = tiny_cfg()
    best = run(cfg)
    df = _runs(cfg.tracking.uri)
    parents = df[df["tags.mlflow.parentRunId"].isna()]
    assert len(parents) == 1
    parent = parents.iloc[0]
    assert parent["status"] == "FINISHED" and parent["tags.seed"] == "0"
    assert parent["params.search.num_candidates"] == "4" and parent["params.data_sizes.val"] == "60"
    assert parent["metrics.best_accuracy"] == pytest.approx(best)
    client = MlflowClient(tracking_uri=cfg.tracking.uri)
    names = {a.path for a in client.list_artifacts(parent["run_id"])}
    assert {"config.yaml", "candidates.csv", "pareto.csv", "pareto.png"} <= names

    kids = _children(df, parent["run_id"])
    assert sorted(kids["tags.candidate_index"].astype(int)) == [0, 1, 2, 3]
    for _, kid in kids.iterrows():
        assert kid["status"] == "FINISHED"
        for m in REQUIRED:
            assert kid[f"metrics.{m}"] > 0 or m == "accuracy"
        assert 0.0 <= kid["metrics.accuracy"] <= 1.0
        assert kid["metrics.edp"] == pytest.approx(kid["metrics.energy_mJ"] * kid["metrics.latency_ms"])
        local = Path(client.download_artifacts(kid["run_id"], "", str(tmp_path / "dl" / kid["run_id"])))
        ini = load_sim_config(local / "SimConfig.ini")
        x = int(kid["params.xbar_size"])
        assert (ini.crossbar.rows, ini.crossbar.cols, ini.pe.dac_num, ini.pe.adc_num) == (x, x, x // 4, x // 32)
        assert ini.interface.dac_choice == int(kid["params.dac_choice"])
        assert ini.interface.adc_choice == int(kid["params.adc_choice"])
        assert ini.device.level == 2 ** int(kid["params.cell_bit"])
        genotype = json.loads((local / "genotype.json").read_text())
        assert {k: str(v) for k, v in genotype.items() if k != "index"} == {
            k[len("params."):]: v for k, v in kid.items() if k.startswith("params.") and isinstance(v, str)}


def test_failed_candidates_are_recorded_and_the_search_goes_on(tiny_cfg: Tiny) -> None:
    # a 6 x 6 tile grid holds some of these candidates and not others (they need 27 to 63 tiles)
    cfg = tiny_cfg("search.num_candidates=6", "hardware.architecture.tile_num=[6,6]")
    run(cfg)
    df = _runs(cfg.tracking.uri)
    parent = df[df["tags.mlflow.parentRunId"].isna()].iloc[0]
    kids = _children(df, parent["run_id"])
    assert len(kids) == 6
    failed = kids[kids["status"] == "FAILED"]
    assert 1 <= len(failed) < 6
    assert all("Tile_Num = 6,6: the network needs" in r for r in failed["tags.failure_reason"])
    assert set(failed["tags.status"]) == {"failed"}
    assert parent["metrics.num_failed"] == len(failed) and parent["status"] == "FINISHED"


def test_all_candidates_failing_is_an_error(tiny_cfg: Tiny) -> None:
    cfg = tiny_cfg("hardware.architecture.tile_num=[1,1]")
    with pytest.raises(PipelineError, match=r"all 4 candidates failed; first reason: .*Tile_Num = 1,1"):
        run(cfg)
    df = _runs(cfg.tracking.uri)
    parent = df[df["tags.mlflow.parentRunId"].isna()].iloc[0]
    assert parent["status"] == "FAILED"
    assert set(_children(df, parent["run_id"])["status"]) == {"FAILED"}


def _metrics_by_index(run_dir: Path) -> dict[int, tuple[str, ...]]:
    with open(run_dir / "candidates.csv") as fh:
        rows = list(csv.DictReader(fh))
    return {int(r["index"]): tuple(v for k, v in r.items() if k not in ("seconds",)) for r in rows}


def test_resume_after_interrupt(tiny_cfg: Tiny, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    reference = tiny_cfg("tracking=none", run="reference")
    run(reference)

    # interrupted after candidate 2 was logged to MLflow but before it was recorded in candidates.jsonl
    cfg = tiny_cfg()
    real_append = run_module._append_record

    def append_then_die(path: Path, result: run_module.CandidateResult) -> None:
        if result.index == 2:
            raise KeyboardInterrupt
        real_append(path, result)

    monkeypatch.setattr(run_module, "_append_record", append_then_die)
    with pytest.raises(KeyboardInterrupt):
        run(cfg)
    df = _runs(cfg.tracking.uri)
    parent = df[df["tags.mlflow.parentRunId"].isna()].iloc[0]
    assert parent["status"] == "KILLED"
    assert len(_children(df, parent["run_id"])) == 3  # 0, 1 and the unrecorded 2

    monkeypatch.setattr(run_module, "_append_record", real_append)
    evaluated: list[int] = []
    real_eval = run_module.evaluate_candidate

    def counting_eval(index: int, *args: object, **kwargs: object) -> run_module.CandidateResult:
        evaluated.append(index)
        return real_eval(index, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run_module, "evaluate_candidate", counting_eval)
    run(tiny_cfg(f"resume={tmp_path / 'run'}"))
    assert evaluated == [2, 3]  # the supernet checkpoint and candidates 0, 1 were reused
    df = _runs(cfg.tracking.uri)
    parents = df[df["tags.mlflow.parentRunId"].isna()]
    assert len(parents) == 1 and parents.iloc[0]["status"] == "FINISHED"
    kids = _children(df, parents.iloc[0]["run_id"])
    assert sorted(kids["tags.candidate_index"].astype(int)) == [0, 1, 2, 3]
    assert _metrics_by_index(tmp_path / "run") == _metrics_by_index(tmp_path / "reference")


def test_same_seed_same_candidates_and_metrics(tiny_cfg: Tiny, tmp_path: Path) -> None:
    run(tiny_cfg("tracking=none", "search=random", run="a"))
    run(tiny_cfg("tracking=none", "search=random", run="b"))
    run(tiny_cfg("tracking=none", "search=random", "seed=1", run="c"))
    a, b, c = (_metrics_by_index(tmp_path / n) for n in "abc")
    assert a == b
    assert a != c


def test_bad_resume_dir(tiny_cfg: Tiny, tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="not a pim-nas run directory"):
        run(tiny_cfg(f"resume={tmp_path}"))
