"""Score one candidate: export its subnet, recalibrate BatchNorm, write its SimConfig.ini, simulate.

``accuracy`` is the top-1 of ``PIMInterface.hardware_evaluate`` (crossbar-emulated inference) on the validation split,
and the cost metrics come from the same ``PIMInterface`` built from the same INI file, so accuracy and cost always
read the same hardware. A candidate whose simulation fails (it does not fit on the chip, say) is returned with
``status="failed"`` and the reason, and the search goes on.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from pipeline.data import DataSplits, iterate_batches
from pipeline.ini_conversion import write_candidate_ini
from pipeline.search_space import Arch
from pipeline.supernet import Supernet
from sim.config import SimConfig
from sim.errors import SimConfigError

__all__ = ["EvalSettings", "CandidateResult", "recalibrate_bn", "top1", "evaluate_candidate", "METRICS"]

METRICS: tuple[str, ...] = ("accuracy", "energy_mJ", "latency_ms", "area_mm2", "power_W",
                            "software_accuracy", "avg_power_W", "edp")
"""Metric names logged per candidate (the first five are the issue's required ones; ``edp`` is mJ x ms)."""


@dataclass(frozen=True)
class EvalSettings:
    """How candidates are scored (``evaluation:`` in ``conf/config.yaml``)."""

    bn_calib_batches: int = 4  # training batches used to re-estimate BatchNorm statistics
    bn_calib_batch_size: int = 256
    act_calib_size: int = 256  # training images used to calibrate the simulator's activation ranges
    weight_bits: int = 9
    act_bits: int = 9
    variation: bool = False  # device conductance variation in hardware_evaluate
    saf: bool = False  # stuck-at faults in hardware_evaluate
    compat: str | None = None  # None (pim-nas) or "mnsim" (MNSIM 2.0's quirks)
    eval_batch_size: int = 512  # validation images per hardware_evaluate call


@dataclass
class CandidateResult:
    """One scored (or failed) candidate."""

    index: int
    arch: Arch
    status: str  # "ok" | "failed"
    metrics: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    ini_path: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {"index": self.index, "arch": self.arch.to_dict(), "status": self.status, "metrics": self.metrics,
                "error": self.error, "seconds": self.seconds, "ini_path": self.ini_path}

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> CandidateResult:
        return cls(int(rec["index"]), Arch.from_dict(rec["arch"]), rec["status"],
                   {k: float(v) for k, v in rec["metrics"].items()}, rec.get("error"), float(rec["seconds"]),
                   rec.get("ini_path"))


def recalibrate_bn(net: nn.Module, x: torch.Tensor, batch_size: int, batches: int, generator: torch.Generator) -> None:
    """Re-estimate every BatchNorm's running mean/variance from ``batches`` training batches (cumulative average)."""
    bns = [m for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative moving average over the calibration batches
    net.train()
    dummy_y = torch.zeros(len(x), dtype=torch.long)
    with torch.no_grad():
        for i, (xb, _) in enumerate(iterate_batches(x, dummy_y, batch_size, generator)):
            if i >= batches:
                break
            net(xb)
    net.eval()


def top1(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of rows whose arg-max equals the label."""
    return float((logits.argmax(dim=1) == y).float().mean())


def _forward_batched(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, batch: int) -> torch.Tensor:
    return torch.cat([fn(x[i:i + batch]) for i in range(0, len(x), batch)])


def _make_pim(net: nn.Module, cfg: SimConfig, input_shape: tuple[int, int, int], s: EvalSettings) -> Any:
    from sim import PIMInterface  # the simulator's public entry point

    return PIMInterface(net, cfg, input_shape, s.compat, weight_bits=s.weight_bits, act_bits=s.act_bits)


def evaluate_candidate(index: int, arch: Arch, supernet: Supernet, data: DataSplits, base_hw: SimConfig,
                       settings: EvalSettings, out_dir: Path, seed: int,
                       make_pim: Callable[..., Any] = _make_pim) -> CandidateResult:
    """Score candidate ``index`` (its files go to ``out_dir/candidate-<index>/``).

    Randomness (calibration batches, hardware noise) is seeded from ``(seed, index)``, so a candidate scores the same
    whatever ran before it (which makes resumed runs reproduce uninterrupted ones).
    """
    t0 = time.perf_counter()
    cand_dir = out_dir / f"candidate-{index:04d}"
    cand_dir.mkdir(parents=True, exist_ok=True)
    (cand_dir / "genotype.json").write_text(json.dumps({"index": index, **arch.to_dict()}, indent=1))
    ini_path = cand_dir / "SimConfig.ini"
    try:
        # -- network: export, recalibrate BN, software accuracy ----------------------------------------------------
        net = supernet.get_active_subnet(arch.network())
        gen = torch.Generator().manual_seed(seed * 100_003 + index)
        recalibrate_bn(net, data.train_x, settings.bn_calib_batch_size, settings.bn_calib_batches, gen)
        with torch.no_grad():
            sw_logits = _forward_batched(net, data.val_x, settings.eval_batch_size)  # (N_val, classes)
        software_accuracy = top1(sw_logits, data.val_y)

        # -- hardware: one INI on disk, read back by the simulator for both accuracy and cost ----------------------
        sim_cfg = write_candidate_ini(base_hw, arch.hardware(), ini_path)
        pim = make_pim(net, sim_cfg, data.input_shape, settings)
        calib_idx = torch.randperm(len(data.train_y), generator=gen)[: settings.act_calib_size]
        pim.calibrate(data.train_x[calib_idx])
        noise_seed = seed * 100_003 + index
        hw_logits = _forward_batched(
            lambda xb: pim.hardware_evaluate(xb, variation=settings.variation, saf=settings.saf, seed=noise_seed),
            data.val_x, settings.eval_batch_size)
        energy, latency = float(pim.energy_evaluate()), float(pim.latency_evaluate())
        metrics = {
            "accuracy": top1(hw_logits, data.val_y),
            "energy_mJ": energy,
            "latency_ms": latency,
            "area_mm2": float(pim.area_evaluate()),
            "power_W": float(pim.power_evaluate()),
            "software_accuracy": software_accuracy,
            "avg_power_W": float(pim.avg_power_evaluate()),
            "edp": energy * latency,
        }
        bad = [k for k, v in metrics.items() if not math.isfinite(v)]
        if bad:
            raise ValueError(f"simulator returned non-finite {', '.join(bad)}")
        return CandidateResult(index, arch, "ok", metrics, None, time.perf_counter() - t0, str(ini_path))
    except SimConfigError as exc:
        reason = str(exc)
    except Exception as exc:  # noqa: BLE001 - any simulator failure fails this candidate only; the search goes on
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:2000]
    return CandidateResult(index, arch, "failed", {}, reason, time.perf_counter() - t0,
                           str(ini_path) if ini_path.exists() else None)
