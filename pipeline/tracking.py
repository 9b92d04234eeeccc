"""MLflow logging: the only module that imports mlflow.

One parent run per pipeline run (flattened config as params, seed and git commit as tags, summary artifacts) and one
nested child run per candidate (its decisions as params, its metrics, its ``SimConfig.ini`` and genotype JSON as
artifacts). Each candidate costs four store calls (create, one ``log_batch``, artifacts, terminate); the time spent
in them is accumulated in :attr:`Tracker.seconds` so the pipeline can report the logging share.

Default store: ``sqlite:///<repo>/outputs/mlflow.db`` with artifacts under ``<repo>/outputs/mlartifacts`` (absolute
paths, whatever the working directory). A SQLite store is created and migrated by :func:`prepare_store` (called by
the Hydra callback before parallel jobs start, and by every run).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

__all__ = ["REPO_ROOT", "default_uri", "artifact_location_for", "prepare_store", "Tracker", "MlflowTracker",
           "NullTracker", "make_tracker", "ui_command"]

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The repository (or install) root; the default store lives in its ``outputs/``."""

_MAX_PARAM_CHARS = 6000  # MLflow's limit on a param value
_BATCH_PARAMS = 100  # MLflow's limit on params per log_batch


def default_uri() -> str:
    return f"sqlite:///{REPO_ROOT / 'outputs' / 'mlflow.db'}"


def _sqlite_path(uri: str) -> Path | None:
    if not uri.startswith("sqlite:"):
        return None
    path = unquote(urlparse(uri).path)
    if uri.startswith("sqlite:////"):
        path = "/" + path.lstrip("/")
    return Path(path)


def artifact_location_for(uri: str, experiment: str) -> str | None:
    """Where a new experiment keeps artifacts: ``<db folder>/mlartifacts/<experiment>`` for SQLite, else the server's
    default (None)."""
    db = _sqlite_path(uri)
    if db is None:
        return None
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in experiment)
    return (db.parent / "mlartifacts" / safe).resolve().as_uri()


def prepare_store(uri: str, experiment: str) -> str:
    """Create (or migrate) the store at ``uri`` and the experiment; return the experiment id.

    Run this once before parallel jobs start: two processes that open a fresh SQLite database at the same moment
    collide in its schema migration.
    """
    import mlflow
    from mlflow.tracking import MlflowClient

    db = _sqlite_path(uri)
    if db is not None:
        db.parent.mkdir(parents=True, exist_ok=True)
    with _store_lock(db):  # two runs started together on a fresh SQLite file collide in its migration
        client = MlflowClient(tracking_uri=uri)
        exp = client.get_experiment_by_name(experiment)
        if exp is not None:
            return str(exp.experiment_id)
        try:
            return str(client.create_experiment(experiment, artifact_location=artifact_location_for(uri, experiment)))
        except mlflow.exceptions.MlflowException:  # created meanwhile by a parallel job
            exp = client.get_experiment_by_name(experiment)
            if exp is None:
                raise
            return str(exp.experiment_id)


