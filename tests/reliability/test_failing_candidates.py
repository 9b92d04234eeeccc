"""Issue 6, point 2: a candidate that does not fit on the chip is a FAILED child run with its reason; the search goes
on and the summary counts failures; a run where every candidate fails says so and exits non-zero."""

from __future__ import annotations

import csv
import json

from .conftest import Workspace, last_line, parents_and_children, runs

REQUIRED = ("accuracy", "energy_mJ", "latency_ms", "area_mm2", "power_W")


def test_some_candidates_fail_the_search_goes_on(ws: Workspace) -> None:
    # the small space's networks need 27..51 tiles of 128 x 128 crossbars: a 6 x 6 grid holds some of them
    proc = ws.run("search.num_candidates=6", "hardware.architecture.tile_num=[6,6]")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr

    parents, kids = parents_and_children(runs(ws.uri))
    assert len(parents) == 1
    parent = parents[0]
    assert parent.info.status == "FINISHED"
    children = kids[parent.info.run_id]
    assert sorted(int(r.data.tags["candidate_index"]) for r in children) == list(range(6))  # the search went on
    failed = [r for r in children if r.info.status == "FAILED"]
    ok = [r for r in children if r.info.status == "FINISHED"]
    assert failed and ok and len(failed) + len(ok) == 6, [r.info.status for r in children]
    for r in failed:
        reason = r.data.tags["failure_reason"]
        assert "[Architecture level] Tile_Num = 6,6: the network needs" in reason, reason
        assert "accepted: a grid of at least" in reason
        assert r.data.tags["status"] == "failed"
        assert not set(REQUIRED) & set(r.data.metrics)  # no made-up metrics for a failed candidate
        assert {"xbar_size", "dac_choice", "adc_choice", "cell_bit"} <= set(r.data.params)  # what failed is visible
    for r in ok:
        assert set(REQUIRED) <= set(r.data.metrics) and "failure_reason" not in r.data.tags
    # the summary counts failures: parent metrics, the printed summary, the candidates table
    assert parent.data.metrics["num_failed"] == len(failed)
    assert parent.data.metrics["num_ok"] == len(ok)
    assert f"6 candidates scored, {len(ok)} ok, {len(failed)} failed" in proc.stdout
    with open(ws.run_dir() / "candidates.csv") as fh:
        table = list(csv.DictReader(fh))
    assert sorted(r["status"] for r in table) == sorted(["failed"] * len(failed) + ["ok"] * len(ok))
    assert all("Tile_Num" in r["error"] for r in table if r["status"] == "failed")


def test_every_candidate_failing_exits_non_zero(ws: Workspace) -> None:
    proc = ws.run("hardware.architecture.tile_num=[1,1]")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    line = last_line(proc.stderr)
    # one line: says every candidate failed and why (file, section, key, value, accepted)
    assert line.startswith("error: all 4 candidates failed; first reason: "), line
    assert "candidate-0000/SimConfig.ini: [Architecture level] Tile_Num = 1,1: the network needs" in line
    assert "accepted: a grid of at least" in line
    assert "4 candidates scored, 0 ok, 4 failed" in proc.stdout

    parents, kids = parents_and_children(runs(ws.uri))
    assert len(parents) == 1
    assert parents[0].info.status == "FAILED"  # not a successful run, not left RUNNING
    assert parents[0].data.metrics["num_failed"] == 4 and parents[0].data.metrics["num_ok"] == 0
    children = kids[parents[0].info.run_id]
    assert len(children) == 4 and {r.info.status for r in children} == {"FAILED"}
    assert all("Tile_Num = 1,1" in r.data.tags["failure_reason"] for r in children)
    records = [json.loads(x) for x in (ws.run_dir() / "candidates.jsonl").read_text().splitlines()]
    assert [r["status"] for r in records] == ["failed"] * 4
