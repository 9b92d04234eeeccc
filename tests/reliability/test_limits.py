"""Issue 6, point 6 (and the property test of point 1): the simulator refuses absurd sizes with its config error, fast
and without allocating, and mutated reference INIs fed to the whole simulator raise nothing but SimConfigError.

Everything here runs under a cap on the address space (:func:`memory_cap`), so a regression fails with MemoryError
instead of exhausting the machine. The memory of a 1,000-candidate search is measured by bench/bench_memory.py.
"""

from __future__ import annotations

import dataclasses
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
import torch
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from torch import nn

from sim import PIMInterface
from sim.config import SimConfig
from sim.errors import SimConfigError
from sim.hardware import HardwareModel
from sim.ini import load_sim_config, parse_sim_config, write_sim_config
from sim.zoo import reference_layers

DATA = Path(__file__).resolve().parents[1] / "data"
CAP = 2 * 2**30  # bytes of address space a test may add


@contextmanager
def memory_cap(extra: int = CAP) -> Iterator[None]:
    """Limit this process's address space to its current size + ``extra`` (restored after)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = psutil.Process().memory_info().vms + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 6 * 6, 10))


def _reference() -> SimConfig:
    return load_sim_config(DATA / "SimConfig.ini")


def _with(cfg: SimConfig, section: str, **values: object) -> SimConfig:
    return dataclasses.replace(cfg, **{section: dataclasses.replace(getattr(cfg, section), **values)})


ABSURD = {
    "crossbar 10^6 rows": ("crossbar", {"rows": 10**6, "cols": 10**6, "subarray_rows": 10**6},
                           "[Crossbar level] Xbar_Size = 1000000,1000000: absurd size"),
    "10^9 tiles": ("architecture", {"tile_num": (10**9, 1)}, "[Architecture level] Tile_Num = 1000000000,1: absurd"),
    "10^9 tiles square": ("architecture", {"tile_num": (31623, 31623)}, "Tile_Num = 31623,31623: absurd size"),
    "10^6 PEs per tile": ("tile", {"pe_num": (1000, 1000)}, "PE_Num = 1000,1000: absurd size"),
    "2^20 device levels": ("device", {"level": 2**20}, "[Device level]"),
}


@pytest.mark.parametrize("case", list(ABSURD), ids=list(ABSURD))
def test_absurd_size_in_an_ini_is_refused_fast_without_allocating(tmp_path: Path, case: str) -> None:
    section, values, fragment = ABSURD[case]
    path = tmp_path / "SimConfig.ini"
    net = _net()
    PIMInterface(net, _reference(), (1, 8, 8)).area_evaluate()  # warm up imports and caches
    write_sim_config(_with(_reference(), section, **values), path)  # the writer does not validate
    rss0 = psutil.Process().memory_info().rss
    t0 = time.perf_counter()
    with memory_cap(), pytest.raises(SimConfigError) as err:
        pim = PIMInterface(net, path, (1, 8, 8))
        pim.area_evaluate(), pim.latency_evaluate(), pim.energy_evaluate()
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.0
    assert psutil.Process().memory_info().rss - rss0 < 50 * 2**20
    message = str(err.value)
    assert message.startswith(str(path)) and fragment in message and "accepted:" in message, message
    assert "\n" not in message


def _ini_text(cfg: SimConfig) -> str:
    from sim.ini import to_ini_text

    return to_ini_text(cfg)


@pytest.mark.parametrize("case", ["crossbar 10^6 rows", "10^9 tiles"])
def test_absurd_size_in_memory_is_refused(case: str) -> None:
    """Regression (bug A, fixed in a7852b1): PIMInterface skipped validation of an in-memory SimConfig; a 10^6-row
    crossbar was simulated and 10^9 tiles tried to allocate 6.9 EiB in sim/mapping.py."""
    section, values, fragment = ABSURD[case]
    cfg = _with(_reference(), section, **values)
    t0 = time.perf_counter()
    with memory_cap(), pytest.raises(SimConfigError, match="absurd size"):
        PIMInterface(_net(), cfg, (1, 8, 8)).area_evaluate()
    assert time.perf_counter() - t0 < 1.0


def test_long_thin_tile_grid_is_simulated_or_refused() -> None:
    """Regression (bug B, fixed in a7852b1): Tile_Num = 1000000,1 passes validate (x*y <= 1e6) but the spiral
    Tile_Connection (2, the presets' value) allocated max(x, y)^2 = 1e12 positions (7.3 TiB)."""
    cfg = parse_sim_config(_ini_text(_with(_reference(), "architecture", tile_num=(10**6, 1))), "thin.ini")
    assert cfg.architecture.tile_connection == 2
    t0 = time.perf_counter()
    with memory_cap():
        try:
            HardwareModel(reference_layers("lenet"), cfg).report()
        except SimConfigError:
            pass
    assert time.perf_counter() - t0 < 1.0


def test_buffer_wider_than_256_bits_is_simulated_or_refused() -> None:
    """Regression (bug C, fixed in a7852b1): Buffer_Bitwidth > 256 passed validate, but the buffer tables have no
    (<= 2 KB, > 256 bit) entry (sim/components/buffer.py): area, energy and power came out NaN."""
    cfg = _with(_reference(), "architecture", buffer_bitwidth_bits=512)
    text = _ini_text(cfg)
    try:
        cfg = parse_sim_config(text, "wide.ini")
        report = HardwareModel(reference_layers("lenet"), cfg).report()
    except SimConfigError:
        return
    values = (report.area_mm2, report.latency_ms, report.energy_mJ, report.power_W)
    assert all(v == v for v in values), values


@pytest.mark.parametrize("grid", [(10**6, 1), (1, 10**6), (20000, 50), (1000, 1000)])
def test_any_legal_tile_grid_maps_fast(grid: tuple[int, int]) -> None:
    """Every grid validate accepts (x*y <= 1e6) maps in bounded time and memory, in every Tile_Connection order
    (before the fix, 20000 x 50 with the spiral order needed ~22 GB)."""
    for connection in (0, 1, 2, 3):
        cfg = _with(_with(_reference(), "architecture", tile_num=grid), "architecture", tile_connection=connection)
        t0 = time.perf_counter()
        with memory_cap(2**30):
            report = HardwareModel(reference_layers("lenet"), cfg).report()
        assert report.area_mm2 > 0
        assert time.perf_counter() - t0 < 2.0, (grid, connection)


# ---- property test: mutated reference INIs through the whole simulator ---------------------------------------------

TEXTS = {name: (DATA / name).read_text(encoding="utf-8") for name in ("SimConfig.ini", "SimConfig-pim_nas.ini")}
SIZE_KEYS = ("Xbar_Size", "Subarray_Size", "PE_Num", "Group_Num", "Tile_Num", "Device_Level", "DAC_Num", "ADC_Num",
             "Pooling_shape", "Pooling_unit_num", "Buffer_Bitwidth", "Tile_Connection", "Device_Resistance",
             "ADC_Choice", "DAC_Choice", "Digital_Frequency", "Weight_Polarity", "PIM_Type", "Xbar_Polarity")
NUMBER = st.one_of(st.integers(-3, 3), st.integers(0, 300), st.integers(0, 10**10),
                   st.sampled_from([2**k for k in range(0, 34)]), st.floats(-1e12, 1e12, allow_nan=False))


@st.composite
def mutated_ini(draw: st.DrawFn) -> str:
    """A reference INI with 1-3 lines deleted, duplicated or given new (often huge, tiny or negative) values."""
    lines = draw(st.sampled_from(sorted(TEXTS.values()))).splitlines()
    for _ in range(draw(st.integers(1, 3))):
        keyed = [i for i, line in enumerate(lines) if "=" in line and not line.startswith(("#", " ", "\t"))]
        sized = [i for i in keyed if lines[i].split("=")[0].strip() in SIZE_KEYS]
        i = draw(st.sampled_from(sized if draw(st.booleans()) else keyed))
        key = lines[i].split("=")[0].strip()
        op = draw(st.sampled_from(["value", "value", "pair", "delete", "duplicate"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "pair":
            lines[i] = f"{key} = {draw(NUMBER)},{draw(NUMBER)}"
        else:
            lines[i] = f"{key} = {draw(NUMBER)}"
    return "\n".join(lines) + "\n"


LENET = reference_layers("lenet")


def _simulate(text: str) -> None:
    try:
        cfg = parse_sim_config(text, "fuzz.ini")
        for compat in (None, "mnsim"):
            report = HardwareModel(LENET, cfg, compat).report()
            values = (report.area_mm2, report.latency_ms, report.energy_mJ, report.power_W)
            assert all(v == v and v >= 0 for v in values), values  # numbers, not NaN, not negative
    except SimConfigError as err:
        assert str(err).startswith("fuzz.ini") and "\n" not in str(err)


@settings(max_examples=600, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@example(TEXTS["SimConfig.ini"].replace("Xbar_Size = 256,256", "Xbar_Size = 1000000,1000000"))
@example(TEXTS["SimConfig.ini"].replace("Tile_Num = 64,64", "Tile_Num = 1000000000,1"))
@given(mutated_ini())
def test_mutated_ini_through_the_simulator_raises_only_sim_config_error(text: str) -> None:
    t0 = time.perf_counter()
    with memory_cap():
        _simulate(text)
    assert time.perf_counter() - t0 < 5.0


# ---- the memory benchmark itself (bench/bench_memory.py) -----------------------------------------------------------

@pytest.mark.slow
def test_memory_benchmark_measures_a_tiny_search() -> None:
    import bench
    from bench import bench_memory

    bench.discover()
    assert {"memory.search.100", "memory.search.1000"} <= set(bench.registry())
    tiny = ["dataset=synthetic", "search_space=small", "train=fast", "search.population_size=2",
            "evaluation.act_calib_size=64", "evaluation.bn_calib_batches=2"]
    result = bench_memory.measure(6, tracking="none", extra=tiny, timeout_s=180)
    assert result["scored"] == 6
    assert 100 < result["peak_rss_MB"] < 4096
    assert result["polled_peak_rss_MB"] <= result["peak_rss_MB"] * 1.05
    assert len(result["rss_by_decile_MB"]) == 10
