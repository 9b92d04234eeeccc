"""Weight-sharing operators: each holds its largest weights and runs (or exports) a slice of them.

As in once-for-all (``ofa/.../dynamic_op.py``): a conv with ``k`` x ``k`` kernel and ``c`` outputs uses the first ``c``
filters, the first ``in`` input channels and the centre ``k`` x ``k`` of the largest kernel.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["DynamicConv2d", "DynamicBatchNorm2d", "DynamicLinear", "make_activation", "ACTIVATIONS"]

ACTIVATIONS: dict[str, type[nn.Module]] = {"relu": nn.ReLU, "relu6": nn.ReLU6}
"""Activations a supernet may use (the simulator folds them into the layer before)."""


def make_activation(name: str) -> nn.Module:
    if name not in ACTIVATIONS:
        raise ValueError(f"model.activation = {name!r}: unknown activation; accepted: {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]()


class DynamicConv2d(nn.Module):
    """Conv2d without bias whose output channels and (odd, square) kernel size are chosen per call."""

    def __init__(self, max_in: int, max_out: int, max_kernel: int, stride: int = 1) -> None:
        super().__init__()
        if max_kernel % 2 != 1:
            raise ValueError(f"kernel sizes must be odd, got {max_kernel}")
        self.max_in, self.max_out, self.max_kernel, self.stride = max_in, max_out, max_kernel, stride
        self.weight = nn.Parameter(torch.zeros(max_out, max_in, max_kernel, max_kernel))  # Supernet.reset_parameters

    def sliced_weight(self, in_ch: int, out_ch: int, kernel: int) -> torch.Tensor:
        lo = (self.max_kernel - kernel) // 2
        return self.weight[:out_ch, :in_ch, lo:lo + kernel, lo:lo + kernel]  # (out, in, k, k)

    def forward(self, x: torch.Tensor, out_ch: int, kernel: int) -> torch.Tensor:
        w = self.sliced_weight(x.shape[1], out_ch, kernel)
        return F.conv2d(x, w, stride=self.stride, padding=kernel // 2)

    def export(self, in_ch: int, out_ch: int, kernel: int) -> nn.Conv2d:
        conv = nn.Conv2d(in_ch, out_ch, kernel, stride=self.stride, padding=kernel // 2, bias=False)
        conv.weight.data.copy_(self.sliced_weight(in_ch, out_ch, kernel))
        return conv


class DynamicBatchNorm2d(nn.Module):
    """BatchNorm2d over the first ``c`` channels of its largest parameters and running statistics.

    The running statistics are shared by every width, so they mix the paths; candidates are scored after
    :func:`pipeline.evaluation.recalibrate_bn` re-estimates them for the exported subnet.
    """

    def __init__(self, max_c: int) -> None:
        super().__init__()
        self.bn = nn.BatchNorm2d(max_c)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c = x.shape[1]
        bn = self.bn
        return F.batch_norm(
            x, bn.running_mean[:c], bn.running_var[:c], bn.weight[:c], bn.bias[:c],  # type: ignore[index]
            self.training, bn.momentum if bn.momentum is not None else 0.1, bn.eps,
        )

    def export(self, c: int) -> nn.BatchNorm2d:
        out = nn.BatchNorm2d(c)
        with torch.no_grad():
            out.weight.copy_(self.bn.weight[:c])
            out.bias.copy_(self.bn.bias[:c])
            out.running_mean.copy_(self.bn.running_mean[:c])  # type: ignore[index]
            out.running_var.copy_(self.bn.running_var[:c])  # type: ignore[index]
        return out


class DynamicLinear(nn.Module):
    """Linear layer (no bias, as on a crossbar) whose input features are the first ``in`` of its largest weight."""

    def __init__(self, max_in: int, out_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(max_in, out_features, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.linear.weight[:, : x.shape[1]])

    def export(self, n_in: int) -> nn.Linear:
        out = nn.Linear(n_in, self.linear.out_features, bias=False)
        with torch.no_grad():
            out.weight.copy_(self.linear.weight[:, :n_in])
        return out
