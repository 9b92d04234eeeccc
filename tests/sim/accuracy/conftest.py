"""Fixtures for the accuracy-model tests: hardware configurations and small networks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from torch import nn

from sim.config import SimConfig
from sim.ini import load_sim_config

# Device_Resistance per cell bits (HRS -> LRS), Device_Level = 2**cell_bits
RESISTANCES = {
    1: (1e6, 1e4),
    2: (1e6, 3e4, 1.5e4, 1e4),
    4: tuple(1e4 * 15 / max(j, 0.01) for j in range(16)),
}


@pytest.fixture(scope="session")
def base_cfg(data_dir: Path) -> SimConfig:
    """MNSIM 2.0's reference SimConfig.ini: 1-bit DAC, 6-bit ADC (choice 6), 2-level cells, polarity 2, 256x256."""
    return load_sim_config(data_dir / "SimConfig.ini")


@pytest.fixture(scope="session")
def make_cfg(base_cfg: SimConfig) -> Callable[..., SimConfig]:
    """``make_cfg(cell_bits=1, polarity=2, adc_bits=None, adc_mode=None, saf=None, variation=None, rows=None)``."""

    def make(*, cell_bits: int = 1, polarity: int = 2, adc_bits: int | None = None, adc_mode: str | None = None,
             saf: tuple[float, float] | None = None, variation: float | None = None,
             rows: int | None = None) -> SimConfig:
        dev = dataclasses.replace(base_cfg.device, level=2**cell_bits, resistance_ohm=RESISTANCES[cell_bits])
        if saf is not None:
            dev = dataclasses.replace(dev, saf_pct=saf)
        if variation is not None:
            dev = dataclasses.replace(dev, variation_pct=variation)
        itf = base_cfg.interface
        if adc_bits is not None:
            itf = dataclasses.replace(itf, adc_choice=-1, adc_precision_bits=adc_bits, adc_area_um2=500.0,
                                      adc_power_W=1e-3, adc_sample_rate_GSps=1.0)
        pe = dataclasses.replace(base_cfg.pe, polarity=polarity)
        algo = base_cfg.algorithm if adc_mode is None else dataclasses.replace(base_cfg.algorithm, adc_mode=adc_mode)
        xbar = base_cfg.crossbar if rows is None else dataclasses.replace(base_cfg.crossbar, rows=rows, cols=rows,
                                                                          subarray_rows=rows)
        return dataclasses.replace(base_cfg, device=dev, interface=itf, pe=pe, algorithm=algo, crossbar=xbar)

    return make


class _Block(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + self.short(x))


class TinyResNet(nn.Module):
    """A small residual network (CIFAR input): stem, an identity block, a strided block, a depthwise conv, fc."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.block1 = _Block(16, 16, 1)
        self.block2 = _Block(16, 40, 2)
        self.dw = nn.Sequential(nn.Conv2d(40, 40, 3, 1, 1, groups=40), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(40, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.block2(self.block1(self.stem(x)))
        x = self.pool(self.dw(x))
        return self.fc(torch.flatten(x, 1))


def randomize_bn(net: nn.Module, seed: int = 0) -> nn.Module:
    """Give every BatchNorm non-trivial statistics and affine parameters (seeded), so folding is exercised."""
    g = torch.Generator().manual_seed(seed)
    for mod in net.modules():
        if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = mod.num_features
            mod.running_mean.copy_(torch.rand(n, generator=g) * 0.2 - 0.1)  # type: ignore[union-attr]
            mod.running_var.copy_(torch.rand(n, generator=g) + 0.5)  # type: ignore[union-attr]
            with torch.no_grad():
                mod.weight.copy_(torch.rand(n, generator=g) + 0.5)
                mod.bias.copy_(torch.rand(n, generator=g) * 0.2 - 0.1)
    return net


@pytest.fixture(scope="session")
def randomize() -> Callable[[nn.Module, int], nn.Module]:
    """``randomize(net, seed)``: :func:`randomize_bn` (in place; returns the net)."""
    return randomize_bn


@pytest.fixture()
def tiny_resnet() -> nn.Module:
    torch.manual_seed(0)
    return randomize_bn(TinyResNet())


@pytest.fixture(scope="session")
def images() -> Callable[[int, int], torch.Tensor]:
    """``images(n, seed)``: CIFAR-size standard-normal inputs (N, 3, 32, 32) from a seeded generator."""

    def make(n: int, seed: int = 1) -> torch.Tensor:
        return torch.randn(n, 3, 32, 32, generator=torch.Generator().manual_seed(seed))

    return make
