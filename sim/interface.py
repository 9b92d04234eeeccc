"""PIMInterface: the one object a NAS loop needs to cost a candidate network on a PIM config.

Hardware metrics come from :mod:`sim.hardware` (one mapping, shared by all metrics, results cached); accuracy calls
delegate to :class:`sim.accuracy.AnalogModel` (imported and built on first use, calibrated automatically on the
first accuracy call unless :meth:`PIMInterface.calibrate` was called). The caller's model is never modified: the
interface reads it to extract the layer list and hands it to the accuracy model, which works on its own copy.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sim.config import SimConfig, validate
from sim.hardware import HardwareModel
from sim.ini import load_sim_config
from sim.layers import LayerSpec, extract_layers
from sim.report import HardwareReport
from sim.slicing import Slicing, check_compat, slicing_for

if TYPE_CHECKING:
    import torch
    from torch import nn


class PIMInterface:
    """Hardware (area/latency/energy/power) and accuracy evaluation of ``model`` on ``sim_config``.

    Args:
        model: the network (``torch.nn.Module``).
        sim_config: a ``SimConfig.ini`` path or a :class:`~sim.config.SimConfig`.
        input_shape: ``(C, H, W)`` of one input (a leading batch dimension is accepted).
        compat: ``None`` (default, MNSIM's defects fixed) or ``"mnsim"`` (MNSIM 2.0's numbers).
        weight_bits, act_bits: bit widths, sign included.
        device: torch device for the accuracy model.
    """

    def __init__(self, model: nn.Module, sim_config: str | os.PathLike[str] | SimConfig,
                 input_shape: Sequence[int], compat: str | None = None, *, weight_bits: int = 9,
                 act_bits: int = 9, device: str | torch.device | None = None) -> None:
        self.compat = check_compat(compat)
        self.cfg: SimConfig = sim_config if isinstance(sim_config, SimConfig) else load_sim_config(sim_config)
        validate(self.cfg)  # before anything is sized from it (an in-memory config skips the INI reader's checks)
        self.model = model
        self.input_shape = tuple(int(x) for x in input_shape)
        self.weight_bits = weight_bits
        self.act_bits = act_bits
        self.device = device
        self.slicing: Slicing = slicing_for(self.cfg, weight_bits, act_bits, compat)
        self.layers: list[LayerSpec] = extract_layers(model, self.input_shape, weight_bits, act_bits)
        self._hardware: HardwareModel | None = None
        self._analog: Any = None
        self._calibrated = False

    # ---- hardware -------------------------------------------------------------------------------------------
    @property
    def hardware(self) -> HardwareModel:
        """The mapping and metric cache (built on first use)."""
        if self._hardware is None:
            self._hardware = HardwareModel(self.layers, self.cfg, self.compat, self.slicing)
        return self._hardware

    def report(self, disable_inner_pipeline: bool = False) -> HardwareReport:
        """Full hardware report (cached per pipeline mode)."""
        return self.hardware.report(disable_inner_pipeline)

    def area_evaluate(self) -> float:
        """Chip area, mm^2 (all allocated tiles)."""
        return self.report().area_mm2

    def latency_evaluate(self, disable_inner_pipeline: bool = False) -> float:
        """Latency of one inference, ms."""
        return self.report(disable_inner_pipeline).latency_ms

    def energy_evaluate(self, disable_inner_pipeline: bool = False) -> float:
        """Energy of one inference, mJ."""
        return self.report(disable_inner_pipeline).energy_mJ

    def power_evaluate(self) -> float:
        """MNSIM's power, W: every allocated tile on at once."""
        return self.report().power_W

    def avg_power_evaluate(self, disable_inner_pipeline: bool = False) -> float:
        """Average power over one inference, W: energy / latency."""
        return self.report(disable_inner_pipeline).avg_power_W

    # ---- accuracy -------------------------------------------------------------------------------------------
    def _analog_model(self) -> Any:
        if self._analog is None:
            from sim.accuracy import AnalogModel  # lazy: the hardware side works without torch-heavy imports

            self._analog = AnalogModel(self.model, self.cfg, self.slicing, device=self.device)
        return self._analog

    def calibrate(self, inputs: torch.Tensor) -> None:
        """Set the activation ranges of the fixed-point model from ``inputs``."""
        self._analog_model().calibrate(inputs)
        self._calibrated = True

    def _ensure_calibrated(self, inputs: torch.Tensor) -> Any:
        analog = self._analog_model()
        if not self._calibrated:
            analog.calibrate(inputs)
            self._calibrated = True
        return analog

    def origin_evaluate(self, inputs: torch.Tensor) -> torch.Tensor:
        """Logits of the plain fixed-point (quantised, ideal) network."""
        out: torch.Tensor = self._ensure_calibrated(inputs).origin_forward(inputs)
        return out

    def hardware_evaluate(self, inputs: torch.Tensor, *, variation: bool = False, saf: bool = False,
                          seed: int = 0) -> torch.Tensor:
        """Logits of the bit-sliced crossbar network (ADC quantisation; optional device variation and SAF)."""
        out: torch.Tensor = self._ensure_calibrated(inputs).hardware_forward(
            inputs, variation=variation, saf=saf, seed=seed)
        return out
