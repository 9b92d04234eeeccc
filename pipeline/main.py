"""``python -m pipeline [overrides]``: the thin Hydra entry point around :func:`pipeline.run.run`.

Configuration errors (a bad override, a malformed INI, a missing data set) end with one line naming what is wrong
and what is accepted, and a non-zero exit; ``HYDRA_FULL_ERROR=1`` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig

from pipeline.run import run

__all__ = ["main", "CONFIG_DIR"]

CONFIG_DIR = str(Path(__file__).resolve().parent.parent / "conf")
"""The repository's ``conf/`` (absolute, so ``python -m pipeline`` works from any directory)."""


def _one_line(exc: BaseException) -> str:
    """The exception as one line; Hydra's instantiation wrapper is unwrapped to the error inside it."""
    inner: BaseException = exc
    while inner.__cause__ is not None and type(inner).__name__ == "InstantiationException":
        inner = inner.__cause__
    text = " ".join(str(inner).split())
    known = ("SimConfigError", "DatasetError", "PipelineError")
    return text if type(inner).__name__ in known else f"{type(inner).__name__}: {text}"


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def main(cfg: DictConfig) -> float | tuple[float, ...]:
    """Run the co-search; in a single run, errors become one line on stderr and exit status 1 (Ctrl-C: 130)."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    if os.environ.get("HYDRA_FULL_ERROR") == "1" or HydraConfig.get().mode == RunMode.MULTIRUN:
        return run(cfg)
    try:
        return run(cfg)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the user sees one line; HYDRA_FULL_ERROR=1 shows the traceback
        print(f"error: {_one_line(exc)}", file=sys.stderr, flush=True)
        sys.exit(1)
