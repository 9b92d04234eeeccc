"""Bit-sliced crossbar inference: :class:`AnalogModel` wraps any ``nn.Module`` built from Conv2d/Linear layers.

``AnalogModel(model, cfg, slicing)`` deep-copies ``model`` (the caller's module is never modified), puts the copy in
eval mode, folds every BatchNorm that directly follows a Conv2d/Linear into it (found by ``torch.fx`` tracing; a
network that cannot be traced keeps its BatchNorms as digital layers) and swaps every ``nn.Conv2d``/``nn.Linear``
for an :class:`AnalogLayer`. Other modules (ReLU, pooling, residual adds, ...) run digitally in floating point.

Each analog layer quantizes *its own input* (``act_bits``, range calibrated on data), its weights (``weight_bits``,
range ``max|w|``) and its output (``act_bits``, calibrated range ``S``). Two forwards share these scales:

* ``origin_forward``: the quantized digital reference: ``y = Q_out(conv(A, W) * s_a * s_w + bias)`` with integer
  inputs ``A`` and weights ``W`` (MNSIM's ``origin_evaluate`` / ``FIX_TRAIN``);
* ``hardware_forward``: the same layer computed the way the crossbars do (MNSIM's ``hardware_evaluate``):
  input slices of ``dac_bits`` x weight slices of ``cell_bits`` x row splits of the crossbar height, every partial
  sum through the ADC, then shift-and-add, bias and output quantization. Optional device non-idealities
  (:mod:`sim.accuracy.noise`) perturb the cell conductances.

Layout (per layer; Ci input slices of ``dac_bits``, Cw weight slices of ``cell_bits``, S row splits of ``cN``
whole input channels each, ``K = cN*kh*kw`` crossbar rows used, padded with zero rows to ``Kp``, a multiple of 32):

* weights, sliced once and cached on the device: ``(S, Kp, Cout*Cw)`` -- split ``s`` is one crossbar's matrix, the
  weight slices of an output channel sit in adjacent columns;
* inputs: the patches of the integer input are gathered once (int16), the ``Ci`` slices cut with shifts, giving
  ``(S, Ci*N*L, Kp)`` (L output positions): every DAC cycle of every crossbar is a row;
* one batched matrix product over the splits gives every partial sum ``P[s, (i, n, l), (o, j)]`` (the row splits
  play the role of the groups of a grouped convolution); the ADC is elementwise on it; the shift-and-add is a sum
  over ``s`` (weight 1), a matrix-vector product over ``j`` (weights ``2**(j*c)``) and one over ``i``
  (``2**(i*d)``).

Work is chunked over the batch (and over splits for very large layers) so the partial sums of a chunk stay in
cache; no Python loop runs over slices.

Exactness: slice digits and ideal partial sums are small integers. The matrix product runs in bfloat16 when that is
exact (ideal cells and ``|P| <= 256``, e.g. 1-bit DAC x 1-bit cells x 256 rows: bf16 holds every integer up to 256
and the product accumulates in fp32), else in the model dtype (float32 by default, float64 on request).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from sim.accuracy.adc import ADC_MODES, adc_levels, fix_alpha, scale_alpha
from sim.accuracy.bitslice import shift_coefficients, signed_digits
from sim.accuracy.noise import apply_nonidealities
from sim.accuracy.quantize import QuantizerState, signed_levels
from sim.config import SimConfig
from sim.slicing import Slicing

__all__ = ["AnalogModel", "AnalogLayer", "fold_batchnorm", "convert_to_analog"]

_CHUNK_ELEMENTS = 2**20  # partial sums per chunk (4 MB in float32): keeps the ADC passes in cache
_MIN_ROWS = 512  # at least this many rows (DAC cycles x images x positions) per matrix product, when the batch allows


@dataclass
class _RunContext:
    """Shared, mutable settings of one AnalogModel's forward pass (read by every AnalogLayer)."""

    mode: str = "origin"  # float | calibrate | origin | hardware
    adc_mode: str = "SCALE"
    variation: bool = False
    saf: bool = False
    on_off: bool | None = None
    seed: int = 0
    compute_dtype: torch.dtype | None = None  # None: automatic (bfloat16 when exact)
    chunk_elements: int = _CHUNK_ELEMENTS


