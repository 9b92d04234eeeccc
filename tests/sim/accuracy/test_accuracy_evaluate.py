"""evaluate_accuracy: top-1 over batches, data forms, Monte Carlo over seeds."""

from __future__ import annotations

import pytest
import torch

from sim.accuracy import evaluate_accuracy, top1


def _logits_for(labels: torch.Tensor, wrong: int = 0) -> torch.Tensor:
    out = torch.nn.functional.one_hot(labels, 10).float()
    out[:wrong] = torch.roll(out[:wrong], 1, dims=1)
    return out


def test_top1_and_tensor_pair() -> None:
    y = torch.arange(10) % 10
    x = y.float()[:, None]  # the "image" carries its label
    assert top1(_logits_for(y, 3), y) == 7
    mean, std = evaluate_accuracy(lambda xb: _logits_for(xb[:, 0].long()), (x, y), batch_size=4)
    assert (mean, std) == (1.0, 0.0)


def test_loader_and_max_batches() -> None:
    y = torch.arange(8)
    batches = [(torch.zeros(4, 1), y[:4]), (torch.zeros(4, 1), y[4:])]
    calls: list[int] = []

    def fwd(xb: torch.Tensor) -> torch.Tensor:
        calls.append(1)
        return _logits_for(y[:4] if len(calls) % 2 else y[4:], wrong=1 if len(calls) % 2 else 0)

    assert evaluate_accuracy(fwd, batches) == (7 / 8, 0.0)
    calls.clear()
    assert evaluate_accuracy(fwd, batches, max_batches=1)[0] == 3 / 4


def test_monte_carlo_over_seeds() -> None:
    y = torch.zeros(4, dtype=torch.long)
    seen: list[int] = []

    def fwd(xb: torch.Tensor, *, seed: int = 0) -> torch.Tensor:
        seen.append(seed)
        return _logits_for(y, wrong=seed % 2)

    mean, std = evaluate_accuracy(fwd, (torch.zeros(4, 1), y), n_samples=2, seed=10)
    assert seen == [10, 11]
    assert mean == pytest.approx((1.0 + 0.75) / 2)
    assert std == pytest.approx(((0.125**2) * 2) ** 0.5)
    with pytest.raises(ValueError):
        evaluate_accuracy(fwd, (torch.zeros(4, 1), y), n_samples=0)
