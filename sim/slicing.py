"""Bit widths and slice counts: the one source of truth shared by the cost model and the accuracy model.

A weight of ``weight_bits`` bits (sign included) is stored in sign-magnitude: with polarity 2 the magnitude
(``weight_bits - 1`` bits) goes to a positive and a negative crossbar; with polarity 1 MNSIM 2.0 stores all
``weight_bits`` as signed slices in one array. Each cell holds ``cell_bits = floor(log2(Device_Level))`` bits, so a
weight needs ``weight_slices = ceil(magnitude_bits / cell_bits)`` crossbar columns (one per slice). An input of
``act_bits`` bits is fed ``dac_bits`` at a time: ``input_slices = ceil((act_bits - 1) / dac_bits)`` signed slices.

MNSIM 2.0's cost model (compat="mnsim") differs: its mapping assumes 1 bit per cell whatever Device_Level is
(Tile_connection_graph.py), and its latency counts ``ceil(act_bits / dac_bits)`` input cycles, while its accuracy
model uses ``cell_bits`` and ``ceil((act_bits - 1) / dac_bits)``. ``mapping_cell_bits`` and ``input_cycles`` are
what the cost model uses; in the default mode they equal the accuracy model's values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.config import SimConfig
from sim.converters import resolve_adc, resolve_dac

COMPAT_MODES = (None, "mnsim")


@dataclass(frozen=True)
class Slicing:
    """Bit widths (sign included) and slice counts for one network on one hardware config."""

    weight_bits: int
    act_bits: int
    cell_bits: int  # bits per cell used by the accuracy model: floor(log2(Device_Level))
    dac_bits: int
    adc_bits: int
    polarity: int
    weight_magnitude_bits: int  # polarity 2: weight_bits - 1; polarity 1: weight_bits
    weight_slices: int  # ceil(weight_magnitude_bits / cell_bits): accuracy model
    input_slices: int  # ceil((act_bits - 1) / dac_bits): accuracy model
    mapping_cell_bits: int  # bits per cell the cost model maps with (1 in compat="mnsim")
    mapping_weight_slices: int  # crossbar column groups per weight in the cost model
    input_cycles: int  # serial input cycles per pixel in the latency model

    @property
    def cell_levels(self) -> int:
        return 1 << self.cell_bits


def check_compat(compat: str | None) -> str | None:
    """Return ``compat`` if it is a known mode, else raise ValueError naming the accepted values."""
    if compat not in COMPAT_MODES:
        raise ValueError(f"compat={compat!r} is not a mode; accepted: None (default, defects fixed) or 'mnsim'")
    return compat


def slicing_for(cfg: SimConfig, weight_bits: int = 9, act_bits: int = 9, compat: str | None = None) -> Slicing:
    """The slicing of a ``weight_bits``/``act_bits`` network on ``cfg``; ``compat="mnsim"`` gives MNSIM's cost view."""
    check_compat(compat)
    cell_bits = max(1, int(math.floor(math.log2(cfg.device.level))))
    dac_bits = resolve_dac(cfg.interface, compat).bits
    adc_bits = resolve_adc(cfg.interface, compat).bits
    polarity = cfg.pe.polarity
    magnitude = weight_bits - 1 if polarity == 2 else weight_bits
    weight_slices = math.ceil(magnitude / cell_bits)
    input_slices = math.ceil((act_bits - 1) / dac_bits)
    if compat == "mnsim":
        mapping_cell_bits, mapping_slices, input_cycles = 1, magnitude, math.ceil(act_bits / dac_bits)
    else:
        mapping_cell_bits, mapping_slices, input_cycles = cell_bits, weight_slices, input_slices
    return Slicing(
        weight_bits=weight_bits, act_bits=act_bits, cell_bits=cell_bits, dac_bits=dac_bits, adc_bits=adc_bits,
        polarity=polarity, weight_magnitude_bits=magnitude, weight_slices=weight_slices, input_slices=input_slices,
        mapping_cell_bits=mapping_cell_bits, mapping_weight_slices=mapping_slices, input_cycles=input_cycles,
    )
