"""Issue 6, point 3: a real ``python -m pipeline`` killed mid-run (Ctrl-C, SIGTERM, kill -9; during training or the
search), then the same command with ``resume=<run dir>``: the supernet checkpoint is reused, finished candidates are
not evaluated again, no candidate is missing or duplicated in MLflow, and the parent run ends FINISHED. Ctrl-C and
SIGTERM leave the parent run KILLED (not RUNNING) until the resume.

The kill is timed by polling the run directory: ``candidates.jsonl`` (one line per finished candidate) during the
search, ``supernet.pt`` (written after every epoch) during training.
"""

from __future__ import annotations

import csv
import json
import re
import signal
from pathlib import Path

import pytest
import torch

from .conftest import Workspace, indices, last_line, lines_in, parents_and_children, runs, stop, wait_for

N = 10  # candidates: the kill lands after 3 of them
SEARCH = ("search.num_candidates=10",)


def _jsonl_indices(run_dir: Path) -> list[int]:
    out = []
    for line in (run_dir / "candidates.jsonl").read_text().splitlines():
        try:
            out.append(int(json.loads(line)["index"]))
        except (json.JSONDecodeError, KeyError):
            pass  # a line torn by kill -9
    return out


def _table(run_dir: Path) -> dict[int, dict[str, str]]:
    with open(run_dir / "candidates.csv") as fh:
        return {int(r["index"]): {k: v for k, v in r.items() if k != "seconds"} for r in csv.DictReader(fh)}


def _kill_during_search(ws: Workspace, sig: int) -> tuple[int, dict[int, float], float]:
    """Start the run, send ``sig`` once 3 candidates are finished; return (exit status, {finished index: genotype
    mtime}, checkpoint mtime)."""
    run_dir = ws.run_dir()
    proc = ws.start(*SEARCH)
    try:
        wait_for(lambda: lines_in(run_dir / "candidates.jsonl") >= 3, 150, proc, "3 finished candidates")
    finally:
        rc = stop(proc, sig)
    finished = _jsonl_indices(run_dir)
    assert len(finished) < N, "the run finished before the signal: nothing was interrupted"
    mtimes = {i: (run_dir / f"candidate-{i:04d}" / "genotype.json").stat().st_mtime_ns for i in finished}
    return rc, mtimes, (run_dir / "supernet.pt").stat().st_mtime_ns


def _resume_and_check(ws: Workspace, mtimes: dict[int, float], ckpt_mtime: float) -> None:
    run_dir = ws.run_dir()
    parent_before = parents_and_children(runs(ws.uri))[0]
    assert len(parent_before) == 1

    proc = ws.run(*SEARCH, f"resume={run_dir}", timeout=150)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the supernet checkpoint was reused (not rewritten: training was not redone)
    assert (run_dir / "supernet.pt").stat().st_mtime_ns == ckpt_mtime
    # finished candidates were not evaluated again (their files were not rewritten)
    for i, mtime in mtimes.items():
        assert (run_dir / f"candidate-{i:04d}" / "genotype.json").stat().st_mtime_ns == mtime, i
    # every candidate exactly once: run directory and MLflow
    assert sorted(_jsonl_indices(run_dir)) == list(range(N))
    parents, kids = parents_and_children(runs(ws.uri))
    assert [p.info.run_id for p in parents] == [parent_before[0].info.run_id]  # the same parent run, continued
    assert parents[0].info.status == "FINISHED"
    assert indices(kids[parents[0].info.run_id]) == list(range(N))
    assert {r.info.status for r in kids[parents[0].info.run_id]} == {"FINISHED"}
    assert parents[0].data.metrics["num_ok"] == N
    assert f"{N} candidates scored" in proc.stdout


def test_ctrl_c_during_search_then_resume(ws: Workspace) -> None:
    rc, mtimes, ckpt = _kill_during_search(ws, signal.SIGINT)
    assert rc == 130
    stdout, stderr = ws.output()
    assert "Traceback" not in stderr
    assert f"resume={ws.run_dir()}" in stdout  # it says how to continue
    parents, kids = parents_and_children(runs(ws.uri))
    assert len(parents) == 1 and parents[0].info.status == "KILLED"  # not left RUNNING
    assert set(mtimes) <= set(indices(kids[parents[0].info.run_id]))
    _resume_and_check(ws, mtimes, ckpt)


