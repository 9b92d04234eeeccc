"""Device non-idealities applied to the crossbar cell arrays: finite on/off ratio, variation, stuck-at faults.

Cells hold levels ``0 .. 2**c - 1`` (c = cell bits). Level ``j`` is programmed to resistance ``R[j]``
(``[Device level] Device_Resistance``, HRS first). Its conductance, normalised so that the top level reads as its
ideal digit value ``m = 2**c - 1``, is ``g_j = m * R[m] / R[j]``: ideal levels are ``0, 1, .., m``, real ones have
a non-zero HRS (``g_0 = m * R[m] / R[0]``, the finite on/off ratio) and whatever non-linearity the resistance list
has. With ``Device_Level`` not a power of two the first ``2**c`` resistances are used.

Drawn per cell, from a ``torch.Generator`` seeded by the caller (reproducible, no global RNG):

* stuck-at faults (``saf``): ``u ~ U(0, 1)``; ``u < SAF_HRS/100`` -> the cell is stuck at level 0 (HRS),
  ``u > 1 - SAF_LRS/100`` -> stuck at level ``m`` (LRS);
* variation (``variation``): ``g <- g * (1 + sigma * z)``, ``z ~ N(0, 1)``, ``sigma = Device_Variation / 100``
  (``Device_Variation`` is the standard deviation in % of the level's value), floored at 0 conductance.

Order: faults replace the programmed level, the level maps to its conductance, variation perturbs it.
The ideal path (no faults, no variation) uses the exact digits: the finite on/off ratio is applied only when a
non-ideality is requested (or explicitly with ``on_off=True``), so that ideal hardware reproduces the digital
reference exactly.

Polarity 1 (signed slices in one array, MNSIM 2.0's abstraction): a cell of value ``v`` contributes
``sign(v) * g(|v|)``, a zero cell contributes ``+g_0``, and a stuck-at-LRS cell ``sign(w) * g_m`` (``+`` for w = 0).
"""

from __future__ import annotations

import torch

from sim.config import DeviceConfig

__all__ = ["level_conductances", "apply_nonidealities"]


def level_conductances(device: DeviceConfig, cell_bits: int) -> list[float]:
    """Normalised conductance of each cell level ``j = 0 .. 2**c - 1``: ``m * R[m] / R[j]``."""
    m = 2**cell_bits - 1
    res = list(device.resistance_ohm)
    if len(res) < m + 1:
        raise ValueError(f"Device_Resistance has {len(res)} values, {m + 1} levels are needed for {cell_bits}-bit cells")
    return [m * res[m] / res[j] for j in range(m + 1)]


def _physical(levels: torch.Tensor, device: DeviceConfig, cell_bits: int, *, variation: bool, saf: bool,
              on_off: bool, gen: torch.Generator, want_lrs_mask: bool = False
              ) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Normalised conductance (float32) of cells at non-negative integer ``levels``; stuck-at-LRS mask if asked."""
    m = 2**cell_bits - 1
    lv = levels.to(torch.float32, copy=True)
    stuck_lrs: torch.Tensor | None = None
    if saf:
        u = torch.rand(lv.shape, generator=gen, device=lv.device, dtype=torch.float32)
        hrs, lrs = device.saf_pct[0] / 100.0, device.saf_pct[1] / 100.0
        lrs_mask = u > 1.0 - lrs
        lv.masked_fill_(u < hrs, 0.0).masked_fill_(lrs_mask, float(m))
        stuck_lrs = lrs_mask if want_lrs_mask else None
    if on_off:
        table = level_conductances(device, cell_bits)
        slope = (table[-1] - table[0]) / m
        if all(abs(table[0] + slope * j - g) <= 1e-9 * max(1.0, abs(g)) for j, g in enumerate(table)):
            g = lv.mul_(slope).add_(table[0])  # affine levels (always so for 1-bit cells): one pass
        else:
            g = torch.tensor(table, dtype=torch.float32, device=lv.device)[lv.long()]
    else:
        g = lv
    if variation and device.variation_pct > 0:
        z = torch.randn(g.shape, generator=gen, device=g.device, dtype=torch.float32)
        g = g.addcmul_(g, z, value=device.variation_pct / 100.0).clamp_(min=0.0)
    return g, stuck_lrs


def apply_nonidealities(pos: torch.Tensor, neg: torch.Tensor | None, w_sign: torch.Tensor, device: DeviceConfig,
                        cell_bits: int, *, variation: bool, saf: bool, on_off: bool | None = None,
                        seed: int = 0) -> torch.Tensor:
    """Effective (analog-subtracted) slice weights ``g(pos) - g(neg)`` (polarity 2) or signed ``g(|pos|)`` (polarity 1).

    ``pos``/``neg``: cell values from :func:`sim.accuracy.bitslice.weight_cell_arrays`, shape ``(Cw, *w.shape)``;
    ``w_sign``: ``sign(W)`` of the weights, shape ``w.shape`` (polarity 1's stuck-at-LRS sign).
    ``on_off=None`` applies the finite on/off ratio iff ``variation or saf``. Returns float32, same shape as ``pos``,
    on ``pos.device``; the inputs are not modified. Draws from a generator seeded with ``seed``.
    """
    if on_off is None:
        on_off = variation or saf
    if not (variation or saf or on_off):
        return (pos - neg if neg is not None else pos).to(torch.float32)
    gen = torch.Generator(device=pos.device)
    gen.manual_seed(int(seed))
    if neg is not None:
        g_pos, _ = _physical(pos, device, cell_bits, variation=variation, saf=saf, on_off=on_off, gen=gen)
        g_neg, _ = _physical(neg, device, cell_bits, variation=variation, saf=saf, on_off=on_off, gen=gen)
        return g_pos - g_neg
    g, lrs_mask = _physical(pos.abs(), device, cell_bits, variation=variation, saf=saf, on_off=on_off, gen=gen,
                            want_lrs_mask=True)
    stuck_lrs = lrs_mask if lrs_mask is not None else torch.zeros(g.shape, dtype=torch.bool, device=g.device)
    one = torch.ones_like(g)
    wsign = torch.sign(w_sign).to(torch.float32).expand_as(g)
    wsign = torch.where(wsign == 0, one, wsign)
    cell_sign = torch.sign(pos).to(torch.float32)
    # a programmed cell keeps its slice's sign; a zero cell leaks +g_0 unless it is stuck at LRS (weight's sign)
    sign = torch.where(cell_sign != 0, cell_sign, torch.where(stuck_lrs, wsign, one))
    return g * sign
