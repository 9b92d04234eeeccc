"""Memory benchmark (issue 6, point 6): peak RSS of a search scoring 100 and 1,000 candidates on the default config.

Each measurement is a fresh ``python -m pipeline`` subprocess on the default configuration (digits, resnet supernet,
default search space, NSGA-II evolution, MLflow tracking into a temporary SQLite store) with ``train.epochs=1``
(supernet training does not depend on the number of candidates) and ``search.num_candidates=N``. Two numbers:

- ``peak_rss_MB``: the kernel's peak resident set size of the pipeline process (``ru_maxrss`` of
  ``getrusage(RUSAGE_CHILDREN)`` read in a fresh wrapper process that only runs the pipeline, so no other child
  is mixed in);
- an RSS timeline sampled with ``psutil`` every 0.2 s against the candidates already scored (lines in the run's
  ``candidates.jsonl``): ``rss_at_10pct_MB`` and ``rss_at_end_MB`` show whether memory grows during the search.

Flat memory means ``peak(1000) / peak(100)`` near 1. Run it standalone::

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_memory --candidates 100 1000
    OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_memory --candidates 100 1000 --tracking none

or through the harness (``python -m bench memory``: the 100- and 1,000-candidate searches, one run each; the
1,000-candidate one takes several minutes on two cores).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import Benchmark, register

REPO = Path(__file__).resolve().parent.parent

# Runs in a fresh interpreter: starts the pipeline, waits, prints the kernel's peak RSS of that one child (KiB on Linux).
_WRAPPER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[1:])\n"
    "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, 'RC', rc, flush=True)\n"
    "sys.exit(rc)\n"
)


def pipeline_command(num_candidates: int, work: Path, tracking: str = "mlflow", epochs: int = 1,
                     extra: Sequence[str] = ()) -> list[str]:
    """The measured command: the default config with ``num_candidates`` candidates, everything under ``work``."""
    cmd = [sys.executable, "-m", "pipeline", f"search.num_candidates={num_candidates}", f"train.epochs={epochs}",
           "progress=false", f"run_dir={work / 'run'}", f"tracking={tracking}"]
    if tracking == "mlflow":
        cmd.append(f"tracking.uri=sqlite:///{work / 'mlflow.db'}")
    return [*cmd, *extra]


def _scored(run_dir: Path) -> int:
    try:
        with open(run_dir / "candidates.jsonl", "rb") as fh:
            return sum(1 for _ in fh)
    except OSError:
        return 0


def measure(num_candidates: int, tracking: str = "mlflow", epochs: int = 1, extra: Sequence[str] = (),
            timeout_s: float = 3600.0, interval_s: float = 0.2, keep: Path | None = None) -> dict[str, Any]:
    """Run one search in a fresh subprocess; return its peak RSS, an RSS timeline and its wall time."""
    import psutil

    with tempfile.TemporaryDirectory(prefix="pimnas-mem-") as tmp:
        work = keep if keep is not None else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-c", _WRAPPER, *pipeline_command(num_candidates, work, tracking, epochs, extra)]
        t0 = time.perf_counter()
        out_path, err_path = work / "stdout.txt", work / "stderr.txt"
        with open(out_path, "w") as out, open(err_path, "w") as err:
            wrapper = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=err)
            timeline: list[tuple[float, int, float]] = []  # (seconds, candidates scored, RSS MB of the pipeline)
            proc = psutil.Process(wrapper.pid)
            while wrapper.poll() is None:
                if time.perf_counter() - t0 > timeout_s:
                    wrapper.kill()
                    raise TimeoutError(f"{num_candidates} candidates: no result after {timeout_s:.0f} s")
                try:
                    rss = sum(c.memory_info().rss for c in proc.children(recursive=True))
                except psutil.Error:
                    rss = 0
                if rss:
                    timeline.append((time.perf_counter() - t0, _scored(work / "run"), rss / 2**20))
                time.sleep(interval_s)
        wall = time.perf_counter() - t0
        stdout = out_path.read_text()
        if wrapper.returncode != 0:
            tail = err_path.read_text().strip().splitlines()[-3:]
            raise RuntimeError(f"pipeline exited {wrapper.returncode}: {' | '.join(tail)}")
        peak_kb = int(stdout.rsplit("PEAK_RSS_KB", 1)[1].split()[0])
        scored = _scored(work / "run")
    in_search = [(t, n, r) for t, n, r in timeline if n > 0]

    def rss_at(fraction: float) -> float:
        target = fraction * num_candidates
        after = [r for _, n, r in in_search if n >= target]
        return after[0] if after else float("nan")

    return {
        "num_candidates": num_candidates, "scored": scored, "tracking": tracking, "epochs": epochs,
        "peak_rss_MB": peak_kb / 1024, "polled_peak_rss_MB": max((r for _, _, r in timeline), default=float("nan")),
        "rss_first_candidate_MB": in_search[0][2] if in_search else float("nan"),
        "rss_at_10pct_MB": rss_at(0.1), "rss_at_50pct_MB": rss_at(0.5), "rss_at_end_MB": rss_at(1.0),
        "wall_s": wall, "samples": len(timeline),
        "rss_by_decile_MB": [round(rss_at(k / 10), 1) for k in range(1, 11)],  # RSS after 10%, 20%, ... scored
    }


# ---- harness registration --------------------------------------------------------------------------------------------

_LAST: dict[int, dict[str, Any]] = {}


def _setup(n: int) -> Callable[[], Callable[[], object]]:
    def setup() -> Callable[[], object]:
        def once() -> object:
            _LAST[n] = measure(n)
            return _LAST[n]

        return once

    return setup


def _extra(n: int) -> Callable[[], dict[str, float]]:
    def extra() -> dict[str, float]:
        res = _LAST.get(n, {})
        out = {k: float(v) for k, v in res.items() if isinstance(v, (int, float)) and k.endswith(("_MB", "wall_s"))}
        if n != 100 and 100 in _LAST:
            out["peak_ratio_vs_100"] = res["peak_rss_MB"] / _LAST[100]["peak_rss_MB"]
        return out

    return extra


for _n in (100, 1000):
    register(Benchmark(name=f"memory.search.{_n}", setup=_setup(_n), items=_n, repeat=1, warmup=0,
                       baseline_label="peak RSS of python -m pipeline, default config, 1 epoch (extra rows)",
                       extra=_extra(_n)))


# ---- standalone ------------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.bench_memory", description=__doc__.split("\n\n")[0])
    p.add_argument("--candidates", type=int, nargs="+", default=[100, 1000])
    p.add_argument("--tracking", default="mlflow", choices=["mlflow", "none"])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--json", type=Path, default=None, help="write the results here")
    p.add_argument("overrides", nargs="*", help="extra Hydra overrides for the pipeline")
    args = p.parse_args(argv)
    results = []
    for n in args.candidates:
        print(f"measuring {n} candidates (tracking={args.tracking}) ...", file=sys.stderr, flush=True)
        results.append(measure(n, args.tracking, args.epochs, args.overrides))
        r = results[-1]
        print(f"{n:>6} candidates: peak RSS {r['peak_rss_MB']:.1f} MB  (first candidate {r['rss_first_candidate_MB']:.1f}"
              f", 10% {r['rss_at_10pct_MB']:.1f}, 50% {r['rss_at_50pct_MB']:.1f}, end {r['rss_at_end_MB']:.1f} MB)"
              f"  wall {r['wall_s']:.1f} s", flush=True)
    if len(results) > 1:
        base = results[0]
        for r in results[1:]:
            print(f"peak RSS ratio {r['num_candidates']} / {base['num_candidates']} candidates: "
                  f"{r['peak_rss_MB'] / base['peak_rss_MB']:.3f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