@pytest.mark.slow
def test_sigterm_during_search_then_resume(ws: Workspace) -> None:
    rc, mtimes, ckpt = _kill_during_search(ws, signal.SIGTERM)
    assert rc == 130
    assert "Traceback" not in ws.output()[1]
    parents, _ = parents_and_children(runs(ws.uri))
    assert len(parents) == 1 and parents[0].info.status == "KILLED"
    _resume_and_check(ws, mtimes, ckpt)


def test_kill_9_during_search_then_resume_matches_an_uninterrupted_run(ws: Workspace) -> None:
    reference = ws.start(*SEARCH, "tracking=none", run="reference")  # runs alongside the killed one
    rc, mtimes, ckpt = _kill_during_search(ws, signal.SIGKILL)
    assert rc == -signal.SIGKILL
    parents, _ = parents_and_children(runs(ws.uri))
    assert len(parents) == 1 and parents[0].info.status == "RUNNING"  # nothing can run on kill -9
    _resume_and_check(ws, mtimes, ckpt)
    assert reference.wait(timeout=150) == 0
    # the resumed run scored exactly what an uninterrupted run scores
    assert _table(ws.run_dir()) == _table(ws.run_dir("reference"))


@pytest.mark.slow
def test_ctrl_c_during_training_then_resume(ws: Workspace) -> None:
    epochs, train = 4, ("dataset.num_train=2048", "train.epochs=4", "progress=true", *SEARCH)
    run_dir = ws.run_dir()
    proc = ws.start(*train)
    try:
        wait_for(lambda: (run_dir / "supernet.pt").exists(), 150, proc, "the first epoch's checkpoint")
    finally:
        rc = stop(proc, signal.SIGINT)
    assert rc == 130
    done = int(torch.load(run_dir / "supernet.pt", weights_only=False)["epoch"])
    assert 1 <= done < epochs, "the signal did not land during training"
    assert not (run_dir / "candidates.jsonl").exists()
    parents, _ = parents_and_children(runs(ws.uri))
    assert len(parents) == 1 and parents[0].info.status == "KILLED"

    resumed = ws.run(*train, f"resume={run_dir}", timeout=180)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    # training restarted at the checkpoint's epoch, not at 0: the progress bar's first frame starts there
    frames = re.findall(r"supernet:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+)", resumed.stderr)
    assert frames, resumed.stderr[-2000:]
    start, total = map(int, frames[0])
    assert start == done * total // epochs and start > 0
    assert int(torch.load(run_dir / "supernet.pt", weights_only=False)["epoch"]) == epochs
    parents, kids = parents_and_children(runs(ws.uri))
    assert len(parents) == 1 and parents[0].info.status == "FINISHED"
    assert indices(kids[parents[0].info.run_id]) == list(range(N))


def test_resume_with_another_command_is_refused_and_leaves_the_run_alone(ws: Workspace) -> None:
    """``resume=`` with a different configuration (here another seed) must not touch the run it points at: the
    parent run keeps its status and tags, the run directory keeps its config, nothing is re-trained or re-scored."""
    first = ws.run("search.num_candidates=3")
    assert first.returncode == 0, first.stderr[-3000:]
    run_dir = ws.run_dir()
    before = {name: (run_dir / name).read_bytes() for name in ("config.yaml", "candidates.jsonl", "supernet.pt")}
    parents, kids = parents_and_children(runs(ws.uri))
    assert len(parents) == 1 and parents[0].info.status == "FINISHED"

    proc = ws.run("search.num_candidates=3", "seed=1", f"resume={run_dir}")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    line = last_line(proc.stderr)
    assert line.startswith("error: resume") and "seed" in line and "accepted:" in line, line
    assert len(line) < 1000, f"not a readable line ({len(line)} characters)"
    # the interrupted (here: finished) run is untouched
    assert {name: (run_dir / name).read_bytes() for name in before} == before
    after_parents, after_kids = parents_and_children(runs(ws.uri))
    assert [p.info.run_id for p in after_parents] == [parents[0].info.run_id]
    assert after_parents[0].info.status == "FINISHED"
    assert after_parents[0].data.tags["seed"] == "0"
    assert indices(after_kids[parents[0].info.run_id]) == [0, 1, 2]
