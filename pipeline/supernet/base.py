"""What every supernet family shares: the OFA verbs, the static network it exports, and width/shape helpers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from pipeline.search_space import Arch, SearchSpace

__all__ = ["Supernet", "StaticNet", "width_choices", "conv_out_hw"]


def width_choices(max_channels: int, ratios: Sequence[float]) -> tuple[int, ...]:
    """Channel counts a layer may take: ``round(ratio * max_channels)`` (at least 1), sorted, distinct."""
    return tuple(sorted({max(1, int(round(float(r) * max_channels))) for r in ratios}))


def conv_out_hw(hw: tuple[int, int], stride: int) -> tuple[int, int]:
    """Output (H, W) of an odd-kernel conv with padding k // 2 (or a 2 x 2 max pool when stride 2 means pooling)."""
    return (math.ceil(hw[0] / stride), math.ceil(hw[1] / stride))


class StaticNet(nn.Module):
    """A plain exported candidate: ``features`` then (optional) global average pool, flatten, ``classifier``.

    Only Conv2d, BatchNorm2d, activations, pooling, residual ``+`` and Linear: what ``sim.extract_layers`` maps.
    """

    def __init__(self, features: nn.Sequential, pool: nn.Module | None, classifier: nn.Linear) -> None:
        super().__init__()
        self.features = features
        self.pool = pool
        self.classifier = classifier

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)  # (N, C, h, w)
        if self.pool is not None:
            x = self.pool(x)  # (N, C, 1, 1)
        x = torch.flatten(x, 1)  # (N, C * h * w)
        return self.classifier(x)  # (N, classes)


class Supernet(nn.Module):
    """Base class: a weight-sharing network over named decisions (see :meth:`decisions`).

    Verbs as in once-for-all: :meth:`set_max_net`, :meth:`set_active_subnet`, :meth:`sample` and
    :meth:`get_active_subnet` (a plain static ``nn.Module`` with copied weights, traceable by torch.fx).
    """

    input_shape: tuple[int, int, int]

    def __init__(self) -> None:
        super().__init__()
        self._choices: dict[str, tuple[int, ...]] = {}
        self._active: dict[str, int] = {}

    # -- decisions -------------------------------------------------------------------------------------------------
    def decisions(self) -> dict[str, tuple[int, ...]]:
        """Network decision name -> allowed values (in a fixed order)."""
        return dict(self._choices)

    def space(self) -> SearchSpace:
        return SearchSpace(self._choices)

    def set_active_subnet(self, arch: Arch | Mapping[str, object]) -> None:
        """Select the subnet that ``forward`` runs; hardware decisions in ``arch`` are ignored."""
        values = arch.to_dict() if isinstance(arch, Arch) else dict(arch)
        for name, allowed in self._choices.items():
            value = values.get(name)
            if value not in allowed:
                raise ValueError(f"decision {name} = {value!r} not allowed; accepted: {list(allowed)}")
            self._active[name] = int(value)  # type: ignore[call-overload]

    def set_max_net(self) -> None:
        self._active = {n: max(v) for n, v in self._choices.items()}

    def set_min_net(self) -> None:
        self._active = {n: min(v) for n, v in self._choices.items()}

    def active_arch(self) -> Arch:
        return Arch(tuple((n, self._active[n]) for n in self._choices))

    def sample(self, rng: np.random.Generator) -> Arch:
        """Draw every network decision uniformly, make it active and return it."""
        arch = self.space().sample(rng)
        self.set_active_subnet(arch)
        return arch

    def get_active_subnet(self, arch: Arch | Mapping[str, object] | None = None) -> StaticNet:
        """The active (or given) subnet as a static network with its own copy of the weights."""
        if arch is not None:
            self.set_active_subnet(arch)
        with torch.no_grad():
            net = self._export()
        net.train(self.training)
        return net

    def _export(self) -> StaticNet:
        raise NotImplementedError

    def reset_parameters(self, seed: int) -> None:
        """Initialise every weight from a generator seeded with ``seed`` (never the global RNG).

        Convs: Kaiming normal (fan out, ReLU), as in ResNet; the classifier: Kaiming uniform (fan in); BatchNorm: 1, 0.
        """
        from pipeline.supernet.dynamic_ops import DynamicBatchNorm2d, DynamicConv2d, DynamicLinear

        gen = torch.Generator().manual_seed(int(seed))
        with torch.no_grad():
            for m in self.modules():
                if isinstance(m, DynamicConv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu", generator=gen)
                elif isinstance(m, DynamicBatchNorm2d):
                    m.bn.reset_parameters()
                elif isinstance(m, DynamicLinear):
                    nn.init.kaiming_uniform_(m.linear.weight, a=math.sqrt(5), generator=gen)

    def _global_pool(self, hw: tuple[int, int], use: bool) -> nn.Module | None:
        if not use or hw == (1, 1):
            return None
        return nn.AvgPool2d(kernel_size=hw)
