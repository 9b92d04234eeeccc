"""Quantizers: golden values, straight-through gradient, range calibration."""

from __future__ import annotations

import math

import pytest
import torch

from sim.accuracy import QuantizerState, calibrate_range, fake_quantize, quantize_int, signed_levels


def test_signed_levels() -> None:
    assert signed_levels(9) == 255
    assert signed_levels(2) == 1
    with pytest.raises(ValueError):
        signed_levels(1)


def test_fake_quantize_golden() -> None:
    x = torch.tensor([-1.0, -0.26, -0.25, 0.0, 0.1, 0.25, 0.75, 2.0])
    # 3 bits: levels -3..3, lsb 0.5; round half to even: 0.25/0.5 = 0.5 -> 0, 0.75/0.5 = 1.5 -> 2
    out = fake_quantize(x, 0.5, 3)
    assert out.tolist() == [-1.0, -0.5, -0.0, 0.0, 0.0, 0.0, 1.0, 1.5]
    assert quantize_int(x, 0.5, 3).tolist() == [-2.0, -1.0, -0.0, 0.0, 0.0, 0.0, 2.0, 3.0]


def test_straight_through_gradient() -> None:
    x = torch.tensor([-2.0, -0.3, 0.2, 1.4, 1.6], requires_grad=True)
    fake_quantize(x, 0.5, 3).sum().backward()  # range 1.5: the values beyond it clip
    assert x.grad is not None
    assert x.grad.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]


def test_calibrate_range_rules() -> None:
    x = torch.tensor([0.0, 1.0, 2.0, 3.0, 100.0])
    std = float(torch.tensor(x.tolist(), dtype=torch.float64).std())
    assert calibrate_range(x, "max") == 100.0
    assert calibrate_range(x, "mnsim") == pytest.approx(min(100.0, 3 * std + 21.2))
    small = torch.tensor([1.0, -1.0, 1.0, -1.0])
    assert calibrate_range(small, "mnsim") == pytest.approx(min(1.0, 3 * math.sqrt(4 / 3)))
    assert calibrate_range(torch.zeros(3)) > 0.0
    assert 1.0 <= calibrate_range(torch.arange(10001.0), "percentile") <= 10000.0
    with pytest.raises(ValueError):
        calibrate_range(x, "nope")


def test_quantizer_state() -> None:
    q = QuantizerState(bits=9)
    assert not q.calibrated
    with pytest.raises(RuntimeError):
        _ = q.lsb
    q.observe(torch.tensor([-2.0, 2.0]))
    assert q.range == 2.0 and q.lsb == pytest.approx(2.0 / 255)
    ema = QuantizerState(bits=9, method="max", momentum=0.5)
    ema.observe(torch.tensor([4.0]))
    ema.observe(torch.tensor([2.0]))
    assert ema.range == pytest.approx(3.0)
    y = q(torch.tensor([0.5, 5.0]))
    assert y[1] == pytest.approx(2.0)
    assert q.to_int(torch.tensor([5.0])).item() == 255.0
