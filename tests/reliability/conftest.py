"""Helpers for the reliability tests (issue 6): real ``python -m pipeline`` subprocesses on tiny settings.

Every run writes its MLflow store, run directory and Hydra output under the test's ``tmp_path`` and runs with one
torch thread (``OMP_NUM_THREADS=1``); the subprocess's working directory is ``tmp_path``, so nothing lands in the
repository's ``outputs/``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]

TINY: tuple[str, ...] = (
    "experiment=quick",  # train=fast (1 epoch), search_space=small
    "dataset=synthetic",
    "search.population_size=2",
    "search.num_candidates=4",
    "evaluation.act_calib_size=64",
    "evaluation.bn_calib_batches=2",
    "progress=false",
)
"""A pipeline run of a few seconds: synthetic data, 1 epoch, 4 candidates of the small search space."""


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HYDRA_FULL_ERROR", "MLFLOW_TRACKING_URI")}
    env.update(OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1", PYTHONPATH=str(REPO), MLFLOW_HTTP_REQUEST_MAX_RETRIES="2")
    env.update(extra)
    return env


@dataclass
class Workspace:
    """One test's MLflow store and run directories, and the commands that use them."""

    root: Path
    procs: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def uri(self) -> str:
        return f"sqlite:///{self.root / 'mlflow.db'}"

    def run_dir(self, name: str = "run") -> Path:
        return self.root / name

    def command(self, *overrides: str, run: str = "run", uri: str | None = None, tiny: bool = True) -> list[str]:
        """``python -m pipeline`` with the tiny settings, this workspace's store and ``run_dir=<root>/<run>``."""
        where = [f"run_dir={self.run_dir(run)}", f"hydra.run.dir={self.root / 'hydra' / run}"]
        if not any(o.startswith("tracking=") for o in overrides):
            where.append(f"tracking.uri={uri or self.uri}")
        return [sys.executable, "-m", "pipeline", *(TINY if tiny else ()), *where, *overrides]

    def run(self, *overrides: str, run: str = "run", timeout: float = 120, env: dict[str, str] | None = None,
            uri: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(*overrides, run=run, uri=uri), cwd=self.root, env=env or child_env(),
                              capture_output=True, text=True, timeout=timeout)

    def start(self, *overrides: str, run: str = "run", uri: str | None = None) -> subprocess.Popen[str]:
        """The same command, started in the background (stdout and stderr to files in the workspace)."""
        with open(self.root / f"{run}.stdout", "a") as out, open(self.root / f"{run}.stderr", "a") as err:
            proc = subprocess.Popen(self.command(*overrides, run=run, uri=uri), cwd=self.root, env=child_env(),
                                    stdout=out, stderr=err, text=True)  # the child keeps its own copies
        self.procs.append(proc)
        return proc

    def output(self, run: str = "run") -> tuple[str, str]:
        return ((self.root / f"{run}.stdout").read_text(), (self.root / f"{run}.stderr").read_text())


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """The test's workspace; runs it started and left running (a failed assertion) are killed after the test."""
    space = Workspace(tmp_path)
    yield space
    for proc in space.procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def wait_for(predicate: Callable[[], bool], timeout: float, proc: subprocess.Popen[str] | None = None,
             what: str = "condition", interval: float = 0.05) -> None:
    """Poll ``predicate`` until it holds; fail if ``timeout`` passes or ``proc`` exits first."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the run exited ({proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} after {timeout:.0f} s")
        time.sleep(interval)


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM, timeout: float = 30) -> int:
    """Send ``sig``; wait (then kill) and return the exit status."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)
        raise AssertionError(f"the run did not exit within {timeout} s of signal {sig}") from None


def lines_in(path: Path) -> int:
    try:
        return sum(1 for line in path.read_text().splitlines() if line.strip())
    except OSError:
        return 0


def runs(uri: str, experiment: str = "pim-nas", deleted: bool = False) -> list[Any]:
    """Every run of ``experiment`` (active only unless ``deleted``), through the MLflow client."""
    from mlflow.entities import ViewType
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    exp = client.get_experiment_by_name(experiment)
    if exp is None:
        return []
    view = ViewType.ALL if deleted else ViewType.ACTIVE_ONLY
    out, token = [], None
    while True:
        page = client.search_runs([exp.experiment_id], run_view_type=view, max_results=1000, page_token=token)
        out.extend(page)
        token = page.token
        if not token:
            return out


def parents_and_children(all_runs: Sequence[Any]) -> tuple[list[Any], dict[str, list[Any]]]:
    parents = [r for r in all_runs if "mlflow.parentRunId" not in r.data.tags]
    kids: dict[str, list[Any]] = {p.info.run_id: [] for p in parents}
    for r in all_runs:
        pid = r.data.tags.get("mlflow.parentRunId")
        if pid is not None:
            kids.setdefault(pid, []).append(r)
    return parents, kids


def indices(children: Sequence[Any]) -> list[int]:
    return sorted(int(r.data.tags["candidate_index"]) for r in children)
