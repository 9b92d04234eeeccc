"""Parity with the real MNSIM 2.0 (tests/data/mnsim-results.csv): every row, compat="mnsim", within 1 %."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from sim.config import SimConfig
from sim.hardware import evaluate_hardware
from sim.ini import load_sim_config
from sim.report import HardwareReport
from sim.zoo import reference_layers

DATA = Path(__file__).resolve().parents[1] / "data"
ROWS = list(csv.DictReader(open(DATA / "mnsim-results.csv", newline="")))
TOL = 0.01
COMPONENTS = [("xbar", "xbar"), ("DAC", "DAC"), ("ADC", "ADC"), ("buffer", "buf"), ("pooling", "pool"),
              ("digital", "digital")]


def config_for(row: dict[str, str]) -> SimConfig:
    """tests/data/SimConfig.ini with the row's listed keys changed."""
    c = load_sim_config(DATA / "SimConfig.ini")
    rows, cols = (int(x) for x in row["Xbar_Size"].split(","))
    return dataclasses.replace(
        c,
        crossbar=dataclasses.replace(c.crossbar, rows=rows, cols=cols, subarray_rows=int(row["Subarray_Size"])),
        pe=dataclasses.replace(c.pe, dac_num=int(row["DAC_Num"]), adc_num=int(row["ADC_Num"]),
                               polarity=int(row["Xbar_Polarity"]), sub_position=int(row["Sub_Position"])),
        interface=dataclasses.replace(c.interface, adc_choice=int(row["ADC_Choice"]),
                                      dac_choice=int(row["DAC_Choice"])),
        device=dataclasses.replace(c.device, level=int(row["Device_Level"]),
                                   resistance_ohm=tuple(float(x) for x in row["Device_Resistance"].split(","))),
        architecture=dataclasses.replace(c.architecture,
                                         tile_num=tuple(int(x) for x in row["Tile_Num"].split(","))),  # type: ignore[arg-type]
    )


_CACHE: dict[str, HardwareReport] = {}


def report_for(row: dict[str, str]) -> HardwareReport:
    if row["run_id"] not in _CACHE:
        _CACHE[row["run_id"]] = evaluate_hardware(reference_layers(row["network"]), config_for(row), "mnsim",
                                                  disable_inner_pipeline=row["inner_pipeline"] == "0")
    return _CACHE[row["run_id"]]


def rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b) if b else abs(a)


@pytest.mark.parametrize("row", ROWS, ids=[r["run_id"] for r in ROWS])
def test_totals_within_1pct(row: dict[str, str]) -> None:
    rep = report_for(row)
    assert rel(rep.area_mm2, float(row["area_mm2"])) < TOL
    assert rel(rep.power_W, float(row["power_W"])) < TOL
    assert rel(rep.latency_ms * 1e6, float(row["latency_ns"])) < TOL
    assert rel(rep.energy_mJ * 1e6, float(row["energy_nJ"])) < TOL


@pytest.mark.parametrize("row", ROWS, ids=[r["run_id"] for r in ROWS])
def test_components_within_1pct(row: dict[str, str]) -> None:
    rep = report_for(row)
    for ours, theirs in COMPONENTS:
        for table, col in ((rep.area_um2, f"area_{theirs}_um2"), (rep.power_W_parts, f"power_{theirs}_W"),
                           (rep.energy_nJ, f"energy_{theirs}_nJ")):
            if row.get(col):
                assert rel(table[ours], float(row[col])) < TOL, col


@pytest.mark.parametrize("row", ROWS, ids=[r["run_id"] for r in ROWS])
def test_layers_within_1pct(row: dict[str, str]) -> None:
    rep = report_for(row)
    kinds = row["layer_types"].split(";")
    assert [la.kind for la in rep.layers] == kinds
    for col, attr, scale in (("layer_area_um2", "area_mm2", 1e6), ("layer_power_W", "power_W", 1.0),
                             ("layer_latency_ns", "latency_ms", 1e6), ("layer_energy_nJ", "energy_mJ", 1e6)):
        ref = [float(x) for x in row[col].split(";")]
        ours = [getattr(la, attr) * scale for la in rep.layers]
        assert len(ours) == len(ref)
        for i, (a, b) in enumerate(zip(ours, ref)):
            assert rel(a, b) < TOL, f"{col}[{i}]: {a} vs {b}"


def test_crossbar_count_matches_mnsim_xbar_num() -> None:
    """MNSIM's ``xbar_num`` column counts PEs of conv/fc layers (one crossbar group per PE with Group_Num 1)."""
    for row in ROWS:
        rep = report_for(row)
        pes = sum(la.pes for la in rep.layers if la.kind in ("conv", "fc"))
        assert pes == int(float(row["xbar_num"]))
