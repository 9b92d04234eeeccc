"""Latency model: per-pixel tile latency and the layer pipeline schedule (ns inside, ms in reports).

Per output pixel of a conv/fc layer (MNSIM ``Latency_Model/PE_latency.py``, ``Tile_latency.py``), with ``R``/``C`` the
rows/columns used per crossbar, ``N_D``/``N_A`` the DACs/ADCs of a group, ``cyc`` the serial input cycles:

* ``mt = cyc * ceil(R / N_D) * ceil(C / N_A)`` activations; crossbar ``mt * Read_Latency``, DAC ``mt * t_DAC``,
  ADC ``mt * t_ADC``; input register ``(ceil(R/N_D) ceil(C/N_A) + mt) t_clk``, shift-add ``mt t_clk``, demux/mux
  ``mt`` x NVSim decoder/mux delays, output register ``ceil(C/N_A) t_clk``, group adders ``ceil(C/N_A)
  ceil(log2 G) t_clk``; PE input buffer write/read of the pixel's new line-buffer bytes.
* tile: H-tree ``ceil(log2 max_PE) t_clk``, intra-tile transfer, output buffer write.
* merge (tile output buffer read + ``inlayer_hops`` hops) and transfer (``transfer_hops`` hops of ``C_out B_out``
  bits at ``Inter_Tile_Bandwidth``) (``Model_latency.py``).

Schedule (``Model_latency.py calculate_model_latency``): a layer computes its pixels one at a time, row-major. With the
inner pipeline on, pixel ``k`` starts at ``max(finish[k-1], finish of the producer pixel it needs)``; with it off, a
layer's first pixel waits for the last pixel of its inputs. Both are closed forms: ``finish = S + max(0,
cummax(dep - S_prev))`` with ``S`` the cumulative pixel times, computed with ``np.maximum.accumulate``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.components import buffer, digital, pooling
from sim.mapping import NetworkMapping

FloatArray = npt.NDArray[np.float64]

LATENCY_COMPONENTS = ("xbar", "dac", "adc", "ireg", "shiftreg", "demux", "mux", "oreg", "adder", "joint",
                      "pooling", "buf_r", "buf_w", "intra", "merge", "transfer", "other")


@dataclass(frozen=True)
class LatencyResult:
    """Schedule of one network: per-layer finish times and per-layer sums of each component over pixels (ns)."""

    pipelined: bool
    finish_ns: tuple[FloatArray, ...]  # per layer: finish time of every output pixel
    layer_begin_ns: FloatArray
    layer_end_ns: FloatArray
    component_sums_ns: dict[str, FloatArray]  # component -> per-layer sum over pixels
    pixel_ns: tuple[FloatArray, ...]  # per layer: time of each pixel (begin to finish, no waiting)

    @property
    def total_ns(self) -> float:
        return float(self.layer_end_ns.max(initial=0.0))


def _buf(n_bytes: FloatArray | float, bitwidth: int) -> FloatArray:
    return buffer.buffer_access_ns(n_bytes, bitwidth)


def _pixel_bytes(m: NetworkMapping, li: int, pipelined: bool, channels: float,
                 first_row_read: float) -> tuple[FloatArray, FloatArray]:
    """Line-buffer bytes written (indata) and read (rdata) for every output pixel of a conv/pool layer."""
    k, s, p = int(m.kernel[li]), int(m.stride[li]), int(m.padding[li])
    ho, wo, win = int(m.out_h[li]), int(m.out_w[li]), int(m.in_w[li])
    b = float(m.in_bits[li]) / 8.0
    is_pool = m.kind[li] == 2
    kp = max(k - p, 0)
    i = np.repeat(np.arange(ho), wo)
    j = np.tile(np.arange(wo), ho)
    first = (i == 0) & (j == 0)
    col0 = (j == 0) & ~first
    row0 = (i == 0) & (j > 0)
    if pipelined or is_pool:
        first_in = channels * kp * kp * b
    else:
        first_in = channels * (win * max(k - p - 1, 0) + kp) * b
    col0_in = channels * s * kp * b
    rest_in = channels * s * s * b
    row0_in = rest_in if (is_pool or not pipelined) else channels * s * k * b
    indata = np.where(first, first_in, np.where(col0, col0_in, np.where(row0, row0_in, rest_in)))
    full_read = first_row_read
    slide_read = s * k * channels * b
    rdata = np.where(first | col0, full_read, slide_read)
    return indata.astype(np.float64), rdata.astype(np.float64)


def _dependency_positions(m: NetworkMapping, li: int) -> npt.NDArray[np.int64]:
    """Index of the producer pixel each output pixel of a conv/pool layer waits for (row-major)."""
    k, s, p = int(m.kernel[li]), int(m.stride[li]), int(m.padding[li])
    ho, wo = int(m.out_h[li]), int(m.out_w[li])
    hin, win = int(m.in_h[li]), int(m.in_w[li])
    i = np.repeat(np.arange(ho), wo)
    j = np.tile(np.arange(wo), ho)
    if k > 1 or m.kind[li] == 2:
        base = max(k - p, 1)
        return (np.minimum(base + s * i, hin) - 1) * win + np.minimum(base + s * j, win) - 1
    return i * s * win + j * s


def _chain(pixel: FloatArray, dep: FloatArray) -> FloatArray:
    """Finish times of pixels run one after another, pixel k not starting before ``dep[k]``."""
    s = np.cumsum(pixel)
    s_prev = s - pixel
    gate = np.maximum.accumulate(dep - s_prev)
    return s + np.maximum(gate, 0.0)


def schedule(m: NetworkMapping, pipelined: bool = True) -> LatencyResult:
    """Per-pixel latencies of every layer and their pipelined (or layer-by-layer) schedule."""
    hw = m.hw
    double_read = "pool_double_read" not in m.fixes
    bw = hw.buffer_bitwidth
    clk = hw.clock_ns
    q = hw.adc.bits
    lt = digital.ilog2_ceil(hw.pe_per_tile)
    n = m.n_layers
    sums = {c: np.zeros(n) for c in LATENCY_COMPONENTS}
    finish: list[FloatArray] = []
    pixels: list[FloatArray] = []
    begin = np.zeros(n)
    end = np.zeros(n)
    demux_unit = digital.demux_latency_ns(-(-hw.rows // hw.dac_per_subarray))
    mux_unit = digital.mux_latency_ns(-(-hw.cols // hw.adc_per_subarray))
    for li in range(n):
        kind = int(m.kind[li])
        b_out = float(m.out_bits[li])
        cout = float(m.cout[li])
        trans = m.transfer_hops[li] * cout * b_out / hw.inter_bw_Gbps
        comp: dict[str, float] = {}
        if kind in (0, 1):
            r, c, mpe = int(m.max_row[li]), int(m.max_col[li]), int(m.max_pe[li])
            rowc = -(-r // hw.group_dac_num)
            colc = -(-c // hw.group_adc_num)
            mt = int(m.input_cycles[li]) * rowc * colc
            mg = digital.ilog2_ceil(mpe)
            comp = {
                "xbar": mt * hw.xbar_latency_ns, "dac": mt * hw.dac.latency_ns, "adc": mt * hw.adc.latency_ns,
                "ireg": (rowc * colc + mt) * clk, "shiftreg": mt * clk, "demux": mt * demux_unit,
                "mux": mt * mux_unit, "oreg": colc * clk,
                "adder": colc * digital.ilog2_ceil(hw.groups) * clk, "joint": mg * clk,
                "intra": (lt * (q + mg) - mg * (mg + 1) / 2) * c / hw.intra_bw_Gbps,
            }
            out_w = float(_buf((q + mg) * c * mpe / 8.0, bw))
            out_r = float(_buf(c * b_out * mpe / 8.0, bw))
            merge = out_r + m.inlayer_hops[li] * (clk + c * mpe * b_out / hw.inter_bw_Gbps)
            base = sum(comp.values()) + out_w + merge + trans
            if kind == 0:
                channels = r / float(m.kernel[li]) ** 2
                indata, rdata = _pixel_bytes(m, li, pipelined, channels, r * float(m.in_bits[li]) / 8.0)
            else:
                indata = rdata = np.array([r * float(m.in_bits[li]) / 8.0])
            in_w, in_r = _buf(indata, bw), _buf(rdata, bw)
            pix = base + in_w + in_r
            npix = len(pix)
            sums["buf_r"][li] = in_r.sum() + npix * out_r
            sums["buf_w"][li] = in_w.sum() + npix * out_w
            sums["merge"][li] = npix * merge
        elif kind == 2:
            cin = float(m.cin[li])
            k2 = int(m.kernel[li]) ** 2
            pool_t = pooling.pooling_latency_ns(m.cfg.tile, int(m.cin[li]), k2)
            out_r = float(_buf(cout * b_out / 8.0, bw))
            out_w = float(_buf(cin * b_out / 8.0, bw))
            indata, rdata = _pixel_bytes(m, li, pipelined, cin, cin * k2 * float(m.in_bits[li]) / 8.0)
            in_w, in_r = _buf(indata, bw), _buf(rdata, bw)
            extra_read = out_r if double_read else 0.0  # MNSIM reads the pooled output twice (pixel + merge)
            pix = in_w + in_r + pool_t + extra_read + out_w + out_r + trans
            npix = len(pix)
            comp = {"pooling": pool_t}
            sums["buf_r"][li] = in_r.sum() + npix * out_r
            sums["buf_w"][li] = in_w.sum() + npix * out_w
            sums["merge"][li] = npix * out_r
        else:
            src = next((j for j in m.inputs[li] if m.kind[j] != 3), m.inputs[li][0])
            c_src, b_src = float(m.cout[src]), float(m.out_bits[src])
            nbytes = len(m.inputs[li]) * b_src * c_src / 8.0
            g_io = float(_buf(nbytes, bw))
            trans = m.transfer_hops[li] * c_src * b_src / hw.inter_bw_Gbps
            npix = int(m.out_h[li] * m.out_w[li])
            pix = np.full(npix, 10.0 + trans + 2 * g_io)
            comp = {"other": 10.0}
            sums["buf_r"][li] = npix * g_io
            sums["buf_w"][li] = npix * g_io
        sums["transfer"][li] = len(pix) * trans
        for name, value in comp.items():
            sums[name][li] = value * len(pix)
        # dependencies
        ins = m.inputs[li]
        if kind == 1 or not pipelined:
            last = max((float(end[j]) for j in ins), default=0.0)
            dep = np.full(len(pix), -np.inf)
            dep[0] = last
        elif kind == 3:
            dep = np.zeros(len(pix))
            for j in ins:
                fj = finish[j]
                idx = np.minimum(np.arange(len(pix)), len(fj) - 1)
                dep = np.maximum(dep, fj[idx])
        else:
            pos = _dependency_positions(m, li)
            dep = np.zeros(len(pix))
            for j in ins:
                fj = finish[j]
                dep = np.maximum(dep, fj[np.minimum(pos, len(fj) - 1)])
        f = _chain(pix, dep)
        finish.append(f)
        pixels.append(pix)
        begin[li] = f[0] - pix[0]
        end[li] = f[-1]
    return LatencyResult(pipelined=pipelined, finish_ns=tuple(finish), layer_begin_ns=begin, layer_end_ns=end,
                         component_sums_ns=sums, pixel_ns=tuple(pixels))
