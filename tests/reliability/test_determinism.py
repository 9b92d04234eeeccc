"""Issue 6, point 5: the same command and seed twice give the same candidates and the same metrics; two different
seeds give different candidates. Three real ``python -m pipeline`` runs (NSGA-II evolution, whose later candidates
depend on the earlier candidates' metrics), side by side."""

from __future__ import annotations

import csv
from pathlib import Path

import torch

from .conftest import Workspace, parents_and_children, runs

SEARCH = ("search.num_candidates=6",)


def _table(run_dir: Path) -> list[dict[str, str]]:
    with open(run_dir / "candidates.csv") as fh:
        return [{k: v for k, v in r.items() if k != "seconds"} for r in csv.DictReader(fh)]


def _mlflow_candidates(uri: str) -> dict[int, tuple[dict[str, str], dict[str, float]]]:
    parents, kids = parents_and_children(runs(uri))
    assert len(parents) == 1
    return {int(r.data.tags["candidate_index"]): (dict(r.data.params), dict(r.data.metrics))
            for r in kids[parents[0].info.run_id]}


def test_same_seed_same_candidates_and_metrics_different_seed_different_candidates(ws: Workspace) -> None:
    uri_a, uri_b = (f"sqlite:///{ws.root / n}.db" for n in ("a", "b"))
    procs = [ws.start(*SEARCH, "seed=0", run="a", uri=uri_a), ws.start(*SEARCH, "seed=0", run="b", uri=uri_b),
             ws.start(*SEARCH, "seed=1", "tracking=none", run="c")]
    for name, proc in zip("abc", procs):
        assert proc.wait(timeout=300) == 0, ws.output(name)[1][-3000:]

    a, b, c = (_table(ws.run_dir(n)) for n in "abc")
    assert len(a) == len(c) == 6
    assert a == b  # same genotypes, same status, same metrics (to the CSV's 6 significant digits)
    # MLflow holds the same: genotype params and metrics, exactly
    ma, mb = _mlflow_candidates(uri_a), _mlflow_candidates(uri_b)
    assert sorted(ma) == list(range(6)) and ma == mb
    for _params, metrics in ma.values():
        assert {"accuracy", "energy_mJ", "latency_ms", "area_mm2", "power_W"} <= set(metrics)
    # the trained supernets are bit-identical
    sa = torch.load(ws.run_dir("a") / "supernet.pt", weights_only=False)["model"]
    sb = torch.load(ws.run_dir("b") / "supernet.pt", weights_only=False)["model"]
    assert sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)

    def genotypes(table: list[dict[str, str]]) -> list[tuple[str, ...]]:
        skip = {"index", "status", "error", "accuracy", "energy_mJ", "latency_ms", "area_mm2", "power_W",
                "software_accuracy", "avg_power_W", "edp"}
        return [tuple(v for k, v in row.items() if k not in skip) for row in table]

    assert genotypes(a) != genotypes(c)  # another seed, other candidates
    assert len(set(genotypes(a)) & set(genotypes(c))) < 6