@dataclass(frozen=True)
class _Hardware:
    """What an analog layer needs from the hardware configuration."""

    rows: int
    cell_bits: int
    dac_bits: int
    adc_bits: int
    polarity: int
    weight_bits: int
    act_bits: int
    weight_slices: int
    input_slices: int
    device_cfg: Any  # sim.config.DeviceConfig


def _bf16_supported(device: torch.device) -> bool:
    if device.type == "cuda":
        return True
    if device.type == "cpu":
        try:
            return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
        except (AttributeError, RuntimeError):
            return False
    return False


def _to_float(p: torch.Tensor, acc: torch.dtype) -> torch.Tensor:
    """A contiguous ``acc`` version of the fresh temporary ``p`` (may alias it when already ``acc``).

    bfloat16 -> float32 on CPU goes through the bit pattern (a bf16 is the top half of the fp32 of the same value):
    sign-extend to int32, shift left 16, reinterpret. Exact, and faster than ``Tensor.float()`` there.
    """
    if p.dtype == torch.bfloat16 and acc == torch.float32 and p.device.type == "cpu" and _BF16_BIT_TRICK:
        i = p.contiguous().view(torch.int16).to(torch.int32)
        return i.bitwise_left_shift_(16).view(torch.float32)
    return p.to(acc).contiguous() if p.dtype != acc else p.contiguous()


_BF16_BIT_TRICK = True


