"""HardwareReport: totals, per-layer figures and per-component breakdowns of one evaluation, and its text form."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class LayerReport:
    """One layer's share. Units: mm^2, W, mJ, ms."""

    index: int
    name: str
    kind: str
    pes: int
    tiles: int
    crossbars: int
    area_mm2: float
    power_W: float
    energy_mJ: float
    latency_ms: float  # finish time of this layer minus that of the layer before it (MNSIM's per-layer figure)
    begin_ms: float
    end_ms: float


@dataclass(frozen=True)
class HardwareReport:
    """Result of one hardware evaluation.

    Totals: ``area_mm2``, ``latency_ms`` (pipelined unless ``inner_pipeline`` is False), ``energy_mJ``,
    ``power_W`` (MNSIM's definition: every allocated tile on at once) and ``avg_power_W = energy / latency``.
    Breakdowns: ``area_um2`` / ``power_W_parts`` / ``energy_nJ`` by component (crossbar ``xbar``, ``ADC``, ``DAC``,
    ``buffer``, ``pooling``, ``digital``) in MNSIM's units, and ``latency_ns`` (sums of each latency term over pixels).
    """

    compat: str | None
    inner_pipeline: bool
    area_mm2: float
    latency_ms: float
    energy_mJ: float
    power_W: float
    avg_power_W: float
    tiles: int
    crossbars: int
    layers: tuple[LayerReport, ...]
    area_um2: dict[str, float] = field(default_factory=dict)
    power_W_parts: dict[str, float] = field(default_factory=dict)
    energy_nJ: dict[str, float] = field(default_factory=dict)
    latency_ns: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (floats, ints, strings, lists, dicts)."""
        d = asdict(self)
        d["layers"] = [asdict(la) for la in self.layers]
        return d

    def format_text(self) -> str:
        """Readable report: totals, a per-layer table and the component shares."""
        mode = "mnsim-compat" if self.compat == "mnsim" else "default"
        pipe = "on" if self.inner_pipeline else "off"
        lines = [
            f"PIM hardware report ({mode} mode, inner pipeline {pipe})",
            f"  area        {self.area_mm2:12.4f} mm^2   ({self.tiles} tiles, {self.crossbars} crossbars)",
            f"  latency     {self.latency_ms:12.6f} ms",
            f"  energy      {self.energy_mJ:12.6f} mJ",
            f"  power       {self.power_W:12.4f} W (all tiles on)",
            f"  avg power   {self.avg_power_W:12.4f} W (energy / latency)",
            "",
            f"  {'#':>3} {'layer':<16} {'kind':<11} {'tiles':>6} {'xbars':>7} {'area mm2':>10} {'power W':>9} "
            f"{'energy mJ':>10} {'latency ms':>11}",
        ]
        for la in self.layers:
            lines.append(f"  {la.index:>3} {la.name[:16]:<16} {la.kind:<11} {la.tiles:>6} {la.crossbars:>7} "
                         f"{la.area_mm2:>10.4f} {la.power_W:>9.4f} {la.energy_mJ:>10.6f} {la.latency_ms:>11.6f}")
        for title, parts in (("area", self.area_um2), ("power", self.power_W_parts), ("energy", self.energy_nJ)):
            total = sum(parts.values()) or 1.0
            shares = ", ".join(f"{k} {100 * v / total:.1f}%" for k, v in parts.items())
            lines.append(f"  {title} shares: {shares}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format_text()
