"""Benchmark harness: named benchmarks, repeated, reported as medians and ratios.

A benchmark module in this package calls :func:`register` at import time; ``python -m bench`` imports every
``bench/bench_*.py`` module, runs the selected benchmarks and prints one table. Each benchmark times one callable
(made by its ``setup``), ``repeat`` times after ``warmup`` untimed calls, and reports the median. When a benchmark
carries a baseline (for example MNSIM 2.0's measured time for the same work), the table prints
``speedup = baseline_s / median_s``; when it carries a target speedup, it prints whether the target is met.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["Benchmark", "BenchResult", "register", "registry", "run_benchmarks", "format_table", "discover"]


@dataclass(frozen=True)
class Benchmark:
    """One named benchmark.

    Attributes:
        name: unique name, e.g. ``sim.vgg8.hardware``.
        setup: called once; returns the callable that is timed.
        items: work items per call (e.g. images in a batch), for a throughput column ``items / median_s``.
        baseline_s: reference time per call in seconds (e.g. MNSIM 2.0 on this machine), or None.
        baseline_label: where the baseline comes from.
        target_speedup: the speedup over the baseline the benchmark must reach, or None.
        repeat: timed calls; warmup: untimed calls first.
    """

    name: str
    setup: Callable[[], Callable[[], object]]
    items: int = 1
    baseline_s: float | None = None
    baseline_label: str = ""
    target_speedup: float | None = None
    repeat: int = 5
    warmup: int = 1
    extra: Callable[[], dict[str, float]] | None = None


@dataclass
class BenchResult:
    name: str
    median_s: float
    min_s: float
    times_s: list[float]
    items: int
    items_per_s: float
    baseline_s: float | None
    baseline_label: str
    speedup: float | None
    target_speedup: float | None
    meets_target: bool | None
    extra: dict[str, float] = field(default_factory=dict)


_REGISTRY: dict[str, Benchmark] = {}


def register(bench: Benchmark) -> Benchmark:
    """Add a benchmark to the registry (names must be unique)."""
    if bench.name in _REGISTRY:
        raise ValueError(f"benchmark {bench.name!r} is registered twice")
    _REGISTRY[bench.name] = bench
    return bench


def registry() -> dict[str, Benchmark]:
    return dict(_REGISTRY)


def discover() -> None:
    """Import every ``bench/bench_*.py`` module so that it registers its benchmarks."""
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("bench_"):
            importlib.import_module(f"{__name__}.{info.name}")


def run_one(bench: Benchmark, repeat: int | None = None) -> BenchResult:
    fn = bench.setup()
    for _ in range(bench.warmup):
        fn()
    times = []
    for _ in range(repeat or bench.repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    speedup = bench.baseline_s / med if bench.baseline_s else None
    meets = None if speedup is None or bench.target_speedup is None else speedup >= bench.target_speedup
    return BenchResult(
        name=bench.name, median_s=med, min_s=min(times), times_s=times, items=bench.items,
        items_per_s=bench.items / med, baseline_s=bench.baseline_s, baseline_label=bench.baseline_label,
        speedup=speedup, target_speedup=bench.target_speedup, meets_target=meets,
        extra=bench.extra() if bench.extra else {},
    )


def run_benchmarks(names: Iterable[str] | None = None, repeat: int | None = None,
                   out_dir: Path | None = None, progress: Callable[[str], None] | None = None) -> list[BenchResult]:
    """Run the named benchmarks (all when ``names`` is empty), write JSON to ``out_dir``, return results."""
    reg = registry()
    selected = list(names or reg)
    unknown = [n for n in selected if n not in reg and not any(k.startswith(n) for k in reg)]
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; known: {sorted(reg)}")
    chosen = [b for k, b in reg.items() if any(k == n or k.startswith(n) for n in selected)]
    results = []
    for b in chosen:
        if progress:
            progress(b.name)
        results.append(run_one(b, repeat))
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = out_dir / f"bench-{stamp}.json"
        path.write_text(json.dumps([asdict(r) for r in results], indent=2))
    return results


def format_table(results: list[BenchResult]) -> str:
    """A plain-text table: median, min, throughput, baseline, speedup and target."""
    head = f"{'benchmark':<34} {'median':>11} {'min':>11} {'items/s':>11} {'baseline':>11} {'speedup':>9} {'target':>8}"
    lines = [head, "-" * len(head)]
    for r in results:
        base = f"{r.baseline_s:.4g} s" if r.baseline_s else "-"
        sp = f"{r.speedup:.1f}x" if r.speedup else "-"
        tgt = "-" if r.target_speedup is None else (f"{r.target_speedup:g}x " + ("ok" if r.meets_target else "MISS"))
        lines.append(f"{r.name:<34} {_fmt_s(r.median_s):>11} {_fmt_s(r.min_s):>11} {r.items_per_s:>11.4g} "
                     f"{base:>11} {sp:>9} {tgt:>8}")
        for k, v in r.extra.items():
            lines.append(f"    {k}: {v:.4g}")
    return "\n".join(lines)


def _fmt_s(s: float) -> str:
    if s < 1e-3:
        return f"{s * 1e6:.1f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.3f} s"
