"""Fixed-point quantization: signed uniform quantizers, a straight-through fake-quantizer and range calibration.

A ``bits``-bit signed quantity (sign included, as MNSIM counts) takes the integer levels ``-t .. t`` with
``t = 2**(bits - 1) - 1`` (symmetric: the most negative two's-complement code is unused, as in MNSIM). A real value
``x`` with step ``lsb`` (the value of one integer level) maps to ``clamp(round(x / lsb), -t, t)``; rounding is
round-half-to-even (``torch.round``). A quantizer is described by its *range* ``r`` (the largest representable
magnitude) and ``lsb = r / t``.

Range calibration (:func:`calibrate_range`):

* weights: ``max|w|`` over the layer (MNSIM's weight rule), so no weight clips;
* activations: MNSIM's rule ``min(max|x|, 3 * std(x) + |mean(x)|)`` over the whole calibration batch (std unbiased).
  It clips the rare large values of a heavy-tailed activation instead of spending resolution on them; on a
  Gaussian-like input it clips at about 3 sigma. ``"max"`` and ``"percentile"`` (99.99 % of ``|x|``) are available.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = [
    "signed_levels",
    "quantize_int",
    "fake_quantize",
    "calibrate_range",
    "QuantizerState",
    "CALIBRATION_METHODS",
]

CALIBRATION_METHODS = ("mnsim", "max", "percentile")


def signed_levels(bits: int) -> int:
    """Largest integer level ``t = 2**(bits - 1) - 1`` of a signed ``bits``-bit quantity (sign included)."""
    if bits < 2:
        raise ValueError(f"a signed quantity needs at least 2 bits (sign included), got {bits}")
    return int(2 ** (bits - 1)) - 1


def quantize_int(x: torch.Tensor, lsb: float, bits: int) -> torch.Tensor:
    """Integer levels ``clamp(round(x / lsb), -t, t)`` of ``x`` (same shape and float dtype; no gradient)."""
    t = signed_levels(bits)
    return torch.round(x / lsb).clamp_(-t, t)


class _FakeQuantize(torch.autograd.Function):
    """``clamp(round(x / lsb), -t, t) * lsb`` forward; straight-through (masked to the range) backward."""

    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, x: torch.Tensor, lsb: float,  # type: ignore[override]
                bits: int) -> torch.Tensor:
        t = signed_levels(bits)
        ctx.save_for_backward(x.abs() <= t * lsb)
        return torch.round(x / lsb).clamp_(-t, t).mul_(lsb)

    @staticmethod
    def backward(ctx: torch.autograd.function.FunctionCtx,  # type: ignore[override]
                 grad: torch.Tensor) -> tuple[torch.Tensor, None, None]:
        (inside,) = ctx.saved_tensors  # type: ignore[attr-defined]
        return grad * inside, None, None


def fake_quantize(x: torch.Tensor, scale: float, bits: int) -> torch.Tensor:
    """Quantize-dequantize ``x`` to ``bits`` signed bits with step ``scale`` (the LSB, in the units of ``x``).

    Forward: ``clamp(round(x / scale), -t, t) * scale`` with ``t = 2**(bits-1) - 1``. Backward: the straight-through
    estimator, passing the gradient where ``|x| <= t * scale`` and zero where the value clipped, so it can be used
    for quantization-aware training. ``scale`` is a Python float (use ``QuantizerState.lsb``).
    """
    if scale <= 0:
        raise ValueError(f"quantizer step must be positive, got {scale}")
    out: torch.Tensor = _FakeQuantize.apply(x, float(scale), int(bits))  # type: ignore[no-untyped-call]
    return out


def calibrate_range(x: torch.Tensor, method: str = "mnsim") -> float:
    """Range (largest magnitude kept) of a signed quantizer for the values in ``x``.

    ``"mnsim"``: ``min(max|x|, 3 * std + |mean|)``; ``"max"``: ``max|x|``; ``"percentile"``: the 99.99th percentile
    of ``|x|``. Returns a positive float (a tiny positive value when ``x`` is all zeros, so the LSB is never 0).
    """
    xf = x.detach().to(torch.float64).flatten()
    amax = float(xf.abs().max()) if xf.numel() else 0.0
    if method == "max":
        r = amax
    elif method == "mnsim":
        std = float(xf.std()) if xf.numel() > 1 else 0.0
        r = min(amax, 3.0 * std + abs(float(xf.mean()))) if xf.numel() else 0.0
    elif method == "percentile":
        r = float(torch.quantile(xf.abs()[: 2**24], 0.9999)) if xf.numel() else 0.0
    else:
        raise ValueError(f"unknown calibration method {method!r}; accepted: {CALIBRATION_METHODS}")
    return r if r > 0.0 else 1e-12


@dataclass
class QuantizerState:
    """A calibrated signed quantizer: ``bits`` (sign included) and ``range`` (0.0 until calibrated).

    ``observe(x)`` sets the range from a batch (first call) or moves it towards the batch's range by an exponential
    moving average (``range = momentum * range + (1 - momentum) * new``), for calibration over several batches or
    during training. ``momentum=0`` keeps only the latest batch.
    """

    bits: int
    range: float = 0.0
    method: str = "mnsim"
    momentum: float = 0.0

    @property
    def calibrated(self) -> bool:
        return self.range > 0.0

    @property
    def levels(self) -> int:
        """Largest integer level ``t``."""
        return signed_levels(self.bits)

    @property
    def lsb(self) -> float:
        """Value of one integer level: ``range / t`` (raises if not calibrated)."""
        if not self.calibrated:
            raise RuntimeError("quantizer is not calibrated: call observe() first")
        return self.range / self.levels

    def observe(self, x: torch.Tensor) -> float:
        """Update the range from ``x`` and return it."""
        new = calibrate_range(x, self.method)
        self.range = new if not self.calibrated else self.momentum * self.range + (1.0 - self.momentum) * new
        return self.range

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Fake-quantize ``x`` (straight-through gradient)."""
        return fake_quantize(x, self.lsb, self.bits)

    def to_int(self, x: torch.Tensor) -> torch.Tensor:
        """Integer levels of ``x`` (float tensor holding integers in ``[-t, t]``)."""
        return quantize_int(x, self.lsb, self.bits)
