"""Base hardware (``conf/hardware/*.yaml``) + a candidate's hardware decisions -> the candidate's ``SimConfig.ini``.

The YAML mirrors :class:`sim.config.SimConfig`: one mapping per section (``device``, ``crossbar``, ``interface``, ``pe``,
``digital``, ``tile``, ``architecture``, ``algorithm``) with the dataclass field names (units in the names). The INI
spellings stay inside ``sim`` (``sim.write_sim_config``); this module never writes a key name itself.

The candidate rule (issue 5, step 4), for a crossbar size ``x`` and cell bits ``b``:

- ``Xbar_Size = x,x`` and ``Subarray_Size = x`` (one subarray per crossbar: MNSIM requires ``rows % Subarray_Size
  == 0``, so a base ``Subarray_Size`` of 256 would break a 64-row candidate);
- ``DAC_Num = x // 4`` and ``ADC_Num = x // 32`` (``x`` must divide by both, else :class:`sim.SimConfigError`);
- ``DAC_Choice`` and ``ADC_Choice`` from the decisions;
- ``Device_Level = 2 ** b``; ``Device_Resistance``: ``Device_Level`` values from the base HRS (first value) to the
  base LRS (last value), evenly spaced in conductance (``G_i = G_HRS + i (G_LRS - G_HRS) / (L - 1)``, ``R_i = 1 / G_i``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.config import (
    AlgorithmConfig,
    ArchitectureConfig,
    CrossbarConfig,
    DeviceConfig,
    DigitalConfig,
    InterfaceConfig,
    PEConfig,
    SimConfig,
    TileConfig,
)
from sim.errors import SimConfigError
from sim.ini import load_sim_config, write_sim_config

__all__ = ["SECTIONS", "build_sim_config", "sim_config_to_dict", "apply_decisions", "conductance_levels",
           "write_candidate_ini", "check_xbar_size"]

SECTIONS: dict[str, type] = {
    "device": DeviceConfig, "crossbar": CrossbarConfig, "interface": InterfaceConfig, "pe": PEConfig,
    "digital": DigitalConfig, "tile": TileConfig, "architecture": ArchitectureConfig, "algorithm": AlgorithmConfig,
}
"""YAML section -> the sim dataclass it fills."""

_DAC_GROUP, _ADC_GROUP = 4, 32  # rows per DAC, rows per ADC


def _plain(value: Any) -> Any:
    """YAML lists -> tuples (the dataclasses hold tuples)."""
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    return value


def build_sim_config(name: str = "hardware", source: str | None = None, **sections: Mapping[str, Any]) -> SimConfig:
    """A :class:`SimConfig` from the per-section mappings of a hardware preset (keys not given keep sim's defaults).

    Raises:
        SimConfigError: an unknown section or key (the message lists what is accepted).
    """
    where = source or f"hardware={name}"
    built: dict[str, Any] = {}
    for section, values in sections.items():
        if section not in SECTIONS:
            raise SimConfigError(where, section, None, None, "unknown section", ", ".join(SECTIONS))
        cls = SECTIONS[section]
        fields = {f.name for f in dataclasses.fields(cls)}
        for key, value in (values or {}).items():
            if key not in fields:
                raise SimConfigError(where, section, str(key), value, "unknown key", ", ".join(sorted(fields)))
        built[section] = cls(**{k: _plain(v) for k, v in (values or {}).items()})
    return SimConfig(**built, source=where)


def sim_config_to_dict(cfg: SimConfig) -> dict[str, dict[str, Any]]:
    """The inverse of :func:`build_sim_config`: section -> field -> value (tuples as lists)."""
    out: dict[str, dict[str, Any]] = {}
    for section in SECTIONS:
        part = getattr(cfg, section)
        out[section] = {f.name: (list(v) if isinstance(v := getattr(part, f.name), tuple) else v)
                        for f in dataclasses.fields(part)}
    return out


def check_xbar_size(x: int, where: str = "search_space.hardware.xbar_size") -> None:
    """Reject crossbar sizes the DAC/ADC grouping cannot split (``x % 4`` or ``x % 32`` not 0, or ``x < 32``)."""
    if isinstance(x, bool) or not isinstance(x, int) or x < _ADC_GROUP or x % _DAC_GROUP or x % _ADC_GROUP:
        raise SimConfigError(where, "Crossbar level", "Xbar_Size", x,
                             f"crossbar size must divide by {_DAC_GROUP} (DAC_Num = x // {_DAC_GROUP}) and by "
                             f"{_ADC_GROUP} (ADC_Num = x // {_ADC_GROUP})",
                             f"a positive multiple of {_ADC_GROUP}, e.g. 64, 128, 256")


def conductance_levels(hrs_ohm: float, lrs_ohm: float, levels: int) -> tuple[float, ...]:
    """``levels`` resistances from ``hrs_ohm`` to ``lrs_ohm``, evenly spaced in conductance (ohm)."""
    if levels < 2:
        return (float(hrs_ohm),)
    g_hrs, g_lrs = 1.0 / hrs_ohm, 1.0 / lrs_ohm
    return tuple(1.0 / (g_hrs + i * (g_lrs - g_hrs) / (levels - 1)) for i in range(levels))


def apply_decisions(base: SimConfig, decisions: Mapping[str, Any], source: str = "<candidate>") -> SimConfig:
    """``base`` with the candidate's hardware decisions applied by the rule in the module docstring.

    ``decisions`` may hold any subset of ``xbar_size``, ``dac_choice``, ``adc_choice``, ``cell_bit``; the others keep
    the base values.
    """
    cfg = base
    if "xbar_size" in decisions:
        x = decisions["xbar_size"]
        check_xbar_size(x)
        cfg = dataclasses.replace(
            cfg, crossbar=dataclasses.replace(cfg.crossbar, rows=x, cols=x, subarray_rows=x),
            pe=dataclasses.replace(cfg.pe, dac_num=x // _DAC_GROUP, adc_num=x // _ADC_GROUP))
    iface = {}
    if "dac_choice" in decisions:
        iface["dac_choice"] = int(decisions["dac_choice"])
    if "adc_choice" in decisions:
        iface["adc_choice"] = int(decisions["adc_choice"])
    if iface:
        cfg = dataclasses.replace(cfg, interface=dataclasses.replace(cfg.interface, **iface))
    if "cell_bit" in decisions:
        bits = int(decisions["cell_bit"])
        if bits < 1:
            raise SimConfigError(source, "Device level", "Device_Level", 2**bits if bits >= 0 else bits,
                                 f"cell_bit = {bits} gives fewer than 2 levels", "cell_bit >= 1")
        levels = 2**bits
        res = base.device.resistance_ohm
        cfg = dataclasses.replace(cfg, device=dataclasses.replace(
            cfg.device, level=levels, resistance_ohm=conductance_levels(res[0], res[-1], levels)))
    return dataclasses.replace(cfg, source=source)


def write_candidate_ini(base: SimConfig, decisions: Mapping[str, Any], path: Path) -> SimConfig:
    """Write ``base`` + ``decisions`` to ``path`` and return the config as the simulator reads it back from there.

    Accuracy and cost are both computed from this returned config, i.e. from the file on disk.
    """
    cfg = apply_decisions(base, decisions, source=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_sim_config(cfg, path)
    return load_sim_config(path)
