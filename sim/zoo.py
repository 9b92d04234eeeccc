"""MNSIM 2.0's five reference networks, as PyTorch modules and as reference layer lists.

The networks are the CIFAR-10 variants of ``MNSIM/Interface/network.py get_net`` (thu-nics/MNSIM-2.0, commit
ca39ccb), written out in ``sim/data/networks.yaml``. :func:`get_network` builds a real ``nn.Module`` whose
:func:`sim.layers.extract_layers` equals :func:`reference_layers` (read straight from the YAML) field by field,
names aside. As in MNSIM, every conv is followed by BatchNorm + ReLU, every fc but the last by ReLU, pooling is
max pooling, and conv/fc layers carry no bias.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
import yaml  # type: ignore[import-untyped,unused-ignore]
from torch import nn

from sim.layers import LayerKind, LayerSpec

__all__ = ["INPUT_SHAPE", "NETWORK_NAMES", "get_network", "reference_layers"]

INPUT_SHAPE: tuple[int, int, int] = (3, 32, 32)
"""(C, H, W) of the CIFAR-10 images every reference network takes."""

NETWORK_NAMES: tuple[str, ...] = ("lenet", "vgg8", "vgg16", "alexnet", "resnet18")
"""The networks :func:`get_network` and :func:`reference_layers` know, in MNSIM's order."""


def _conv_bn_relu(cin: int, cout: int, kernel: int, stride: int = 1, padding: int = 0) -> nn.Sequential:
    """conv (no bias) + BatchNorm2d + ReLU: one MNSIM conv layer."""
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


