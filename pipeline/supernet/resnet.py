"""Residual supernet in the NAS4RRAM style: a stem conv, then stages of residual blocks.

Searchable per stage: depth (blocks used, from the first); per block: kernel size, the width of its inner conv and of
its output. When a block's output width or stride differs from its input, the shortcut is a 1 x 1 projection conv
+ BN (sliced from the largest one); otherwise it is the identity.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from pipeline.supernet.base import StaticNet, Supernet, conv_out_hw, width_choices
from pipeline.supernet.dynamic_ops import DynamicBatchNorm2d, DynamicConv2d, DynamicLinear, make_activation

__all__ = ["ResNetSupernet", "ResidualBlock"]


class ResidualBlock(nn.Module):
    """Static residual block: conv-BN-act-conv-BN, plus the shortcut (identity when ``shortcut`` is None), act."""

    def __init__(self, conv1: nn.Conv2d, bn1: nn.BatchNorm2d, conv2: nn.Conv2d, bn2: nn.BatchNorm2d,
                 shortcut: nn.Sequential | None, activation: str) -> None:
        super().__init__()
        self.conv1, self.bn1, self.act1 = conv1, bn1, make_activation(activation)
        self.conv2, self.bn2, self.act2 = conv2, bn2, make_activation(activation)
        self.shortcut = shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.act1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        skip = x if self.shortcut is None else self.shortcut(x)
        return self.act2(out + skip)


class _DynamicBlock(nn.Module):
    def __init__(self, max_in: int, max_mid: int, max_out: int, max_kernel: int, stride: int, activation: str) -> None:
        super().__init__()
        self.stride, self.activation = stride, activation
        self.conv1 = DynamicConv2d(max_in, max_mid, max_kernel, stride)
        self.bn1 = DynamicBatchNorm2d(max_mid)
        self.conv2 = DynamicConv2d(max_mid, max_out, max_kernel, 1)
        self.bn2 = DynamicBatchNorm2d(max_out)
        self.proj = DynamicConv2d(max_in, max_out, 1, stride)
        self.proj_bn = DynamicBatchNorm2d(max_out)
        self.act = make_activation(activation)

    def needs_projection(self, in_ch: int, out_ch: int) -> bool:
        return in_ch != out_ch or self.stride != 1

    def forward(self, x: torch.Tensor, mid: int, out: int, kernel: int) -> torch.Tensor:
        h = self.act(self.bn1(self.conv1(x, mid, kernel)))
        h = self.bn2(self.conv2(h, out, kernel))
        skip = self.proj_bn(self.proj(x, out, 1)) if self.needs_projection(x.shape[1], out) else x
        return self.act(h + skip)

    def export(self, in_ch: int, mid: int, out: int, kernel: int) -> ResidualBlock:
        shortcut = None
        if self.needs_projection(in_ch, out):
            shortcut = nn.Sequential(self.proj.export(in_ch, out, 1), self.proj_bn.export(out))
        return ResidualBlock(self.conv1.export(in_ch, mid, kernel), self.bn1.export(mid),
                             self.conv2.export(mid, out, kernel), self.bn2.export(out), shortcut, self.activation)


class ResNetSupernet(Supernet):
    """Residual supernet.

    Args:
        input_shape: (C, H, W) of one image.
        num_classes: classifier outputs.
        stem_channels: largest stem width.
        stage_channels: largest width of every conv in each stage.
        stage_blocks: largest number of blocks per stage.
        stage_strides: stride of each stage's first block.
        activation: ``relu`` or ``relu6``.
        width_ratios: allowed widths per layer, as fractions of the layer's largest width.
        depths: allowed blocks per stage (clipped to ``stage_blocks``).
        kernels: allowed (odd) kernel sizes per block.
        global_pool: average-pool the last feature map to 1 x 1 before the classifier (else flatten it).
        name: the family's name (for run names).
        seed: seeds the weight initialisation.
    """

    def __init__(self, input_shape: Sequence[int], num_classes: int, stem_channels: int,
                 stage_channels: Sequence[int], stage_blocks: Sequence[int], stage_strides: Sequence[int],
                 activation: str = "relu", width_ratios: Sequence[float] = (0.5, 1.0),
                 depths: Sequence[int] = (1, 2), kernels: Sequence[int] = (3,), global_pool: bool = True, name: str = "",
                 seed: int = 0) -> None:
        super().__init__()
        if not len(stage_channels) == len(stage_blocks) == len(stage_strides):
            raise ValueError("model: stage_channels, stage_blocks and stage_strides must have the same length")
        make_activation(activation)
        self.input_shape = (int(input_shape[0]), int(input_shape[1]), int(input_shape[2]))
        self.activation, self.global_pool, self.name = activation, global_pool, name
        self.stage_blocks = [int(b) for b in stage_blocks]
        kmax = max(int(k) for k in kernels)
        self.stem = DynamicConv2d(self.input_shape[0], stem_channels, kmax, 1)
        self.stem_bn = DynamicBatchNorm2d(stem_channels)
        self.act = make_activation(activation)
        self._choices["stem.width"] = width_choices(stem_channels, width_ratios)
        self.blocks = nn.ModuleList()
        self._block_names: list[tuple[int, str]] = []  # (stage, name prefix) per block
        max_in, hw = stem_channels, self.input_shape[1:]
        for s, (cmax, nblocks, stride) in enumerate(zip(stage_channels, stage_blocks, stage_strides)):
            self._choices[f"stage{s}.depth"] = tuple(sorted({min(max(1, int(d)), nblocks) for d in depths}))
            for b in range(nblocks):
                st = int(stride) if b == 0 else 1
                self.blocks.append(_DynamicBlock(max_in, cmax, cmax, kmax, st, activation))
                prefix = f"stage{s}.block{b}"
                self._block_names.append((s, prefix))
                self._choices[f"{prefix}.kernel"] = tuple(sorted({int(k) for k in kernels}))
                self._choices[f"{prefix}.mid_width"] = width_choices(cmax, width_ratios)
                self._choices[f"{prefix}.out_width"] = width_choices(cmax, width_ratios)
                max_in = cmax
            hw = conv_out_hw(hw, int(stride))
        self.final_hw = hw
        flat = max_in if global_pool else max_in * hw[0] * hw[1]
        self.classifier = DynamicLinear(flat, num_classes)
        self.reset_parameters(seed)
        self.set_max_net()

    def _active_blocks(self) -> list[tuple[_DynamicBlock, str]]:
        used = []
        for i, (s, prefix) in enumerate(self._block_names):
            block_index = int(prefix.rsplit("block", 1)[1])
            if block_index < self._active[f"stage{s}.depth"]:
                used.append((self.blocks[i], prefix))
        return used

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = self._active
        x = self.act(self.stem_bn(self.stem(x, a["stem.width"], self.stem.max_kernel)))  # (N, w, H, W)
        for block, p in self._active_blocks():
            x = block(x, a[f"{p}.mid_width"], a[f"{p}.out_width"], a[f"{p}.kernel"])
        if self.global_pool:
            x = F.adaptive_avg_pool2d(x, 1)  # (N, C, 1, 1)
        return self.classifier(torch.flatten(x, 1))

    def _export(self) -> StaticNet:
        a = self._active
        kmax = self.stem.max_kernel
        layers: list[nn.Module] = [self.stem.export(self.input_shape[0], a["stem.width"], kmax),
                                   self.stem_bn.export(a["stem.width"]), make_activation(self.activation)]
        width = a["stem.width"]
        for block, p in self._active_blocks():
            out = a[f"{p}.out_width"]
            layers.append(block.export(width, a[f"{p}.mid_width"], out, a[f"{p}.kernel"]))
            width = out
        flat = width if self.global_pool else width * self.final_hw[0] * self.final_hw[1]
        return StaticNet(nn.Sequential(*layers), self._global_pool(self.final_hw, self.global_pool),
                         self.classifier.export(flat))
