"""Supernets: exported subnets compute what the supernet computes, are static, and map in the simulator."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pipeline.supernet import ResNetSupernet, StaticNet, VGGSupernet
from sim import extract_layers


def make(family: str) -> ResNetSupernet | VGGSupernet:
    if family == "resnet":
        return ResNetSupernet((1, 8, 8), 10, 16, [16, 32], [2, 2], [1, 2], width_ratios=[0.25, 0.5, 1.0],
                              depths=[1, 2], kernels=[3, 5])
    return VGGSupernet((3, 16, 16), 10, [8, 16], [2, 2], [True, True], width_ratios=[0.5, 1.0], kernels=[3, 5],
                       global_pool=False)


@pytest.mark.parametrize("family", ["resnet", "vgg"])
def test_exported_subnet_matches_supernet(family: str) -> None:
    net = make(family)
    rng = np.random.default_rng(0)
    x = torch.randn(5, *net.input_shape)
    net.eval()
    for _ in range(6):
        arch = net.sample(rng)
        sub = net.get_active_subnet()
        assert isinstance(sub, StaticNet)
        sub.eval()
        torch.testing.assert_close(sub(x), net(x), rtol=1e-5, atol=1e-5)
        traced = torch.fx.symbolic_trace(sub)
        torch.testing.assert_close(traced(x), sub(x))
        layers = extract_layers(sub, net.input_shape)
        convs = [layer for layer in layers if layer.kind == "conv"]
        assert convs and layers[-1].kind == "fc"
        assert net.active_arch() == arch


def test_resnet_shortcuts_and_depth() -> None:
    net = make("resnet")
    d = net.decisions()
    assert d["stage0.depth"] == (1, 2) and d["stage1.block0.out_width"] == (8, 16, 32)
    net.set_min_net()
    sub = net.get_active_subnet()
    blocks = [m for m in sub.features if type(m).__name__ == "ResidualBlock"]
    assert len(blocks) == 2  # depth 1 per stage
    assert blocks[0].shortcut is None  # 4 -> 4 channels, stride 1: identity
    assert blocks[1].shortcut is not None  # 4 -> 8 channels, stride 2: 1x1 projection
    net.set_max_net()
    blocks = [m for m in net.get_active_subnet().features if type(m).__name__ == "ResidualBlock"]
    assert len(blocks) == 4 and blocks[1].shortcut is None  # 16 -> 16, stride 1: identity


def test_invalid_decision_rejected() -> None:
    net = make("vgg")
    with pytest.raises(ValueError, match="not allowed"):
        net.set_active_subnet({**net.active_arch().to_dict(), "stage0.conv0.width": 7})
