"""Simulator benchmarks: one candidate evaluation (mapping + area, latency, energy, power) from a LayerSpec list and
a SimConfig, in-process, one thread, nothing cached between calls.

Baseline: MNSIM 2.0's own timers for the same work on vgg8 with its default SimConfig.ini (``mapping_time_s +
hw_model_time_s`` of the ``vgg8__default`` row of tests/data/mnsim-results.csv, about 1.0 s). Target: 100x (10 ms).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from bench import Benchmark, register

_DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def _mnsim_baseline_s(run_id: str = "vgg8__default") -> float:
    with open(_DATA / "mnsim-results.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["run_id"] == run_id:
                return float(row["mapping_time_s"]) + float(row["hw_model_time_s"])
    raise KeyError(run_id)


def _setup(network: str, compat: str | None) -> Callable[[], Callable[[], object]]:
    def setup() -> Callable[[], object]:
        from sim.hardware import HardwareModel
        from sim.ini import load_sim_config
        from sim.zoo import reference_layers

        cfg = load_sim_config(_DATA / "SimConfig.ini")
        layers = reference_layers(network)

        def evaluate() -> object:
            model = HardwareModel(layers, cfg, compat)  # fresh mapping every call: no caching between calls
            rep = model.report()
            return (rep.area_mm2, rep.latency_ms, rep.energy_mJ, rep.power_W)

        return evaluate

    return setup


_BASE = _mnsim_baseline_s()
for _net in ("vgg8", "resnet18"):
    for _compat in (None, "mnsim"):
        register(Benchmark(
            name=f"sim.{_net}.hardware" + ("" if _compat is None else ".mnsim"),
            setup=_setup(_net, _compat),
            # MNSIM 2.0 was measured on vgg8 only (mnsim-results.csv has no resnet18 row): no ratio for resnet18.
            baseline_s=_BASE if _net == "vgg8" else None,
            baseline_label="MNSIM 2.0 mapping + hardware models, vgg8 default (mnsim-results.csv)" if _net == "vgg8"
            else "no MNSIM measurement",
            target_speedup=100.0 if _net == "vgg8" else None, repeat=20, warmup=2,
        ))


# ---- default-mode fixes, one at a time (the table in docs/compat.md) ------------------------------------------------

FIX_ROWS: tuple[tuple[str, str, str], ...] = (
    ("input_cycles", "input bit-serial cycles ceil((B-1)/d) (sign handled by polarity), as the accuracy model", ""),
    ("cell_bits", "multi-level cells: floor(log2 Device_Level) bits per cell in the mapping", "Device_Level=4"),
    ("dac8_power", "8-bit DAC power 4.992e-4 W, not 0.4992 W", "DAC_Choice=6"),
    ("pool_double_read", "pooling output buffer read once per pixel, not twice", ""),
    ("active_converters", "power/energy count the ADCs/DACs the latency model uses each cycle", ""),
    ("global_accumulator", "element-sum buffer and adders counted in the totals", "resnet18"),
    ("adder_energy", "group adder energy counted", "Group_Num=8"),
)


def _variant(cfg: object, which: str) -> object:
    import dataclasses

    from sim.config import SimConfig

    assert isinstance(cfg, SimConfig)
    if which == "Device_Level=4":
        dev = dataclasses.replace(cfg.device, level=4, resistance_ohm=(1e6, 2.9412e4, 1.4925e4, 1e4))
        return dataclasses.replace(cfg, device=dev)
    if which == "DAC_Choice=6":
        return dataclasses.replace(cfg, interface=dataclasses.replace(cfg.interface, dac_choice=6))
    if which == "Group_Num=8":
        return dataclasses.replace(cfg, pe=dataclasses.replace(cfg.pe, group_num=8))
    return cfg


def fix_effects() -> list[dict[str, object]]:
    """Relative change (%) of each total when one fix is applied to MNSIM's model (vgg8, default SimConfig.ini)."""
    import dataclasses

    from sim.config import SimConfig
    from sim.hardware import HardwareModel
    from sim.ini import load_sim_config
    from sim.mapping import FIXES
    from sim.slicing import slicing_for
    from sim.zoo import reference_layers

    base_cfg = load_sim_config(_DATA / "SimConfig.ini")
    rows: list[dict[str, object]] = []

    def totals(layers: list[object], cfg: SimConfig, fix: str | None) -> tuple[float, ...]:
        s_m = slicing_for(cfg, 9, 9, "mnsim")
        s_d = slicing_for(cfg, 9, 9, None)
        if fix is None:
            model = HardwareModel(layers, cfg, "mnsim")  # type: ignore[arg-type]
        elif fix == "all":
            model = HardwareModel(layers, cfg, None)  # type: ignore[arg-type]
        else:
            sl = s_m
            if fix == "input_cycles":
                sl = dataclasses.replace(s_m, input_cycles=s_d.input_cycles)
            elif fix == "cell_bits":
                sl = dataclasses.replace(s_m, mapping_cell_bits=s_d.mapping_cell_bits,
                                         mapping_weight_slices=s_d.mapping_weight_slices)
            compat = None if fix == "dac8_power" else "mnsim"
            fixes = frozenset({fix}) & FIXES
            model = HardwareModel(layers, cfg, compat, sl, fixes)  # type: ignore[arg-type]
        r = model.report()
        return (r.area_mm2, r.latency_ms, r.energy_mJ, r.power_W)

    def delta(layers: list[object], cfg: SimConfig, fix: str) -> list[float]:
        ref = totals(layers, cfg, None)
        new = totals(layers, cfg, fix)
        return [100.0 * (b - a) / a for a, b in zip(ref, new)]

    vgg8 = reference_layers("vgg8")
    for fix, text, other in (*FIX_ROWS, ("all", "all of the above (default mode)", "")):
        row: dict[str, object] = {"fix": fix, "text": text, "vgg8": delta(vgg8, base_cfg, fix)}  # type: ignore[arg-type]
        if other:
            layers = reference_layers("resnet18") if other == "resnet18" else vgg8
            cfg = _variant(base_cfg, other)
            assert isinstance(cfg, SimConfig)
            row["other"] = (other if other != "resnet18" else "resnet18", delta(layers, cfg, fix))  # type: ignore[arg-type]
        rows.append(row)
    return rows


