"""ADC model: what one analog-to-digital conversion does to a crossbar partial sum.

A partial sum ``P`` (one column of one crossbar, for one input slice and one weight slice, in units of
``digit x digit``; an integer for ideal cells) is converted by a ``Q``-bit signed ADC to the code
``clamp(round(P * alpha), -(2**(Q-1) - 1), 2**(Q-1) - 1)`` and read back as ``code / alpha`` (same units as P).
Only ``alpha`` (codes per unit of P) depends on the range mode:

* ``SCALE`` (MNSIM's NAS flow, default): every partial sum is scaled as if it were the most significant slice pair
  and expressed in units of the layer's output range ``S``:
  ``alpha = s_w * s_a * 2**((Ci-1)*d + (Cw-1)*c) / S * 2**T`` with ``T = ps + Q - 1``,
  ``ps = floor(-2 + 0.5 * log2(n_splits))``. The ADC clips at ``+-2**-ps * S`` (in MSB units) with a step
  ``2**-T * S``; s_w, s_a are the weight and input LSBs, Ci/d input slices and DAC bits, Cw/c weight slices and cell
  bits, n_splits the crossbar row splits of the layer.
* ``FIX`` (MNSIM's ``-FixRange``): the ADC spans the full possible partial sum ``Rg = (2**d-1)(2**c-1) * rows``:
  ``alpha = 2**(Q-1) / Rg``. Lossless for integer partial sums when ``Rg`` is a power of two, ``Q - 1 >= log2(Rg)`` and
  ``|P| < Rg`` (the top code is ``2**(Q-1) - 1``, one short of full scale).
* ``IDEAL``: no conversion error (``code = P``); a modelling aid for checks, not hardware.
"""

from __future__ import annotations

import math

import torch

__all__ = ["ADC_MODES", "adc_levels", "scale_alpha", "fix_alpha", "adc_convert", "adc_convert_"]

ADC_MODES = ("SCALE", "FIX", "IDEAL")
POINT_SHIFT = -2  # MNSIM's quantize_config['point_shift']


def adc_levels(adc_bits: int) -> int:
    """Largest code magnitude ``2**(Q-1) - 1`` of a signed ``Q``-bit ADC (Q >= 2)."""
    if adc_bits < 2:
        raise ValueError(f"the signed ADC model needs at least 2 bits, got {adc_bits}")
    return int(2 ** (adc_bits - 1)) - 1


def scale_alpha(*, weight_lsb: float, input_lsb: float, output_range: float, input_slices: int, dac_bits: int,
                weight_slices: int, cell_bits: int, adc_bits: int, n_splits: int) -> float:
    """ADC codes per unit of partial sum in SCALE mode (formula in the module docstring)."""
    ps = math.floor(POINT_SHIFT + 0.5 * math.log2(n_splits))
    t = ps + adc_bits - 1
    msb = (input_slices - 1) * dac_bits + (weight_slices - 1) * cell_bits
    return weight_lsb * input_lsb / output_range * float(2.0 ** (msb + t))


def fix_alpha(*, dac_bits: int, cell_bits: int, rows: int, adc_bits: int) -> float:
    """ADC codes per unit of partial sum in FIX mode: ``2**(Q-1) / ((2**d-1)(2**c-1) rows)``."""
    rg = float((2**dac_bits - 1) * (2**cell_bits - 1) * rows)
    return float(2 ** (adc_bits - 1)) / rg


def adc_convert_(p: torch.Tensor, alpha: float, adc_bits: int) -> torch.Tensor:
    """In place: ``p <- clamp(round(p * alpha), -m, m)`` (the ADC *codes*, m = 2**(Q-1) - 1). Returns ``p``."""
    m = adc_levels(adc_bits)
    return p.mul_(alpha).round_().clamp_(-m, m)


def adc_convert(p: torch.Tensor, alpha: float, adc_bits: int) -> torch.Tensor:
    """Partial sums after the ADC, read back in partial-sum units: ``clamp(round(p * alpha), -m, m) / alpha``."""
    out: torch.Tensor = adc_convert_(p.clone(), alpha, adc_bits).div_(alpha)
    return out
