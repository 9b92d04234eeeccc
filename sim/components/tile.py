"""PE and tile composition (MNSIM ``Hardware_Model/PE.py`` and ``Tile.py``): counts and per-unit areas.

A PE holds ``Group_Num`` groups of ``Xbar_Polarity`` crossbars (positive/negative share inputs). Each crossbar of
``rows`` rows is split into ``rows / Subarray_Size`` subarrays; ``DAC_Num`` / ``ADC_Num`` are per subarray and group.
Each DAC drives ``input_demux = ceil(Subarray_Size / DAC_Num)`` rows through a demux; each ADC reads
``output_mux = ceil(cols * (Sub_Position + 1) / ADC_Num)`` columns through a mux. A tile holds ``PE_Num`` PEs, an
H-tree of joint modules (adders) per ADC lane, an output buffer and a pooling unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.components import buffer, device, digital, pooling
from sim.config import SimConfig
from sim.converters import AdcSpec, DacSpec, resolve_adc, resolve_dac
from sim.errors import SimConfigError


@dataclass(frozen=True)
class TileHardware:
    """Per-config constants of one PE / tile (counts, um^2, W, ns)."""

    rows: int
    cols: int
    subarray_rows: int
    subarrays: int
    polarity: int
    groups: int
    pe_per_tile: int
    dac_per_subarray: int  # DAC_Num
    adc_per_subarray: int  # ADC_Num
    pe_dac_num: int  # DACs per PE
    pe_adc_num: int  # ADCs per PE
    group_dac_num: int  # DACs of one group (all subarrays)
    group_adc_num: int  # ADCs serving one group's columns per cycle
    input_demux: int
    output_mux: int
    adc: AdcSpec
    dac: DacSpec
    xbar_area_um2: float
    cell_power_W: float
    xbar_latency_ns: float
    clock_ns: float
    adder_area_um2: float
    adder_power_W: float
    shiftreg_area_um2: float
    shiftreg_power_W: float
    reg_area_um2: float
    reg_power_W: float
    joint_area_um2: float
    joint_power_W: float
    demux_area_um2: float
    demux_power_W: float
    mux_area_um2: float
    mux_power_W: float
    pe_adder_num: int  # adders of the group tree per ADC lane
    tile_joint_num: int  # joint modules per tile
    pool_area_um2: float
    pool_power_W: float
    buffer_tech_nm: float
    buffer_bitwidth: int
    inter_bw_Gbps: float
    intra_bw_Gbps: float


def tile_hardware(cfg: SimConfig, compat: str | None = None) -> TileHardware:
    """Resolve the PE/tile constants of ``cfg`` (raises SimConfigError on an impossible geometry)."""
    rows, cols = cfg.crossbar.rows, cfg.crossbar.cols
    sub = cfg.crossbar.subarray_rows or rows
    if sub <= 0 or rows % sub:
        raise SimConfigError(cfg.source, "Crossbar level", "Subarray_Size", sub,
                             f"must divide the crossbar rows ({rows})", "a divisor of Xbar_Size[0]")
    subarrays = rows // sub
    pim = cfg.pe.pim_type
    adc = resolve_adc(cfg.interface, compat, pim_type=pim)
    dac = resolve_dac(cfg.interface, compat, pim_type=pim)
    pol = cfg.pe.polarity
    if pol not in (1, 2):
        raise SimConfigError(cfg.source, "Process element level", "Xbar_Polarity", pol, "unknown polarity", "1 or 2")
    groups = cfg.pe.group_num or 1
    xbar_area = device.crossbar_area_um2(cfg)
    n_dac = cfg.pe.dac_num
    n_adc = cfg.pe.adc_num
    if n_dac <= 0:  # MNSIM's pitch-matched default (its M code path fails here; the formula is P's)
        n_dac = min(math.ceil(math.sqrt(xbar_area) / math.sqrt(max(dac.area_um2, 1e-12))), sub)
    if n_adc <= 0:
        n_adc = min(math.ceil(math.sqrt(xbar_area) * pol / math.sqrt(max(adc.area_um2, 1e-12))), cols)
    input_demux = math.ceil(sub / n_dac)
    output_mux = math.ceil(cols * (cfg.pe.sub_position + 1) / n_adc)
    pe_x, pe_y = cfg.tile.pe_num
    pe_total = (pe_x * pe_y) if pe_x else 16
    dg = cfg.digital
    t_tech = cfg.crossbar.transistor_tech_nm
    return TileHardware(
        rows=rows, cols=cols, subarray_rows=sub, subarrays=subarrays, polarity=pol, groups=groups,
        pe_per_tile=pe_total, dac_per_subarray=n_dac, adc_per_subarray=n_adc,
        pe_dac_num=groups * n_dac * subarrays, pe_adc_num=groups * n_adc * subarrays,
        group_dac_num=n_dac * subarrays, group_adc_num=n_adc,
        input_demux=input_demux, output_mux=output_mux, adc=adc, dac=dac,
        xbar_area_um2=xbar_area, cell_power_W=device.cell_read_power_W(cfg),
        xbar_latency_ns=device.crossbar_read_latency_ns(cfg), clock_ns=digital.clock_ns(dg),
        adder_area_um2=digital.adder_area_um2(dg), adder_power_W=digital.adder_power_W(dg),
        shiftreg_area_um2=digital.shiftreg_area_um2(dg), shiftreg_power_W=digital.shiftreg_power_W(dg),
        reg_area_um2=digital.reg_area_um2(dg), reg_power_W=digital.reg_power_W(dg),
        joint_area_um2=digital.jointmodule_area_um2(dg), joint_power_W=digital.jointmodule_power_W(dg),
        demux_area_um2=digital.mux_area_um2(input_demux, t_tech), demux_power_W=digital.mux_power_W(input_demux),
        mux_area_um2=digital.mux_area_um2(output_mux, t_tech), mux_power_W=digital.mux_power_W(output_mux),
        pe_adder_num=digital.adder_tree_count(groups),
        tile_joint_num=digital.htree_joint_count(pe_total) * groups * n_adc * subarrays,
        pool_area_um2=pooling.pooling_area_um2(cfg.tile), pool_power_W=pooling.pooling_power_W(cfg.tile),
        buffer_tech_nm=cfg.architecture.buffer_tech_nm,
        buffer_bitwidth=buffer.effective_bitwidth(cfg.architecture.buffer_bitwidth_bits),
        inter_bw_Gbps=cfg.tile.inter_tile_bandwidth_Gbps, intra_bw_Gbps=cfg.tile.intra_tile_bandwidth_Gbps,
    )


@dataclass(frozen=True)
class TileArea:
    """Area of one (full) tile by component, um^2."""

    xbar: float
    adc: float
    dac: float
    digital: float
    buffer: float
    pooling: float

    @property
    def total(self) -> float:
        return self.xbar + self.adc + self.dac + self.digital + self.buffer + self.pooling


def tile_area(hw: TileHardware, inbuf_kb: float, outbuf_kb: float) -> TileArea:
    """Area of one tile with PE input buffers of ``inbuf_kb`` and an output buffer of ``outbuf_kb`` (Tile.py)."""
    n = hw.pe_per_tile
    pe_digital = (hw.adc_per_subarray * hw.subarrays * hw.pe_adder_num * hw.adder_area_um2
                  + hw.pe_adc_num * hw.shiftreg_area_um2
                  + hw.pe_dac_num * hw.reg_area_um2 + hw.pe_adc_num * hw.reg_area_um2
                  + hw.pe_dac_num * hw.demux_area_um2 + hw.pe_adc_num * hw.mux_area_um2)
    inbuf = float(buffer.buffer_area_um2(inbuf_kb, hw.buffer_tech_nm, hw.buffer_bitwidth))
    outbuf = float(buffer.buffer_area_um2(outbuf_kb, hw.buffer_tech_nm, hw.buffer_bitwidth))
    return TileArea(
        xbar=n * hw.groups * hw.polarity * hw.xbar_area_um2,
        adc=n * hw.pe_adc_num * hw.adc.area_um2,
        dac=n * hw.pe_dac_num * hw.dac.area_um2,
        digital=n * pe_digital + hw.tile_joint_num * hw.joint_area_um2,
        buffer=n * inbuf + outbuf,
        pooling=hw.pool_area_um2,
    )
