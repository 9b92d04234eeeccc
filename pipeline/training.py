"""Supernet training with weight sharing: every step trains several sampled subnets on the same batch.

Sampling is uniform (``n`` random subnets per step) or the sandwich rule (largest + smallest + ``n - 2`` random),
never the search's current best path. A checkpoint (weights, optimizer, RNG states) is written after every epoch,
so an interrupted run resumes at the next epoch and ends with the same weights as an uninterrupted one.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from pipeline.data import DataSplits, iterate_batches
from pipeline.search_space import Arch, SearchSpace
from pipeline.supernet import Supernet

__all__ = ["TrainConfig", "TrainResult", "train_supernet", "get_lr", "subnets_for_step", "load_checkpoint"]


@dataclass(frozen=True)
class TrainConfig:
    """Supernet training settings (``conf/train/*.yaml``)."""

    epochs: int = 30
    batch_size: int = 64
    lr: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 5e-4
    warmup_epochs: float = 1.0
    sampling: str = "sandwich"  # sandwich | uniform
    subnets_per_step: int = 4
    progress: bool = True

    def __post_init__(self) -> None:
        if self.sampling not in ("sandwich", "uniform"):
            raise ValueError(f"train.sampling = {self.sampling!r}; accepted: sandwich, uniform")
        if self.epochs < 0 or self.batch_size < 1 or self.subnets_per_step < 1:
            raise ValueError("train: epochs >= 0, batch_size >= 1 and subnets_per_step >= 1 are required")


@dataclass(frozen=True)
class TrainResult:
    epochs: int
    start_epoch: int
    final_loss: float
    seconds: float
    images_per_s: float


def get_lr(step: int, total_steps: int, base_lr: float, warmup_steps: int) -> float:
    """Linear warm-up to ``base_lr``, then cosine decay to 0."""
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return 0.5 * base_lr * (1.0 + math.cos(math.pi * min(1.0, progress)))


def subnets_for_step(space: SearchSpace, rng: np.random.Generator, sampling: str, n: int) -> list[Arch]:
    """The subnets trained on one batch: sandwich (largest, smallest, then random) or ``n`` uniform draws."""
    if sampling == "sandwich":
        archs = [space.extreme(largest=True), space.extreme(largest=False)][:n]
        return archs + [space.sample(rng) for _ in range(n - len(archs))]
    return [space.sample(rng) for _ in range(n)]


def load_checkpoint(path: Path) -> dict[str, object] | None:
    if not path.exists():
        return None
    return torch.load(path, map_location="cpu", weights_only=False)  # type: ignore[no-any-return]


def _save_checkpoint(path: Path, state: dict[str, object]) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)  # atomic: a kill never leaves half a checkpoint


def train_supernet(supernet: Supernet, data: DataSplits, cfg: TrainConfig, seed: int,
                   checkpoint: Path | None = None) -> TrainResult:
    """Train ``supernet`` on ``data.train_*``; resume from ``checkpoint`` when it holds an unfinished run."""
    space = supernet.space()
    gen = torch.Generator().manual_seed(seed)  # batch order
    rng = np.random.default_rng(seed)  # subnet sampling
    opt = torch.optim.SGD(supernet.parameters(), lr=cfg.lr, momentum=cfg.momentum,
                          weight_decay=cfg.weight_decay, nesterov=cfg.momentum > 0)
    steps_per_epoch = math.ceil(len(data.train_y) / cfg.batch_size)
    total, warmup = cfg.epochs * steps_per_epoch, int(cfg.warmup_epochs * steps_per_epoch)

    # -- resume ------------------------------------------------------------------------------------------------------
    start_epoch, loss_value = 0, float("nan")
    state = load_checkpoint(checkpoint) if checkpoint is not None else None
    if state is not None:
        supernet.load_state_dict(state["model"])  # type: ignore[arg-type]
        opt.load_state_dict(state["optimizer"])  # type: ignore[arg-type]
        gen.set_state(state["torch_gen"])  # type: ignore[arg-type]
        rng.bit_generator.state = state["np_rng"]
        start_epoch = int(state["epoch"])  # type: ignore[call-overload]
        loss_value = float(state.get("loss", float("nan")))  # type: ignore[arg-type]

    # -- train -------------------------------------------------------------------------------------------------------
    t0, seen = time.perf_counter(), 0
    supernet.train()
    bar = tqdm(total=total, initial=start_epoch * steps_per_epoch, desc="supernet", unit="step",
               disable=not cfg.progress, dynamic_ncols=True, leave=True)
    for epoch in range(start_epoch, cfg.epochs):
        for i, (x, y) in enumerate(iterate_batches(data.train_x, data.train_y, cfg.batch_size, gen)):
            lr = get_lr(epoch * steps_per_epoch + i, total, cfg.lr, warmup)
            for group in opt.param_groups:
                group["lr"] = lr
            opt.zero_grad(set_to_none=True)
            archs = subnets_for_step(space, rng, cfg.sampling, cfg.subnets_per_step)
            step_loss = 0.0
            for arch in archs:
                supernet.set_active_subnet(arch)
                loss = F.cross_entropy(supernet(x), y) / len(archs)  # (N, classes) vs (N,)
                loss.backward()
                step_loss += loss.item()
            opt.step()
            seen += len(y) * len(archs)
            loss_value = step_loss if math.isnan(loss_value) else 0.9 * loss_value + 0.1 * step_loss
            bar.update(1)
            bar.set_postfix(epoch=epoch + 1, loss=f"{loss_value:.3f}",
                            img_s=f"{seen / max(1e-9, time.perf_counter() - t0):.0f}")
        if checkpoint is not None:
            _save_checkpoint(checkpoint, {"epoch": epoch + 1, "epochs": cfg.epochs, "model": supernet.state_dict(),
                                          "optimizer": opt.state_dict(), "torch_gen": gen.get_state(),
                                          "np_rng": rng.bit_generator.state, "loss": loss_value})
    bar.close()
    supernet.set_max_net()
    elapsed = time.perf_counter() - t0
    return TrainResult(cfg.epochs, start_epoch, loss_value, elapsed, seen / max(1e-9, elapsed))
