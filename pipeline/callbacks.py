"""Hydra callback: create (or migrate) the MLflow store and the experiment once, before parallel jobs start.

Two jobs that open a fresh SQLite database at the same moment collide in its schema migration, and two that create
the experiment at the same moment race; ``on_multirun_start`` runs once in the launching process, before any job.
"""

from __future__ import annotations

from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from pipeline.tracking import prepare_store

__all__ = ["MlflowStoreCallback"]


class MlflowStoreCallback(Callback):
    """Prepares ``tracking.uri`` / ``tracking.experiment`` when ``tracking.backend`` is ``mlflow``."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        tracking = config.get("tracking")
        if tracking is None or tracking.get("backend") != "mlflow":
            return
        from pipeline.tracking import default_uri

        prepare_store(str(tracking.uri or default_uri()), str(tracking.experiment))
