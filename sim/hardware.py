"""One hardware evaluation: mapping once, then area, latency (pipeline on/off), power and energy.

``evaluate_hardware(layers, cfg, compat=None)`` returns a :class:`~sim.report.HardwareReport`. ``compat="mnsim"``
reproduces MNSIM 2.0's figures (including its defects); the default mode fixes the defects listed in
``docs/compat.md``. :class:`HardwareModel` keeps the mapping and the per-mode schedules for repeated queries.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.area import AreaResult, layer_area
from sim.config import SimConfig, validate
from sim.energy import EnergyResult, layer_energy
from sim.latency import LatencyResult, schedule
from sim.layers import LayerSpec
from sim.mapping import NetworkMapping, map_network
from sim.power import PowerResult, layer_power
from sim.report import HardwareReport, LayerReport
from sim.slicing import Slicing, check_compat

DIGITAL_POWER_PARTS = ("adder", "shiftreg", "ireg", "oreg", "demux", "mux", "joint")


class HardwareModel:
    """Mapping of a network on a config, with lazily computed and cached metrics."""

    def __init__(self, layers: Sequence[LayerSpec], cfg: SimConfig, compat: str | None = None,
                 slicing: Slicing | None = None, fixes: frozenset[str] | None = None) -> None:
        self.compat = check_compat(compat)
        validate(cfg)  # a SimConfig built in memory has not been through the INI reader's checks
        self.cfg = cfg
        self.mapping: NetworkMapping = map_network(layers, cfg, slicing, compat, fixes)
        self._area: AreaResult | None = None
        self._power: PowerResult | None = None
        self._latency: dict[bool, LatencyResult] = {}
        self._reports: dict[bool, HardwareReport] = {}

    @property
    def area(self) -> AreaResult:
        if self._area is None:
            self._area = layer_area(self.mapping)
        return self._area

    @property
    def power(self) -> PowerResult:
        if self._power is None:
            self._power = layer_power(self.mapping)
        return self._power

    def latency(self, pipelined: bool = True) -> LatencyResult:
        if pipelined not in self._latency:
            self._latency[pipelined] = schedule(self.mapping, pipelined)
        return self._latency[pipelined]

    def energy(self, pipelined: bool = True) -> EnergyResult:
        return layer_energy(self.mapping, self.power, self.latency(pipelined))

    def report(self, disable_inner_pipeline: bool = False) -> HardwareReport:
        """Full report for one pipeline mode (cached)."""
        pipelined = not disable_inner_pipeline
        if pipelined not in self._reports:
            self._reports[pipelined] = self._build(pipelined)
        return self._reports[pipelined]

    def _build(self, pipelined: bool) -> HardwareReport:
        m = self.mapping
        area, power, lat = self.area, self.power, self.latency(pipelined)
        energy = layer_energy(m, power, lat)
        in_total = "global_accumulator" in m.fixes
        layer_area_um2 = area.layer_total()
        layer_power_W = power.layer_total()
        layer_energy_nJ = energy.layer_total()
        total_area = area.total_um2
        total_power = float(layer_power_W.sum())
        total_energy = float(layer_energy_nJ.sum())
        latency_ns = lat.total_ns
        prev = np.concatenate([[0.0], lat.layer_end_ns[:-1]])
        names = {0: "conv", 1: "fc", 2: "pooling", 3: "element_sum"}
        layers = tuple(
            LayerReport(index=i, name=m.layers[i].name, kind=names[int(m.kind[i])], pes=int(m.pe_num[i]),
                        tiles=int(m.tile_num[i]), crossbars=int(m.crossbars_used[i]),
                        area_mm2=float(layer_area_um2[i]) / 1e6, power_W=float(layer_power_W[i]),
                        energy_mJ=float(layer_energy_nJ[i]) / 1e6,
                        latency_ms=float(lat.layer_end_ns[i] - prev[i]) / 1e6,
                        begin_ms=float(lat.layer_begin_ns[i]) / 1e6, end_ms=float(lat.layer_end_ns[i]) / 1e6)
            for i in range(m.n_layers))
        pp, ep = power.parts, energy.parts
        g_buf_power = 0.0 if in_total else power.global_buf_r_W + power.global_buf_w_W
        g_add_power = 0.0 if in_total else power.global_adder_W
        area_parts = {
            "xbar": float(area.parts["xbar"].sum()), "DAC": float(area.parts["dac"].sum()),
            "ADC": float(area.parts["adc"].sum()),
            "buffer": float(area.parts["buffer"].sum()) + area.global_buf_um2,
            "pooling": float(area.parts["pooling"].sum()),
            "digital": float(area.parts["digital"].sum()) + area.global_adder_um2,
        }
        power_parts = {
            "xbar": float(pp["xbar"].sum()), "DAC": float(pp["dac"].sum()), "ADC": float(pp["adc"].sum()),
            "buffer": float((pp["buf_r"] + pp["buf_w"]).sum()) + g_buf_power,
            "pooling": float(pp["pooling"].sum()),
            "digital": float(sum(pp[k].sum() for k in DIGITAL_POWER_PARTS)) + g_add_power,
        }
        energy_parts = {
            "xbar": float(ep["xbar"].sum()), "DAC": float(ep["dac"].sum()), "ADC": float(ep["adc"].sum()),
            "buffer": float((ep["buf_r"] + ep["buf_w"]).sum()) + energy.global_buf_nJ,
            "pooling": float(ep["pooling"].sum()),
            "digital": float(sum(ep[k].sum() for k in DIGITAL_POWER_PARTS)) + energy.global_adder_nJ,
        }
        latency_parts = {k: float(v.sum()) for k, v in lat.component_sums_ns.items()}
        return HardwareReport(
            compat=self.compat, inner_pipeline=pipelined, area_mm2=total_area / 1e6, latency_ms=latency_ns / 1e6,
            energy_mJ=total_energy / 1e6, power_W=total_power,
            avg_power_W=(total_energy / latency_ns) if latency_ns > 0 else 0.0,
            tiles=m.used_tiles, crossbars=int(m.crossbars_used.sum()), layers=layers,
            area_um2=area_parts, power_W_parts=power_parts, energy_nJ=energy_parts, latency_ns=latency_parts,
        )


def evaluate_hardware(layers: Sequence[LayerSpec], cfg: SimConfig, compat: str | None = None, *,
                      disable_inner_pipeline: bool = False, slicing: Slicing | None = None) -> HardwareReport:
    """Map ``layers`` on ``cfg`` and evaluate area, latency, energy and power (one mapping for all metrics)."""
    return HardwareModel(layers, cfg, compat, slicing).report(disable_inner_pipeline)