class AnalogLayer(nn.Module):
    """A Conv2d or Linear layer mapped onto crossbars (see the module docstring).

    Buffers: ``weight`` (float weights, BatchNorm folded, dense even for grouped convolutions) and ``bias``.
    Quantizers: ``in_q`` (input, act bits), ``out_q`` (output, act bits); ``weight_range = max|weight|``.
    """

    weight: torch.Tensor
    bias: torch.Tensor | None

    def __init__(self, src: nn.Conv2d | nn.Linear, hw: _Hardware, ctx: _RunContext) -> None:
        super().__init__()
        self.hw = hw
        self.ctx = ctx
        w = src.weight.detach().clone()
        if isinstance(src, nn.Conv2d):
            if src.padding_mode != "zeros":
                raise NotImplementedError(f"padding_mode={src.padding_mode!r} is not supported (only 'zeros')")
            if isinstance(src.padding, str):
                raise NotImplementedError("string padding ('same'/'valid') is not supported; give integers")
            self.kind = "conv"
            if src.groups > 1:  # block-diagonal dense weight: each group's rows hold zeros for other groups
                cout, cin_g = w.shape[0], w.shape[1]
                dense = w.new_zeros((cout, cin_g * src.groups, *w.shape[2:]))
                per = cout // src.groups
                for g in range(src.groups):
                    dense[g * per:(g + 1) * per, g * cin_g:(g + 1) * cin_g] = w[g * per:(g + 1) * per]
                w = dense
            self.stride = tuple(src.stride)
            self.padding = tuple(src.padding)
            self.dilation = tuple(src.dilation)
            kh, kw = int(w.shape[2]), int(w.shape[3])
            self.channels_per_split = hw.rows // (kh * kw)
            if self.channels_per_split < 1:
                raise ValueError(f"a {kh}x{kw} kernel needs {kh * kw} rows, the crossbar has {hw.rows}")
        elif isinstance(src, nn.Linear):
            self.kind = "fc"
            self.stride, self.padding, self.dilation = (1, 1), (0, 0), (1, 1)
            self.channels_per_split = hw.rows
        else:  # pragma: no cover - guarded by convert_to_analog
            raise TypeError(type(src))
        self.out_channels = int(w.shape[0])
        self.in_channels = int(w.shape[1])
        self.register_buffer("weight", w)
        bias = src.bias.detach().clone() if src.bias is not None else None
        self.register_buffer("bias", bias)
        self.n_splits = math.ceil(self.in_channels / self.channels_per_split)
        self.in_q = QuantizerState(hw.act_bits)
        self.out_q = QuantizerState(hw.act_bits)
        self._cache: dict[tuple[Any, ...], torch.Tensor] = {}
        self._w_range: float | None = None

    # ----------------------------------------------------------------------------------------------- weights
    @property
    def weight_range(self) -> float:
        """``max|weight|`` (computed once; the weights of the copy never change)."""
        if self._w_range is None:
            r = float(self.weight.detach().abs().max())
            self._w_range = r if r > 0 else 1e-12
        return self._w_range

    @property
    def weight_lsb(self) -> float:
        return self.weight_range / signed_levels(self.hw.weight_bits)

    def _as4d(self, w: torch.Tensor) -> torch.Tensor:
        return w if w.dim() == 4 else w.reshape(*w.shape, 1, 1)

    def weight_int(self) -> torch.Tensor:
        """Integer weight levels (float64, same shape as ``weight``)."""
        key = ("wint", self.weight.device)
        if key not in self._cache:
            t = signed_levels(self.hw.weight_bits)
            self._cache[key] = torch.round(self.weight.double() / self.weight_lsb).clamp_(-t, t)
        return self._cache[key]

    @property
    def kernel(self) -> tuple[int, int]:
        return (int(self.weight.shape[2]), int(self.weight.shape[3])) if self.weight.dim() == 4 else (1, 1)

    @property
    def rows_per_split(self) -> int:
        """Crossbar rows a split uses: ``cN * kh * kw`` (whole input channels per crossbar)."""
        kh, kw = self.kernel
        return self.channels_per_split * kh * kw

    @property
    def padded_rows(self) -> int:
        """``rows_per_split`` rounded up to a multiple of 32 (zero rows; matrix kernels run faster aligned)."""
        return -(-self.rows_per_split // 32) * 32

    def _origin_weight(self, dtype: torch.dtype) -> torch.Tensor:
        key = ("origin", self.weight.device, dtype)
        if key not in self._cache:
            self._cache[key] = self._as4d(self.weight_int()).to(dtype)
        return self._cache[key]

    def sliced_weight(self, dtype: torch.dtype) -> torch.Tensor:
        """Crossbar matrices of the (possibly non-ideal) slices: ``(S, Kp, Cout*Cw)`` for a batched matmul.

        ``[s, r, o*Cw + j]`` is row ``r`` of split ``s`` (rows in (kh, kw, channel) order: kernel position
        ``r // cN``, input channel ``s*cN + r % cN``; rows ``>= cN*kh*kw`` are zero padding), output channel ``o``,
        weight slice ``j``.
        """
        c = self.ctx
        noisy = c.variation or c.saf or bool(c.on_off)
        key = ("sliced", self.weight.device, dtype, c.variation, c.saf, c.on_off, c.seed if noisy else None)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        for k in [k for k in self._cache if k[0] == "sliced" and k[3:] != key[3:]]:
            del self._cache[k]  # keep the ideal weights and one non-ideal draw
        hw = self.hw
        w_int = self._as4d(self.weight_int())
        small = torch.int8 if hw.cell_bits <= 7 else torch.int16
        if noisy:
            sd = signed_digits(w_int, hw.weight_slices, hw.cell_bits, small)  # (Cw, Cout, Cin, kh, kw)
            if hw.polarity == 2:
                pos, neg = sd.clamp(min=0), sd.neg().clamp_(min=0)
            else:
                pos, neg = sd, None
            eff = apply_nonidealities(pos, neg, torch.sign(w_int), hw.device_cfg, hw.cell_bits,
                                      variation=c.variation, saf=c.saf, on_off=c.on_off, seed=c.seed)
        else:  # ideal cells: the analog difference pos - neg is the signed digit (both polarities)
            eff = signed_digits(w_int, hw.weight_slices, hw.cell_bits, small)
        cw, cout, cin, kh, kw = eff.shape
        cn, s = self.channels_per_split, self.n_splits
        k_rows = cn * kh * kw
        eff = F.pad(eff, (0, 0, 0, 0, 0, s * cn - cin))  # zero rows for the last, partial split
        eff = eff.reshape(cw, cout, s, cn, kh, kw).permute(2, 4, 5, 3, 1, 0)  # (S, kh, kw, cN, Cout, Cw)
        out = torch.zeros((s, self.padded_rows, cout * cw), dtype=dtype, device=eff.device)
        out[:, :k_rows] = eff.reshape(s, k_rows, cout * cw)
        self._cache[key] = out
        return out

    def clear_cache(self) -> None:
        self._cache.clear()

    # ----------------------------------------------------------------------------------------------- forward
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mode = self.ctx.mode
        if self.kind == "fc":
            lead = x.shape[:-1]
            y = self._forward4d(x.reshape(-1, x.shape[-1], 1, 1), mode)
            return y.reshape(*lead, self.out_channels)
        return self._forward4d(x, mode)

    def _conv(self, x: torch.Tensor, w: torch.Tensor, groups: int = 1) -> torch.Tensor:
        return F.conv2d(x, w, None, self.stride, self.padding, self.dilation, groups)

    def _add_bias(self, y: torch.Tensor) -> torch.Tensor:
        if self.bias is None:
            return y
        return y + self.bias.to(y.dtype).reshape(1, -1, 1, 1)

    def _forward4d(self, x: torch.Tensor, mode: str) -> torch.Tensor:
        if mode == "float":
            return self._add_bias(self._conv(x, self._as4d(self.weight).to(x.dtype)))
        if mode == "calibrate":
            r = self.in_q.range
            self.in_q.observe(x)
            self.in_q.range = max(r, self.in_q.range)  # a layer called twice keeps the larger range
        a = self.in_q.to_int(x)
        scale = self.in_q.lsb * self.weight_lsb
        if mode == "hardware":
            y_int = self._crossbar(a)
        else:
            y_int = self._conv(a, self._origin_weight(x.dtype))
        y = self._add_bias(y_int * scale)
        if mode == "calibrate":
            r = self.out_q.range
            self.out_q.observe(y)
            self.out_q.range = max(r, self.out_q.range)
        return self.out_q(y)

    def _alpha(self) -> float | None:
        hw, mode = self.hw, self.ctx.adc_mode
        if mode == "IDEAL":
            return None
        if mode == "FIX":
            return fix_alpha(dac_bits=hw.dac_bits, cell_bits=hw.cell_bits, rows=hw.rows, adc_bits=hw.adc_bits)
        return scale_alpha(weight_lsb=self.weight_lsb, input_lsb=self.in_q.lsb, output_range=self.out_q.range,
                           input_slices=hw.input_slices, dac_bits=hw.dac_bits, weight_slices=hw.weight_slices,
                           cell_bits=hw.cell_bits, adc_bits=hw.adc_bits, n_splits=self.n_splits)

    def _compute_dtype(self, acc: torch.dtype, device: torch.device) -> torch.dtype:
        c, hw = self.ctx, self.hw
        if c.compute_dtype is not None:
            return c.compute_dtype
        ideal = not (c.variation or c.saf or c.on_off)
        p_max = (2**hw.dac_bits - 1) * (2**hw.cell_bits - 1) * self.rows_per_split
        if ideal and p_max <= 256 and _bf16_supported(device):
            return torch.bfloat16
        return acc

    def _crossbar_inputs(self, a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        """Input slices of integer inputs ``a`` (b, Cin, H, W), laid out per crossbar: ``(S, Ci*b*L, Kp)``.

        Row ``(i, n, l)`` of split ``s`` holds input slice ``i`` of image ``n`` at output position ``l`` on the
        crossbar's ``Kp`` rows (order kh, kw, channel as in :meth:`sliced_weight`; zero padding rows). The patches
        are gathered once from the int16 levels (channels-last strided view); slices are cut with integer shifts.
        """
        hw = self.hw
        ci, cn, s_tot = hw.input_slices, self.channels_per_split, self.n_splits
        b, cin = a.shape[0], a.shape[1]
        k_rows, kp = self.rows_per_split, self.padded_rows
        a16 = a.to(torch.int16)  # |A| <= 2**(act_bits-1) - 1 < 2**15
        if self.kind == "conv":
            kh, kw = self.kernel
            ph, pw = self.padding
            a16 = F.pad(a16, (pw, pw, ph, ph, 0, s_tot * cn - cin))
            x = a16.permute(0, 2, 3, 1).contiguous()  # (b, Hp, Wp, S*cN)
            hp, wp = x.shape[1], x.shape[2]
            ho = (hp - self.dilation[0] * (kh - 1) - 1) // self.stride[0] + 1
            wo = (wp - self.dilation[1] * (kw - 1) - 1) // self.stride[1] + 1
            sb_, sh, sw, sc = x.stride()
            patches = x.as_strided((b, ho, wo, kh, kw, s_tot, cn),
                                   (sb_, sh * self.stride[0], sw * self.stride[1], sh * self.dilation[0],
                                    sw * self.dilation[1], cn * sc, sc))
            n_pos = ho * wo
            ui = patches.permute(5, 0, 1, 2, 3, 4, 6).reshape(s_tot, b, n_pos, k_rows)  # (S, b, L, K) copy
        else:
            n_pos = 1
            a16 = F.pad(a16.reshape(b, cin), (0, s_tot * cn - cin))
            ui = a16.reshape(b, s_tot, cn).permute(1, 0, 2).reshape(s_tot, b, 1, cn)
        sign = torch.sign(ui)
        mag = ui.abs_()
        out = torch.empty((s_tot, ci, b, n_pos, kp), dtype=dtype, device=a.device)
        if kp > k_rows:
            out[..., k_rows:] = 0
        mask = 2**hw.dac_bits - 1
        for i in range(ci):
            digit = (mag >> (i * hw.dac_bits)).bitwise_and_(mask).mul_(sign)
            out[:, i, :, :, :k_rows] = digit
        return out.view(s_tot, ci * b * n_pos, kp)

    def _crossbar(self, a: torch.Tensor) -> torch.Tensor:
        """Integer-domain output ``sum_ij 2**(i d + j c) ADC(P_ij)`` of the crossbars for integer inputs ``a``.

        ``a``: ``(N, Cin, H, W)`` integer levels. Returns ``(N, Cout, Ho, Wo)`` in ``a.dtype``.
        """
        hw, ctx = self.hw, self.ctx
        acc = a.dtype
        cdt = self._compute_dtype(acc, a.device)
        w_all = self.sliced_weight(cdt)  # (S, Kp, Cout*Cw)
        ci, cw, s_tot, cout = hw.input_slices, hw.weight_slices, self.n_splits, self.out_channels
        alpha = self._alpha()
        m = adc_levels(hw.adc_bits) if hw.adc_bits >= 2 else 1
        coef_i = shift_coefficients(ci, hw.dac_bits, acc, a.device)  # (Ci,)
        coef_j = shift_coefficients(cw, hw.cell_bits, acc, a.device)  # (Cw,)
        n, cin, h, w = a.shape
        kh, kw = self.kernel
        ho = (h + 2 * self.padding[0] - self.dilation[0] * (kh - 1) - 1) // self.stride[0] + 1
        wo = (w + 2 * self.padding[1] - self.dilation[1] * (kw - 1) - 1) // self.stride[1] + 1
        hw_out = ho * wo
        per_split = ci * hw_out * cout * cw  # partial sums per image per split
        nb = min(n, -(-_MIN_ROWS // (ci * hw_out)))  # images per chunk: enough matrix rows for the matrix units
        sb = min(s_tot, max(1, ctx.chunk_elements // (nb * per_split)))  # splits per product
        if sb == s_tot:
            nb = max(nb, ctx.chunk_elements // (per_split * s_tot))
        out = torch.empty((n, hw_out, cout), dtype=acc, device=a.device)
        for n0 in range(0, n, nb):
            a_c = a[n0:n0 + nb]
            b = a_c.shape[0]
            u = self._crossbar_inputs(a_c, cdt)  # (S, Ci*b*L, Kp): what the DACs drive onto each crossbar
            y = torch.zeros((b * hw_out, cout), dtype=acc, device=a.device)
            for s0 in range(0, s_tot, sb):
                g = min(sb, s_tot - s0)
                p = torch.bmm(u[s0:s0 + g], w_all[s0:s0 + g])  # (g, Ci*b*L, Cout*Cw): every partial sum
                q = _to_float(p, acc)
                if alpha is not None:
                    q.mul_(alpha).round_().clamp_(-m, m)  # ADC codes
                q3 = q.sum(dim=0) if g > 1 else q[0]  # row splits add digitally with weight 1
                r = torch.matmul(q3.view(ci, b * hw_out, cout, cw), coef_j)  # shift-add over weight slices
                y += torch.matmul(coef_i, r.view(ci, -1)).view(b * hw_out, cout)  # over input slices
            if alpha is not None:
                y /= alpha
            out[n0:n0 + b] = y.view(b, hw_out, cout)
        return out.view(n, ho, wo, cout).permute(0, 3, 1, 2)

    def extra_repr(self) -> str:
        return (f"{self.kind}, in={self.in_channels}, out={self.out_channels}, splits={self.n_splits}x"
                f"{self.channels_per_split}ch, stride={self.stride}, padding={self.padding}")


# ---------------------------------------------------------------------------------------------- graph surgery
def _set_module(root: nn.Module, path: str, new: nn.Module) -> None:
    parent_path, _, name = path.rpartition(".")
    parent = root.get_submodule(parent_path) if parent_path else root
    setattr(parent, name, new)


def fold_batchnorm(model: nn.Module) -> int:
    """Fold every eval-mode BatchNorm whose only input is a Conv2d/Linear used nowhere else; returns the count.

    Found by ``torch.fx`` tracing (the BN must directly follow the layer in the traced graph, the layer's output
    must feed nothing else, and each module must be called once). Untraceable models are left as they are.
    Modifies ``model`` in place (call it on a copy); folded BatchNorms become ``nn.Identity``.
    """
    import torch.fx

    try:
        graph = torch.fx.symbolic_trace(model).graph
    except Exception:  # noqa: BLE001 - any tracing failure means "do not fold"
        return 0
    modules = dict(model.named_modules())
    calls: dict[str, int] = {}
    for node in graph.nodes:
        if node.op == "call_module":
            calls[str(node.target)] = calls.get(str(node.target), 0) + 1
    count = 0
    for node in graph.nodes:
        if node.op != "call_module":
            continue
        bn = modules.get(str(node.target))
        if not isinstance(bn, (nn.BatchNorm1d, nn.BatchNorm2d)) or bn.running_mean is None:
            continue
        prev = node.args[0] if node.args else None
        if not isinstance(prev, torch.fx.Node) or prev.op != "call_module" or len(prev.users) != 1:
            continue
        layer = modules.get(str(prev.target))
        ok_pair = (isinstance(layer, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d)) or \
                  (isinstance(layer, nn.Linear) and isinstance(bn, nn.BatchNorm1d))
        if not ok_pair or calls[str(prev.target)] != 1 or calls[str(node.target)] != 1:
            continue
        assert isinstance(layer, (nn.Conv2d, nn.Linear))
        if bn.num_features != layer.weight.shape[0]:
            continue
        with torch.no_grad():
            var = bn.running_var.double()  # type: ignore[union-attr]
            gamma = bn.weight.double() if bn.weight is not None else torch.ones_like(var)
            beta = bn.bias.double() if bn.bias is not None else torch.zeros_like(var)
            k = gamma / torch.sqrt(var + bn.eps)
            b0 = layer.bias.double() if layer.bias is not None else torch.zeros_like(var)
            new_w = layer.weight.double() * k.reshape(-1, *([1] * (layer.weight.dim() - 1)))
            new_b = beta + (b0 - bn.running_mean.double()) * k
            layer.weight.data = new_w.to(layer.weight.dtype)
            layer.bias = nn.Parameter(new_b.to(layer.weight.dtype), requires_grad=False)
        _set_module(model, str(node.target), nn.Identity())
        count += 1
    return count


def convert_to_analog(model: nn.Module, hw: _Hardware, ctx: _RunContext) -> list[AnalogLayer]:
    """Replace (in place) every ``nn.Conv2d``/``nn.Linear`` (exact types) by an :class:`AnalogLayer`."""
    layers: list[AnalogLayer] = []
    for name, mod in list(model.named_modules()):
        if type(mod) in (nn.Conv2d, nn.Linear):
            new = AnalogLayer(mod, hw, ctx)  # type: ignore[arg-type]
            if name == "":
                raise TypeError("the model itself is a single Conv2d/Linear: wrap it in an nn.Sequential")
            _set_module(model, name, new)
            layers.append(new)
    return layers


# ---------------------------------------------------------------------------------------------- the model
class AnalogModel:
    """A network on PIM crossbars: calibrated fixed-point reference and bit-sliced hardware forwards.

    Args:
        model: any ``nn.Module`` made of ``nn.Conv2d``/``nn.Linear`` and digital layers; deep-copied, never modified.
        cfg: the hardware (crossbar rows, device resistances/variation/SAF, ``[Algorithm Configuration] ADC_Mode``).
        slicing: bit widths and slice counts (:func:`sim.slicing.slicing_for`), the one source of truth.
        device: move the copy there (default: it follows the inputs of each call).
        dtype: floating dtype of activations and accumulation (float32; float64 for bit-exact comparisons).
        adc_mode: override ``cfg.algorithm.adc_mode``: ``"SCALE"``, ``"FIX"`` or ``"IDEAL"`` (no ADC error).
        compute_dtype: dtype of the sliced convolutions (default: bfloat16 where exact, else ``dtype``).
        calibration: activation range rule (:func:`sim.accuracy.quantize.calibrate_range`).
        chunk_elements: partial sums computed per chunk (memory bound: 4 bytes each, plus the conv output).
    """

    def __init__(self, model: nn.Module, cfg: SimConfig, slicing: Slicing, *, device: torch.device | str | None = None,
                 dtype: torch.dtype = torch.float32, adc_mode: str | None = None,
                 compute_dtype: torch.dtype | None = None, calibration: str = "mnsim",
                 chunk_elements: int = _CHUNK_ELEMENTS) -> None:
        mode = (adc_mode or cfg.algorithm.adc_mode).upper()
        if mode not in ADC_MODES:
            raise ValueError(f"ADC mode {mode!r} is not one of {ADC_MODES}")
        self.cfg = cfg
        self.slicing = slicing
        self.dtype = dtype
        self.ctx = _RunContext(adc_mode=mode, compute_dtype=compute_dtype, chunk_elements=chunk_elements)
        hw = _Hardware(rows=cfg.crossbar.rows, cell_bits=slicing.cell_bits, dac_bits=slicing.dac_bits,
                       adc_bits=slicing.adc_bits, polarity=slicing.polarity, weight_bits=slicing.weight_bits,
                       act_bits=slicing.act_bits, weight_slices=slicing.weight_slices,
                       input_slices=slicing.input_slices, device_cfg=cfg.device)
        net = copy.deepcopy(model)
        net.eval()
        for p in net.parameters():
            p.requires_grad_(False)
        self.folded_batchnorms = fold_batchnorm(net)
        self.layers = convert_to_analog(net, hw, self.ctx)
        if not self.layers:
            raise ValueError("the model has no nn.Conv2d or nn.Linear layer to map onto crossbars")
        for layer in self.layers:
            layer.in_q.method = calibration
            layer.out_q.method = calibration
        net.to(dtype=dtype)
        if device is not None:
            net.to(device=torch.device(device))
        self.model = net
        self._calibrated = False

    @property
    def calibrated(self) -> bool:
        return self._calibrated

    def _device(self) -> torch.device:
        dev: torch.device = self.layers[0].weight.device
        return dev

    def _prepare(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.device != self._device():
            self.model.to(inputs.device)
            for layer in self.layers:
                layer.clear_cache()
        return inputs.to(self.dtype)

    def _run(self, inputs: torch.Tensor, mode: str) -> torch.Tensor:
        x = self._prepare(inputs)
        if mode != "calibrate" and mode != "float" and not self._calibrated:
            self.calibrate(inputs)
        self.ctx.mode = mode
        with torch.no_grad():
            out: torch.Tensor = self.model(x)
        return out

    def calibrate(self, inputs: torch.Tensor) -> None:
        """Set every layer's input and output ranges from one batch ``inputs`` (N, C, H, W), quantized forward."""
        for layer in self.layers:
            layer.in_q.range = 0.0
            layer.out_q.range = 0.0
        self._run(inputs, "calibrate")
        self._calibrated = True

    def float_forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Logits of the un-quantized copy (BatchNorm folded): ``(N, classes)``."""
        return self._run(inputs, "float")

    def origin_forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Logits of the quantized digital reference: ``(N, classes)``. Calibrates on ``inputs`` if needed."""
        return self._run(inputs, "origin")

    def hardware_forward(self, inputs: torch.Tensor, *, variation: bool = False, saf: bool = False, seed: int = 0,
                         on_off: bool | None = None) -> torch.Tensor:
        """Logits of the bit-sliced crossbar emulation: ``(N, classes)``.

        ``variation``/``saf`` draw per-cell conductance variation / stuck-at faults from a generator seeded by
        ``seed`` (same seed, same chip: identical logits); ``on_off`` forces the finite on/off ratio on or off
        (default: on iff a non-ideality is requested). Calibrates on ``inputs`` if needed.
        """
        c = self.ctx
        c.variation, c.saf, c.seed, c.on_off = bool(variation), bool(saf), int(seed), on_off
        try:
            return self._run(inputs, "hardware")
        finally:
            c.variation, c.saf, c.on_off = False, False, None
