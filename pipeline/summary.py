"""End-of-run outputs: the candidates table, the Pareto front (CSV and PNG) and the printed summary."""

from __future__ import annotations

import csv
import statistics
from collections.abc import Sequence
from pathlib import Path

from pipeline.evaluation import METRICS, CandidateResult
from pipeline.search.pareto import pareto_front

__all__ = ["PARETO_OBJECTIVES", "front_of", "write_candidates_csv", "plot_pareto", "format_summary"]

PARETO_OBJECTIVES = (("accuracy", "max"), ("energy_mJ", "min"), ("latency_ms", "min"))
"""The summary's front: hardware accuracy against energy and latency."""


def front_of(results: Sequence[CandidateResult]) -> list[CandidateResult]:
    """The successful candidates on the accuracy / energy / latency Pareto front, most accurate first."""
    ok = [r for r in results if r.status == "ok"]
    idx = pareto_front([r.metrics for r in ok], PARETO_OBJECTIVES)
    return sorted((ok[i] for i in idx), key=lambda r: (-r.metrics["accuracy"], r.metrics["energy_mJ"], r.index))


def write_candidates_csv(results: Sequence[CandidateResult], path: Path) -> None:
    """One row per candidate: index, status, every metric, every decision, the failure reason."""
    names = list(results[0].arch.to_dict()) if results else []
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["index", "status", *METRICS, *names, "seconds", "error"])
        for r in results:
            d = r.arch.to_dict()
            w.writerow([r.index, r.status, *(_num(r.metrics.get(m)) for m in METRICS),
                        *(d.get(n, "") for n in names), f"{r.seconds:.4f}", r.error or ""])


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:.6g}"


def plot_pareto(results: Sequence[CandidateResult], front: Sequence[CandidateResult], path: Path) -> None:
    """Accuracy vs energy and accuracy vs latency: every candidate in grey, the Pareto front in colour."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import NullFormatter

    ok = [r for r in results if r.status == "ok"]
    fig = Figure(figsize=(10, 4.2), dpi=110)
    FigureCanvasAgg(fig)
    for ax, metric, label in zip(fig.subplots(1, 2), ("energy_mJ", "latency_ms"), ("energy (mJ)", "latency (ms)")):
        ax.scatter([r.metrics[metric] for r in ok], [r.metrics["accuracy"] for r in ok], s=14, c="0.65",
                   label="candidates")
        pts = sorted((r.metrics[metric], r.metrics["accuracy"]) for r in front)
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=26, c="tab:red", label="Pareto front", zorder=3)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())  # minor log labels collide on narrow ranges
        ax.set_xlabel(label)
        ax.set_ylabel("hardware accuracy (validation)")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
    fig.suptitle("pim-nas candidates: accuracy vs energy and latency")
    fig.tight_layout()
    fig.savefig(path)


def _row(r: CandidateResult) -> str:
    m = r.metrics
    hw = r.arch.hardware()
    return (f"  #{r.index:<4d} acc {m['accuracy']:.3f} (sw {m['software_accuracy']:.3f})  "
            f"energy {m['energy_mJ']:.4g} mJ  latency {m['latency_ms']:.4g} ms  area {m['area_mm2']:.4g} mm^2  "
            f"power {m['power_W']:.4g} W  | xbar {hw.get('xbar_size')} dac {hw.get('dac_choice')} "
            f"adc {hw.get('adc_choice')} cell_bit {hw.get('cell_bit')}")


def format_summary(results: Sequence[CandidateResult], front: Sequence[CandidateResult], *, top_k: int,
                   run_dir: Path, where: str | None, ui: str | None, timings: dict[str, float]) -> str:
    """The text printed at the end of a run."""
    ok = [r for r in results if r.status == "ok"]
    failed = [r for r in results if r.status != "ok"]
    lines = ["", "=" * 100, f"pim-nas: {len(results)} candidates scored, {len(ok)} ok, {len(failed)} failed"]
    if ok:
        accs = sorted(r.metrics["accuracy"] for r in ok)
        lines.append(f"hardware accuracy on the validation split: min {accs[0]:.3f}  median "
                     f"{statistics.median(accs):.3f}  max {accs[-1]:.3f}")
        lines.append(f"best {min(top_k, len(ok))} by accuracy:")
        lines += [_row(r) for r in sorted(ok, key=lambda r: (-r.metrics["accuracy"], r.index))[:top_k]]
        lines.append(f"Pareto front (max accuracy, min energy, min latency): {len(front)} candidates")
        lines += [_row(r) for r in front]
    for r in failed[:5]:
        lines.append(f"  failed #{r.index}: {r.error}")
    if len(failed) > 5:
        lines.append(f"  ... and {len(failed) - 5} more failures (see candidates.csv)")
    if timings:
        lines.append("timing: " + ", ".join(f"{k} {v:.3g}" for k, v in timings.items()))
    lines.append(f"run directory: {run_dir}  (candidates.csv, pareto.csv, pareto.png, candidate-*/SimConfig.ini)")
    if where:
        lines.append(f"MLflow: {where}")
    if ui:
        lines.append(f"open the UI: {ui}")
    lines.append("=" * 100)
    return "\n".join(lines)
