"""``python -m pipeline`` as a user runs it: one-line errors, and a joblib multirun into one MLflow database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

TINY = ["dataset.val_size=60", "dataset.train_size=300", "train=fast", "search_space=small",
        "search.num_candidates=3", "search.population_size=2", "progress=false", "evaluation.act_calib_size=64"]


def pipeline(args: list[str], cwd: Path, timeout: float = 240, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "OMP_NUM_THREADS": "1", **env}
    full_env.pop("HYDRA_FULL_ERROR", None) if "HYDRA_FULL_ERROR" not in env else None
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("override, expected", [
    ("hardware.interface.adc_choice=12", r"[Interface level] ADC_Choice = 12"),
    ("search_space.hardware.xbar_size=[48]", "search_space.hardware.xbar_size: [Crossbar level] Xbar_Size = 48"),
    ("dataset=cifar10", "dataset cifar10: path ="),
])
def test_bad_input_is_one_line(override: str, expected: str, tmp_path: Path) -> None:
    out = pipeline([override, "tracking=none", f"hydra.run.dir={tmp_path / 'run'}", *TINY], tmp_path)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr + out.stdout
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and expected in last, out.stderr


def test_one_line_unwraps_instantiation_errors() -> None:
    from hydra.errors import InstantiationException

    from pipeline.main import _one_line
    from sim.errors import SimConfigError

    inner = SimConfigError("hardware=x", "crossbar", "nope", 1, "unknown key", "rows, cols")
    outer = InstantiationException("Error in call to target\n'x'")
    outer.__cause__ = inner
    assert _one_line(outer) == "hardware=x: [crossbar] nope = 1: unknown key; accepted: rows, cols"
    assert _one_line(ValueError("a\nb")) == "ValueError: a b"


def test_full_error_shows_traceback(tmp_path: Path) -> None:
    out = pipeline(["hardware.interface.adc_choice=12", "tracking=none", f"hydra.run.dir={tmp_path / 'run'}",
                    *TINY], tmp_path, HYDRA_FULL_ERROR="1")
    assert out.returncode != 0 and "Traceback" in out.stderr


def test_joblib_multirun_into_one_database(tmp_path: Path) -> None:
    db = tmp_path / "store" / "mlflow.db"
    out = pipeline(["-m", "hydra/launcher=joblib", "hardware=mnsim2,pim_nas", f"hydra.sweep.dir={tmp_path / 'sweep'}",
                    f"tracking.uri=sqlite:///{db}", *TINY], tmp_path, timeout=400)
    assert out.returncode == 0, out.stderr[-3000:]
    client = MlflowClient(tracking_uri=f"sqlite:///{db}")
    exp = client.get_experiment_by_name("pim-nas")
    assert exp is not None and exp.artifact_location.startswith((tmp_path / "store").as_uri())
    runs = client.search_runs([exp.experiment_id])
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    assert sorted(r.data.tags["hardware"] for r in parents) == ["mnsim2", "pim_nas"]
    assert all(r.info.status == "FINISHED" for r in runs)
    for p in parents:
        kids = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == p.info.run_id]
        assert len(kids) == 3
    assert (tmp_path / "sweep" / "0" / "candidates.csv").exists() and (tmp_path / "sweep" / "1" / "pareto.csv").exists()
