"""Top-1 accuracy of a forward function over a data set, with Monte Carlo over non-ideality seeds."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable

import torch

__all__ = ["evaluate_accuracy", "top1"]

Batch = tuple[torch.Tensor, torch.Tensor]


def top1(logits: torch.Tensor, labels: torch.Tensor) -> int:
    """Number of rows of ``logits`` (N, classes) whose arg-max equals ``labels`` (N,)."""
    return int((logits.argmax(dim=-1) == labels.to(logits.device)).sum())


def _batches(data: Iterable[Batch] | Batch, batch_size: int) -> Iterable[Batch]:
    if isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], torch.Tensor):
        x, y = data
        for i in range(0, x.shape[0], batch_size):
            yield x[i:i + batch_size], y[i:i + batch_size]
    else:
        yield from data  # type: ignore[misc]


def _takes_seed(forward: Callable[..., torch.Tensor]) -> bool:
    try:
        return "seed" in inspect.signature(forward).parameters
    except (TypeError, ValueError):
        return False


def evaluate_accuracy(forward: Callable[..., torch.Tensor], data: Iterable[Batch] | Batch, *, n_samples: int = 1,
                      seed: int = 0, batch_size: int = 256, max_batches: int | None = None) -> tuple[float, float]:
    """Top-1 accuracy (fraction in [0, 1]) of ``forward`` over ``data``: ``(mean, std)`` over ``n_samples`` draws.

    ``forward(x) -> logits``; when it accepts a ``seed`` keyword (e.g. ``functools.partial(am.hardware_forward,
    variation=True, saf=True)``) draw ``k`` calls it with ``seed + k`` on every batch (one simulated chip per draw).
    ``data``: an iterable of ``(x, y)`` batches (a DataLoader) or one ``(x, y)`` tensor pair, cut into
    ``batch_size`` rows. ``max_batches`` stops early (MNSIM evaluates 11 batches). ``std`` is the sample standard
    deviation over draws (0.0 for one draw).
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}")
    with_seed = _takes_seed(forward)
    accs: list[float] = []
    for k in range(n_samples):
        correct = total = 0
        for b, (xb, yb) in enumerate(_batches(data, batch_size)):
            if max_batches is not None and b >= max_batches:
                break
            logits = forward(xb, seed=seed + k) if with_seed else forward(xb)
            correct += top1(logits, yb)
            total += int(yb.shape[0])
        if total == 0:
            raise ValueError("no samples to evaluate")
        accs.append(correct / total)
    mean = sum(accs) / len(accs)
    std = math.sqrt(sum((a - mean) ** 2 for a in accs) / (len(accs) - 1)) if len(accs) > 1 else 0.0
    return mean, std
