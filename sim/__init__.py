"""pim-nas simulator: MNSIM 2.0-compatible behaviour-level PIM hardware model and bit-sliced crossbar inference."""

from __future__ import annotations

from sim.config import SimConfig
from sim.errors import SimConfigError
from sim.hardware import HardwareModel, evaluate_hardware
from sim.ini import load_sim_config, write_sim_config
from sim.interface import PIMInterface
from sim.layers import LayerSpec, extract_layers
from sim.report import HardwareReport, LayerReport
from sim.zoo import get_network

__all__ = [
    "PIMInterface",
    "get_network",
    "extract_layers",
    "load_sim_config",
    "write_sim_config",
    "SimConfig",
    "SimConfigError",
    "evaluate_hardware",
    "HardwareModel",
    "HardwareReport",
    "LayerReport",
    "LayerSpec",
]