@contextmanager
def _store_lock(db: Path | None) -> Iterator[None]:
    """An exclusive lock on ``<db>.lock`` (POSIX ``flock``) while a SQLite store is created or migrated."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock (create the store once before parallel jobs, e.g. with a multirun)
        fcntl = None  # type: ignore[assignment]
    if db is None or fcntl is None:
        yield
        return
    with open(db.with_name(db.name + ".lock"), "a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def ui_command(uri: str) -> str:
    """The command that opens the MLflow UI on ``uri``."""
    if _sqlite_path(uri) is None:
        return f"open {uri} in a browser"
    return f"mlflow ui --backend-store-uri {uri} --host 127.0.0.1 --port 5000   # then open http://127.0.0.1:5000"


def _flatten(cfg: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in cfg.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, name + "."))
        else:
            text = str(value)
            out[name] = text if len(text) <= _MAX_PARAM_CHARS else text[: _MAX_PARAM_CHARS - 3] + "..."
    return out


class Tracker:
    """Interface (and the no-op behaviour of ``tracking=none``)."""

    seconds: float = 0.0
    uri: str | None = None
    parent_run_id: str | None = None
    experiment_id: str | None = None

    def start(self, run_name: str, params: Mapping[str, Any], tags: Mapping[str, str],
              resume_run_id: str | None = None) -> str | None:
        return None

    def finished_candidates(self) -> dict[int, str]:
        """Candidate index -> child run id of children already FINISHED or FAILED in this parent run."""
        return {}

    def discard_unrecorded(self, keep: set[int]) -> int:
        """Delete child runs whose candidate index is not in ``keep`` (left by an interrupted run); return the count."""
        return 0

    def log_candidate(self, index: int, decisions: Mapping[str, Any], metrics: Mapping[str, float],
                      status: str, error: str | None, artifact_dir: Path | None) -> str | None:
        return None

    def log_parent(self, metrics: Mapping[str, float], artifacts: list[Path]) -> None:
        return None

    def end(self, status: str) -> None:
        return None

    def run_url(self) -> str | None:
        return None


NullTracker = Tracker


class MlflowTracker(Tracker):
    """Logs to MLflow through one ``MlflowClient`` (no global fluent state, safe in parallel jobs).

    Args:
        uri: tracking URI (None: :func:`default_uri`).
        experiment: experiment name.
    """

    def __init__(self, uri: str | None, experiment: str) -> None:
        from mlflow.tracking import MlflowClient

        self.uri = uri or default_uri()
        self.experiment = experiment
        self.seconds = 0.0
        with self._timed():
            self.experiment_id = prepare_store(self.uri, experiment)
            self.client = MlflowClient(tracking_uri=self.uri)
        self.parent_run_id: str | None = None

    @contextmanager
    def _timed(self) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - t0

    def start(self, run_name: str, params: Mapping[str, Any], tags: Mapping[str, str],
              resume_run_id: str | None = None) -> str:
        from mlflow.entities import Param, RunStatus

        with self._timed():
            flat = _flatten(params)
            if resume_run_id is not None:
                run = self.client.get_run(resume_run_id)
                self.parent_run_id = resume_run_id
                self.client.update_run(resume_run_id, status=RunStatus.to_string(RunStatus.RUNNING))
                flat = {k: v for k, v in flat.items() if k not in run.data.params}
            else:
                run = self.client.create_run(self.experiment_id, tags=dict(tags), run_name=run_name)
                self.parent_run_id = run.info.run_id
            items = [Param(k, v) for k, v in flat.items()]
            for i in range(0, len(items), _BATCH_PARAMS):
                self.client.log_batch(self.parent_run_id, params=items[i:i + _BATCH_PARAMS])
            if resume_run_id is not None and tags:
                from mlflow.entities import RunTag

                self.client.log_batch(self.parent_run_id, tags=[RunTag(k, v) for k, v in tags.items()])
        return self.parent_run_id

    def _children(self) -> list[Any]:
        from mlflow.entities import ViewType

        runs, token = [], None
        while True:
            page = self.client.search_runs(
                [self.experiment_id], filter_string=f"tags.mlflow.parentRunId = '{self.parent_run_id}'",
                run_view_type=ViewType.ACTIVE_ONLY, max_results=1000, page_token=token)
            runs.extend(page)
            token = page.token
            if not token:
                return runs

    def finished_candidates(self) -> dict[int, str]:
        with self._timed():
            return {int(r.data.tags["candidate_index"]): r.info.run_id for r in self._children()
                    if r.info.status in ("FINISHED", "FAILED") and "candidate_index" in r.data.tags}

    def discard_unrecorded(self, keep: set[int]) -> int:
        with self._timed():
            gone = 0
            for r in self._children():
                if int(r.data.tags.get("candidate_index", -1)) not in keep:
                    self.client.delete_run(r.info.run_id)
                    gone += 1
            return gone

    def log_candidate(self, index: int, decisions: Mapping[str, Any], metrics: Mapping[str, float],
                      status: str, error: str | None, artifact_dir: Path | None) -> str:
        from mlflow.entities import Metric, Param, RunTag

        with self._timed():
            tags = {"mlflow.parentRunId": str(self.parent_run_id), "candidate_index": str(index),
                    "status": status}
            if error:
                tags["failure_reason"] = error[:5000]
            run = self.client.create_run(self.experiment_id, tags=tags, run_name=f"candidate-{index:04d}")
            run_id = run.info.run_id
            now = int(time.time() * 1000)
            self.client.log_batch(
                run_id,
                metrics=[Metric(k, float(v), now, 0) for k, v in metrics.items() if math.isfinite(float(v))],
                params=[Param(k, str(v)) for k, v in decisions.items()],
                tags=[RunTag("mlflow.note.content", error)] if error else [],
            )
            if artifact_dir is not None and artifact_dir.is_dir():
                self.client.log_artifacts(run_id, str(artifact_dir))
            self.client.set_terminated(run_id, "FINISHED" if status == "ok" else "FAILED")
        return run_id

    def log_parent(self, metrics: Mapping[str, float], artifacts: list[Path]) -> None:
        from mlflow.entities import Metric

        assert self.parent_run_id is not None
        with self._timed():
            now = int(time.time() * 1000)
            self.client.log_batch(self.parent_run_id, metrics=[
                Metric(k, float(v), now, 0) for k, v in metrics.items() if math.isfinite(float(v))])
            for path in artifacts:
                if path.exists():
                    self.client.log_artifact(self.parent_run_id, str(path))

    def end(self, status: str) -> None:
        if self.parent_run_id is not None:
            with self._timed():
                self.client.set_terminated(self.parent_run_id, status)

    def run_url(self) -> str | None:
        return f"{self.uri} experiment {self.experiment!r} (id {self.experiment_id}), run {self.parent_run_id}"


def make_tracker(backend: str, uri: str | None, experiment: str) -> Tracker:
    """``mlflow`` -> :class:`MlflowTracker`; ``none`` -> a no-op tracker."""
    if backend == "mlflow":
        return MlflowTracker(uri, experiment)
    if backend == "none":
        return NullTracker()
    raise ValueError(f"tracking.backend = {backend!r}; accepted: mlflow, none")


