"""Non-ideal cells: conductance levels, stuck-at faults, variation statistics, seeding."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from sim.accuracy import apply_nonidealities, level_conductances, weight_cell_arrays
from sim.config import DeviceConfig


def _cells(polarity: int = 2, cell_bits: int = 1) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
    w = torch.randint(-255, 256, (64, 64), generator=torch.Generator().manual_seed(0)).float()
    n = 8 if polarity == 2 else 9
    pos, neg = weight_cell_arrays(w, n // cell_bits if polarity == 2 else -(-9 // cell_bits), cell_bits, polarity)
    return pos, neg, torch.sign(w)


def test_level_conductances() -> None:
    assert level_conductances(DeviceConfig(), 1) == [pytest.approx(0.01), pytest.approx(1.0)]
    dev = DeviceConfig(level=4, resistance_ohm=(1e7, 1e4, 5e3, 3333.0))
    assert level_conductances(dev, 2) == pytest.approx([0.0009999, 0.9999, 1.9998, 3.0])
    with pytest.raises(ValueError):
        level_conductances(DeviceConfig(), 2)


def test_ideal_is_exact_and_on_off_adds_leak() -> None:
    pos, neg, sign = _cells()
    assert neg is not None
    eff = apply_nonidealities(pos, neg, sign, DeviceConfig(), 1, variation=False, saf=False)
    assert torch.equal(eff, pos - neg)
    leak = apply_nonidealities(pos, neg, sign, DeviceConfig(), 1, variation=False, saf=False, on_off=True)
    # g(1) - g(0) = 1 - 0.01 where exactly one of pos/neg is set; 0 where neither is
    expected = (pos - neg) * 0.99
    assert torch.allclose(leak, expected, atol=1e-6)


@pytest.mark.parametrize("saf,level", [((100.0, 0.0), 0), ((0.0, 100.0), 1)])
def test_all_cells_stuck(saf: tuple[float, float], level: int) -> None:
    pos, neg, sign = _cells()
    dev = DeviceConfig(saf_pct=saf)
    eff = apply_nonidealities(pos, neg, sign, dev, 1, variation=False, saf=True)
    assert torch.equal(eff, torch.zeros_like(eff))  # positive and negative arrays stuck alike cancel
    p1, _, s1 = _cells(polarity=1)
    one = apply_nonidealities(p1, None, s1, dev, 1, variation=False, saf=True)
    g = level_conductances(dev, 1)[level]
    assert torch.allclose(one.abs(), torch.full_like(one, g))


def test_variation_statistics_and_seeds() -> None:
    pos, neg, sign = _cells()
    dev = dataclasses.replace(DeviceConfig(), variation_pct=10.0)
    a = apply_nonidealities(pos, neg, sign, dev, 1, variation=True, saf=False, seed=1)
    b = apply_nonidealities(pos, neg, sign, dev, 1, variation=True, saf=False, seed=1)
    c = apply_nonidealities(pos, neg, sign, dev, 1, variation=True, saf=False, seed=2)
    assert torch.equal(a, b) and not torch.equal(a, c)
    ideal = (pos - neg) * 0.99
    on = (pos - neg) != 0
    rel = (a - ideal)[on] / (pos - neg)[on]
    assert abs(float(rel.mean())) < 0.01
    assert 0.08 < float(rel.std()) < 0.12  # one cell of ~1.0 varies by 10 %, its partner (HRS) by 10 % of 0.01


def test_saf_fraction() -> None:
    pos, neg, sign = _cells()
    dev = DeviceConfig(saf_pct=(0.0, 10.0))
    eff = apply_nonidealities(pos, neg, sign, dev, 1, variation=False, saf=True, seed=0)
    changed = float(((eff - (pos - neg) * 0.99).abs() > 1e-4).float().mean())
    assert 0.05 < changed < 0.2
