"""Bit slicing of integer weights and inputs, and the shift-and-add coefficients.

Weights (integer levels ``W`` in ``[-t_w, t_w]``) are stored in sign-magnitude. ``|W|`` is written in base
``2**cell_bits``; slice ``j`` (least significant first) is digit ``j``:

* polarity 2: the positive array holds ``digit_j(|W|)`` where ``W > 0`` and 0 elsewhere, the negative array holds
  ``digit_j(|W|)`` where ``W < 0``; both take ``cell_bits`` bits per cell (levels ``0 .. 2**c - 1``) and are
  subtracted in the analog domain before the ADC (MNSIM's Sub_Position 0), so the ADC sees
  ``conv(a, pos_j) - conv(a, neg_j)``;
* polarity 1 (MNSIM 2.0's model): one array of signed slices ``sign(W) * digit_j(|W|)``, with
  ``ceil(weight_bits / cell_bits)`` slices (:func:`sim.slicing.slicing_for` says how many).

Inputs (integer levels ``A``) are fed ``dac_bits`` at a time as signed slices ``sign(A) * digit_i(|A|)`` in base
``2**dac_bits``. ``A * W = sum_ij 2**(i*d + j*c) * a_i * w_j`` exactly, which is what the shift-and-add restores.
"""

from __future__ import annotations

import torch

__all__ = ["unsigned_digits", "signed_digits", "weight_cell_arrays", "shift_coefficients"]


def unsigned_digits(x_abs: torch.Tensor, n_slices: int, bits: int) -> torch.Tensor:
    """Digits of the non-negative integers ``x_abs`` in base ``2**bits``, least significant first.

    Shape ``(n_slices, *x_abs.shape)``, dtype of ``x_abs``; values in ``[0, 2**bits - 1]``. Digits beyond
    ``n_slices`` are dropped (callers size ``n_slices`` so that none are). Integer shifts and masks underneath.
    """
    xi = x_abs.to(torch.int64)
    mask = 2**bits - 1
    out = torch.stack([(xi >> (j * bits)) & mask for j in range(n_slices)])
    return out.to(x_abs.dtype)


def signed_digits(x: torch.Tensor, n_slices: int, bits: int, dtype: torch.dtype | None = None) -> torch.Tensor:
    """Sign-magnitude slices ``sign(x) * digit_j(|x|)`` of the integers ``x``: shape ``(n_slices, *x.shape)``.

    ``dtype``: of the result (default ``x.dtype``); ``torch.int8`` holds any slice of up to 7 bits compactly.
    """
    xi = x.to(torch.int32)
    sign = torch.sign(xi).to(torch.int8)
    mag = xi.abs()
    mask = 2**bits - 1
    small = torch.int8 if bits <= 7 else torch.int16
    out = torch.empty((n_slices, *x.shape), dtype=small, device=x.device)
    for j in range(n_slices):
        torch.mul(((mag >> (j * bits)) & mask).to(small), sign, out=out[j])
    return out.to(dtype or x.dtype)


def weight_cell_arrays(w_int: torch.Tensor, n_slices: int, cell_bits: int,
                       polarity: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Cell values of integer weights ``w_int``: ``(pos, neg)`` each ``(n_slices, *w_int.shape)``.

    Polarity 2: ``pos``/``neg`` hold non-negative cell levels ``0 .. 2**c - 1`` (effective slice ``pos - neg``).
    Polarity 1: ``pos`` holds the signed slices, ``neg`` is None.
    """
    if polarity == 2:
        mag = unsigned_digits(w_int.abs(), n_slices, cell_bits)
        return mag * (w_int > 0), mag * (w_int < 0)
    if polarity == 1:
        return signed_digits(w_int, n_slices, cell_bits), None
    raise ValueError(f"crossbar polarity must be 1 or 2, got {polarity}")


def shift_coefficients(n_slices: int, bits: int, dtype: torch.dtype = torch.float64,
                       device: torch.device | None = None) -> torch.Tensor:
    """``2**(j * bits)`` for ``j = 0 .. n_slices - 1``: the shift-and-add weight of each slice (shape ``(n,)``)."""
    return torch.tensor([float(2 ** (j * bits)) for j in range(n_slices)], dtype=dtype, device=device)