def _pct(x: float) -> str:
    return f"{x:+.2f}%" if abs(x) >= 0.01 or x == 0 else f"{x:+.1e}%"


def fix_table_markdown() -> str:
    """docs/compat.md's table of measured effects."""
    head = ("| fix | what changes | vgg8 default: area / latency / energy / power | where it shows otherwise |\n"
            "|---|---|---|---|")
    lines = [head]
    for row in fix_effects():
        v = row["vgg8"]
        assert isinstance(v, list)
        cell = " / ".join(_pct(x) for x in v)
        other = "-"
        if "other" in row:
            name, d = row["other"]  # type: ignore[misc]
            other = f"{name}: " + " / ".join(_pct(x) for x in d)
        lines.append(f"| `{row['fix']}` | {row['text']} | {cell} | {other} |")
    return "\n".join(lines)


def totals_table_markdown() -> str:
    """docs/compat.md's table of absolute totals, MNSIM mode vs default mode (default SimConfig.ini)."""
    from sim.hardware import HardwareModel
    from sim.ini import load_sim_config
    from sim.zoo import reference_layers

    cfg = load_sim_config(_DATA / "SimConfig.ini")
    lines = ["| network | mode | area mm^2 | latency ms (pipe / no pipe) | energy mJ | power W | avg power W |",
             "|---|---|---|---|---|---|---|"]
    for net in ("vgg8", "resnet18"):
        for compat in ("mnsim", None):
            model = HardwareModel(reference_layers(net), cfg, compat)
            r, rn = model.report(), model.report(disable_inner_pipeline=True)
            lines.append(f"| {net} | {compat or 'default'} | {r.area_mm2:.2f} | {r.latency_ms:.4f} / "
                         f"{rn.latency_ms:.4f} | {r.energy_mJ:.4f} | {r.power_W:.2f} | {r.avg_power_W:.4f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(fix_table_markdown())
    print()
    print(totals_table_markdown())