def _fc_stack(features: list[int]) -> nn.Sequential:
    """Flatten, then fc layers ``features[0] -> features[1] -> ...``, ReLU between them (not after the last)."""
    layers: list[nn.Module] = [nn.Flatten()]
    for i, (fin, fout) in enumerate(zip(features[:-1], features[1:])):
        layers.append(nn.Linear(fin, fout, bias=False))
        if i < len(features) - 2:
            layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class PlainNet(nn.Module):
    """A chain network: ``features`` (convs and max pools) then ``classifier`` (flatten + fc layers)."""

    def __init__(self, features: nn.Sequential, classifier: nn.Sequential) -> None:
        super().__init__()
        self.features = features
        self.classifier = classifier

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 3, 32, 32) -> (N, num_classes) logits."""
        out: torch.Tensor = self.classifier(self.features(x))
        return out


def _plain(spec: list[tuple[int, int, int, int, int] | str], fc: list[int]) -> PlainNet:
    """Build a :class:`PlainNet`; ``spec`` holds ``(cin, cout, kernel, stride, padding)`` convs and ``"M"`` pools."""
    layers: list[nn.Module] = []
    for item in spec:
        if item == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            assert not isinstance(item, str)
            layers.append(_conv_bn_relu(*item))
    return PlainNet(nn.Sequential(*layers), _fc_stack(fc))


def lenet(num_classes: int = 10) -> PlainNet:
    """LeNet: 3 conv k5 (3-6-16-120), 2 max pools, fc 120-84-classes."""
    return _plain([(3, 6, 5, 1, 0), "M", (6, 16, 5, 1, 0), "M", (16, 120, 5, 1, 0)], [120, 84, num_classes])


def vgg8(num_classes: int = 10) -> PlainNet:
    """VGG-8: conv 3-128-128, pool, 128-256-256, pool, 256-512-512, pool, 512-1024 k3 p0, pool, fc 1024-classes."""
    # fmt: off
    spec: list[tuple[int, int, int, int, int] | str] = [
        (3, 128, 3, 1, 1), (128, 128, 3, 1, 1), "M",
        (128, 256, 3, 1, 1), (256, 256, 3, 1, 1), "M",
        (256, 512, 3, 1, 1), (512, 512, 3, 1, 1), "M",
        (512, 1024, 3, 1, 0), "M",
    ]
    # fmt: on
    return _plain(spec, [1024, num_classes])


def vgg16(num_classes: int = 10) -> PlainNet:
    """VGG-16 (MNSIM's CIFAR variant): 13 conv 3x3 in 5 blocks, 4 max pools, fc 2048-classes."""
    # fmt: off
    spec: list[tuple[int, int, int, int, int] | str] = [
        (3, 64, 3, 1, 1), (64, 64, 3, 1, 1), "M",
        (64, 128, 3, 1, 1), (128, 128, 3, 1, 1), "M",
        (128, 256, 3, 1, 1), (256, 256, 3, 1, 1), (256, 256, 3, 1, 1), "M",
        (256, 512, 3, 1, 1), (512, 512, 3, 1, 1), (512, 512, 3, 1, 1), "M",
        (512, 512, 3, 1, 1), (512, 512, 3, 1, 1), (512, 512, 3, 1, 1),
    ]
    # fmt: on
    return _plain(spec, [2048, num_classes])


def alexnet(num_classes: int = 10) -> PlainNet:
    """AlexNet (MNSIM's CIFAR variant): conv 64 s2, pool, 192, pool, 384-256-256, pool, fc 1024-512-classes."""
    # fmt: off
    spec: list[tuple[int, int, int, int, int] | str] = [
        (3, 64, 3, 2, 1), "M",
        (64, 192, 3, 1, 1), "M",
        (192, 384, 3, 1, 1), (384, 256, 3, 1, 1), (256, 256, 3, 1, 1), "M",
    ]
    # fmt: on
    return _plain(spec, [1024, 512, num_classes])


class BasicBlock(nn.Module):
    """ResNet basic block; a down-sampling block's shortcut is a 3x3 stride-2 conv + BN (MNSIM's projection)."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = _conv_bn_relu(cin, cout, 3, stride, 1)
        self.conv2 = nn.Sequential(nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.shortcut: nn.Module | None = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout)
            )
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Residual add then ReLU. Operand order follows MNSIM's ``Inputindex`` (latest producer first)."""
        out = self.conv2(self.conv1(x))
        if self.shortcut is not None:
            out = self.shortcut(x) + out  # element_sum(shortcut, conv2)
        else:
            out = out + x  # element_sum(conv2, block input)
        result: torch.Tensor = self.relu(out)
        return result


class ResNet18(nn.Module):
    """ResNet-18 (MNSIM's CIFAR variant): conv 64, max pool, 8 basic blocks, fc 2048-512-classes (no avg pool)."""

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = _conv_bn_relu(3, 64, 3, 1, 1)
        self.pool = nn.MaxPool2d(2, 2)
        widths = [
            (64, 64, 1),
            (64, 64, 1),
            (64, 128, 2),
            (128, 128, 1),
            (128, 256, 2),
            (256, 256, 1),
            (256, 512, 2),
            (512, 512, 1),
        ]
        self.blocks = nn.Sequential(*(BasicBlock(cin, cout, s) for cin, cout, s in widths))
        self.classifier = _fc_stack([2048, 512, num_classes])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 3, 32, 32) -> (N, num_classes) logits."""
        out: torch.Tensor = self.classifier(self.blocks(self.pool(self.stem(x))))
        return out


_BUILDERS: dict[str, Callable[[int], nn.Module]] = {
    "lenet": lenet,
    "vgg8": vgg8,
    "vgg16": vgg16,
    "alexnet": alexnet,
    "resnet18": ResNet18,
}


def _check_name(name: str) -> None:
    if name not in _BUILDERS:
        raise ValueError(f"unknown network {name!r}; known networks: {', '.join(NETWORK_NAMES)}")


def get_network(name: str, num_classes: int = 10) -> nn.Module:
    """A freshly initialised MNSIM reference network (CIFAR-10 input :data:`INPUT_SHAPE`).

    Raises:
        ValueError: ``name`` is not one of :data:`NETWORK_NAMES`.
    """
    _check_name(name)
    return _BUILDERS[name](num_classes)


@functools.lru_cache(maxsize=1)
def _networks_yaml() -> dict[str, list[dict[str, Any]]]:
    """The packaged ``sim/data/networks.yaml``, parsed once."""
    # next to this file, not importlib.resources.files("sim"): a tests/sim folder on sys.path can shadow the package
    text = (Path(__file__).parent / "data" / "networks.yaml").read_text(encoding="utf-8")
    data: dict[str, list[dict[str, Any]]] = yaml.safe_load(text)
    return data


_KINDS: dict[str, LayerKind] = {"conv": "conv", "fc": "fc", "pool": "pool", "element_sum": "element_sum"}


def _conv_out(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def reference_layers(name: str, weight_bits: int = 9, act_bits: int = 9) -> list[LayerSpec]:
    """MNSIM's layer list for network ``name``, read directly from the packaged networks.yaml.

    Feature-map sizes are computed from the 32x32 input; the YAML's relative ``inputs`` offsets become absolute
    indices (``()`` = the network input). Layer names are ``"<kind><index>"``.

    Raises:
        ValueError: unknown ``name``, or an entry inconsistent with the shapes before it.
    """
    _check_name(name)
    in_c, in_h, in_w = INPUT_SHAPE
    # (channels, (H, W), flattened?) after each layer
    shapes: list[tuple[int, tuple[int, int], bool]] = []
    layers: list[LayerSpec] = []

    def shape_of(src: int) -> tuple[int, tuple[int, int], bool]:
        return shapes[src] if src >= 0 else (in_c, (in_h, in_w), False)

    for i, entry in enumerate(_networks_yaml()[name]):
        kind = str(entry["type"])
        where = f"networks.yaml {name} layer {i} ({kind})"
        offsets = [int(o) for o in entry.get("inputs", [-1])]
        sources = [i + o for o in offsets]
        if not sources or any(o >= 0 for o in offsets):
            raise ValueError(f"{where}: inputs {offsets} must be negative offsets")
        if len(sources) > 1 and any(src < 0 for src in sources):
            raise ValueError(f"{where}: a multi-input layer cannot read the network input")
        c, hw, flat = shape_of(sources[0])
        k, s, p, pool_mode = 1, 1, 0, ""
        if kind == "conv":
            k, s, p = int(entry["kernel"]), int(entry.get("stride", 1)), int(entry.get("padding", 0))
            if int(entry["in"]) != c or flat:
                raise ValueError(f"{where}: expects {entry['in']} input channels, gets {c}")
            cin, cout, out_hw = c, int(entry["out"]), (_conv_out(hw[0], k, s, p), _conv_out(hw[1], k, s, p))
        elif kind == "pool":
            k = int(entry["kernel"])
            s, p, pool_mode = (
                int(entry.get("stride", k)),
                int(entry.get("padding", 0)),
                str(entry.get("mode", "max")),
            )
            cin, cout, out_hw = c, c, (_conv_out(hw[0], k, s, p), _conv_out(hw[1], k, s, p))
        elif kind == "fc":
            cin, cout = int(entry["in"]), int(entry["out"])
            if cin != c * hw[0] * hw[1]:
                raise ValueError(f"{where}: expects {cin} input features, gets {c * hw[0] * hw[1]}")
            hw = out_hw = (1, 1)
        elif kind == "element_sum":
            if any(shape_of(src) != (c, hw, flat) for src in sources):
                raise ValueError(f"{where}: operands differ in shape")
            cin, cout, out_hw = c, c, hw
        else:
            raise ValueError(f"{where}: unknown layer type")
        layers.append(
            LayerSpec(
                index=i,
                kind=_KINDS[kind],
                name=f"{kind}{i}",
                in_channels=cin,
                out_channels=cout,
                kernel=k,
                stride=s,
                padding=p,
                input_hw=hw,
                output_hw=out_hw,
                inputs=tuple(sources) if sources[0] >= 0 else (),
                weight_bits=weight_bits,
                act_bits=act_bits,
                pool_mode=pool_mode,
            )
        )
        shapes.append((cout, out_hw, kind == "fc" or flat))
    return layers
