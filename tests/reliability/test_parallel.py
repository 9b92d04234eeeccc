"""Issue 6, point 4: a joblib multirun of 4 jobs, 2 at a time, into one fresh SQLite database (and into a local
``mlflow server``): every job is its own parent run with its children, and the store stays usable."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import TINY, Workspace, child_env, indices, parents_and_children, runs

SEEDS = (0, 1, 2, 3)


def _multirun(root: Path, uri: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "pipeline", "-m", "hydra/launcher=joblib_2", "hydra.launcher.n_jobs=2",
           f"seed={','.join(map(str, SEEDS))}", *TINY, f"tracking.uri={uri}", f"hydra.sweep.dir={root / 'multirun'}"]
    return subprocess.run(cmd, cwd=root, env=child_env(), capture_output=True, text=True, timeout=timeout)


def _check_sweep(uri: str) -> None:
    parents, kids = parents_and_children(runs(uri))
    assert len(parents) == len(SEEDS), [p.info.run_name for p in parents]
    assert sorted(int(p.data.tags["seed"]) for p in parents) == list(SEEDS)
    assert len({p.data.tags["run_dir"] for p in parents}) == len(SEEDS)  # one run directory per job
    for p in parents:
        assert p.info.status == "FINISHED", p.info
        assert indices(kids[p.info.run_id]) == [0, 1, 2, 3]
        assert {r.info.status for r in kids[p.info.run_id]} == {"FINISHED"}
        assert p.data.metrics["num_ok"] == 4
    assert sum(len(v) for v in kids.values()) == 4 * len(SEEDS)  # no stray children


def _check_store_usable(uri: str) -> None:
    """search_runs works and a new run can be logged and read back."""
    import mlflow
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    exp = client.get_experiment_by_name("pim-nas")
    assert exp is not None
    mlflow.set_tracking_uri(uri)
    try:
        df = mlflow.search_runs(experiment_names=["pim-nas"])
    finally:
        mlflow.set_tracking_uri(None)
    assert len(df) == 5 * len(SEEDS) and set(df["status"]) == {"FINISHED"}
    run = client.create_run(exp.experiment_id, run_name="after-the-sweep")
    client.log_metric(run.info.run_id, "x", 1.5)
    client.log_param(run.info.run_id, "p", "v")
    client.set_terminated(run.info.run_id)
    back = client.get_run(run.info.run_id)
    assert back.data.metrics == {"x": 1.5} and back.data.params == {"p": "v"} and back.info.status == "FINISHED"


def test_joblib_multirun_into_one_fresh_sqlite_db(tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "mlflow.db"
    assert not db.exists()
    proc = _multirun(tmp_path, f"sqlite:///{db}")
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "Traceback" not in proc.stderr
    assert "Launching 4 jobs locally" in proc.stderr or "Joblib" in proc.stderr + proc.stdout
    _check_sweep(f"sqlite:///{db}")
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()
    assert not [t for t in tables if t.startswith("_alembic_tmp")]  # no half-done schema migration
    _check_store_usable(f"sqlite:///{db}")


def test_two_runs_started_together_on_one_fresh_sqlite_db(ws: Workspace) -> None:
    """Two separate commands (no multirun, so no Hydra callback prepares the store) started at the same moment on
    a database that does not exist yet: both must be recorded (the store's creation is serialised)."""
    assert not (ws.root / "mlflow.db").exists()
    procs = [ws.start("search.num_candidates=2", run=f"job{i}") for i in range(2)]
    for i, proc in enumerate(procs):
        assert proc.wait(timeout=180) == 0, ws.output(f"job{i}")[1][-2000:]
    parents, kids = parents_and_children(runs(ws.uri))
    assert len(parents) == 2 and {p.info.status for p in parents} == {"FINISHED"}
    assert all(indices(kids[p.info.run_id]) == [0, 1] for p in parents)
    con = sqlite3.connect(ws.root / "mlflow.db")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        con.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mlflow_server(tmp_path: Path) -> Iterator[str]:
    """A local ``mlflow server`` on 127.0.0.1 (free port, SQLite backend in tmp_path), stopped after the test."""
    port = _free_port()
    mlflow_bin = Path(sys.executable).parent / "mlflow"
    cmd = [str(mlflow_bin), "server", "--workers", "1", "--host", "127.0.0.1", "--port", str(port),
           "--backend-store-uri", f"sqlite:///{tmp_path / 'srv.db'}",
           "--default-artifact-root", str(tmp_path / "art")]
    with open(tmp_path / "server.log", "w") as log:
        server = subprocess.Popen(cmd, cwd=tmp_path, env=child_env(MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false"),
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                raise AssertionError(f"mlflow server exited: {(tmp_path / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("mlflow server: /health did not answer within 90 s")
            time.sleep(0.3)
        yield url
    finally:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
            if server.poll() is not None:
                break
            try:
                os.killpg(server.pid, sig)  # the server and its workers (its own session, started above)
            except ProcessLookupError:
                break
            try:
                server.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue


@pytest.mark.slow
def test_joblib_multirun_against_a_local_mlflow_server(tmp_path: Path, mlflow_server: str) -> None:
    proc = _multirun(tmp_path, mlflow_server)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "Traceback" not in proc.stderr
    _check_sweep(mlflow_server)
    _check_store_usable(mlflow_server)
    # artifacts went through the server's store too
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=mlflow_server)
    parents, kids = parents_and_children(runs(mlflow_server))
    sweep_parent = next(p for p in parents if "seed" in p.data.tags)  # not the run _check_store_usable added
    child = kids[sweep_parent.info.run_id][0]
    assert {"SimConfig.ini", "genotype.json"} <= {a.path for a in client.list_artifacts(child.info.run_id)}
