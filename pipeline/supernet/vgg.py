"""Plain (VGG-style) supernet: stages of conv-BN-act layers, each stage optionally followed by a 2 x 2 max pool.

Searchable per stage: depth (convs used, from the first); per conv: kernel size and output width.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from pipeline.supernet.base import StaticNet, Supernet, width_choices
from pipeline.supernet.dynamic_ops import DynamicBatchNorm2d, DynamicConv2d, DynamicLinear, make_activation

__all__ = ["VGGSupernet"]


class VGGSupernet(Supernet):
    """VGG-style supernet.

    Args:
        input_shape: (C, H, W) of one image.
        num_classes: classifier outputs.
        stage_channels: largest width of every conv in each stage.
        stage_convs: largest number of convs per stage.
        stage_pool: whether a 2 x 2 max pool follows each stage.
        activation: ``relu`` or ``relu6``.
        width_ratios: allowed widths per conv, as fractions of its largest width.
        depths: allowed convs per stage (clipped to ``stage_convs``).
        kernels: allowed (odd) kernel sizes per conv.
        global_pool: average-pool the last feature map to 1 x 1 before the classifier (else flatten it).
        name: the family's name (for run names).
        seed: seeds the weight initialisation.
    """

    def __init__(self, input_shape: Sequence[int], num_classes: int, stage_channels: Sequence[int],
                 stage_convs: Sequence[int], stage_pool: Sequence[bool], activation: str = "relu",
                 width_ratios: Sequence[float] = (0.5, 1.0), depths: Sequence[int] = (1, 2),
                 kernels: Sequence[int] = (3,), global_pool: bool = True, name: str = "",
                 seed: int = 0) -> None:
        super().__init__()
        if not len(stage_channels) == len(stage_convs) == len(stage_pool):
            raise ValueError("model: stage_channels, stage_convs and stage_pool must have the same length")
        make_activation(activation)
        self.input_shape = (int(input_shape[0]), int(input_shape[1]), int(input_shape[2]))
        self.activation, self.global_pool, self.name = activation, global_pool, name
        self.stage_pool = [bool(p) for p in stage_pool]
        kmax = max(int(k) for k in kernels)
        self.convs = nn.ModuleList()
        self.bns = nn.ModuleList()
        self._layer_names: list[tuple[int, int, str]] = []  # (stage, conv index, prefix)
        max_in, hw = self.input_shape[0], self.input_shape[1:]
        for s, (cmax, nconv, pool) in enumerate(zip(stage_channels, stage_convs, stage_pool)):
            self._choices[f"stage{s}.depth"] = tuple(sorted({min(max(1, int(d)), int(nconv)) for d in depths}))
            for c in range(int(nconv)):
                self.convs.append(DynamicConv2d(max_in, int(cmax), kmax, 1))
                self.bns.append(DynamicBatchNorm2d(int(cmax)))
                prefix = f"stage{s}.conv{c}"
                self._layer_names.append((s, c, prefix))
                self._choices[f"{prefix}.kernel"] = tuple(sorted({int(k) for k in kernels}))
                self._choices[f"{prefix}.width"] = width_choices(int(cmax), width_ratios)
                max_in = int(cmax)
            if pool:
                hw = (hw[0] // 2, hw[1] // 2) if min(hw) >= 2 else hw
        self.final_hw = hw
        self.act = make_activation(activation)
        flat = max_in if global_pool else max_in * hw[0] * hw[1]
        self.classifier = DynamicLinear(flat, num_classes)
        self.reset_parameters(seed)
        self.set_max_net()

    def _active_layers(self) -> list[tuple[int, int, int, str, bool]]:
        """(layer index, stage, conv index, prefix, pool after it) of each active conv."""
        out: list[tuple[int, int, int, str, bool]] = []
        for i, (s, c, prefix) in enumerate(self._layer_names):
            depth = self._active[f"stage{s}.depth"]
            if c < depth:
                out.append((i, s, c, prefix, self.stage_pool[s] and c == depth - 1))
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = self._active
        for i, _s, _c, p, pool in self._active_layers():
            x = self.act(self.bns[i](self.convs[i](x, a[f"{p}.width"], a[f"{p}.kernel"])))
            if pool and min(x.shape[2:]) >= 2:
                x = F.max_pool2d(x, 2)
        if self.global_pool:
            x = F.adaptive_avg_pool2d(x, 1)
        return self.classifier(torch.flatten(x, 1))

    def _export(self) -> StaticNet:
        a = self._active
        layers: list[nn.Module] = []
        width, hw = self.input_shape[0], self.input_shape[1:]
        for i, _s, _c, p, pool in self._active_layers():
            out = a[f"{p}.width"]
            layers += [self.convs[i].export(width, out, a[f"{p}.kernel"]), self.bns[i].export(out),
                       make_activation(self.activation)]
            if pool and min(hw) >= 2:
                layers.append(nn.MaxPool2d(2))
                hw = (hw[0] // 2, hw[1] // 2)
            width = out
        flat = width if self.global_pool else width * hw[0] * hw[1]
        return StaticNet(nn.Sequential(*layers), self._global_pool(hw, self.global_pool),
                         self.classifier.export(flat))
