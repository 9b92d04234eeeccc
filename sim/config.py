"""Typed, immutable view of an MNSIM 2.0 ``SimConfig.ini``.

One frozen dataclass per INI section; field names carry units. Every key that MNSIM 2.0 (thu-nics/MNSIM-2.0 @ ca39ccb)
or its aw_nas branch (ILTShade/MNSIM_Python ``pim_nas`` @ a342b31) reads is here, with MNSIM's meaning; the key's
INI spelling is in ``KEY_TABLE`` (field -> (section, key)), the one place that knows it. Defaults are MNSIM 2.0's
reference ``SimConfig.ini`` values, used for keys that the older file lacks.

Reading and writing INI text lives in :mod:`sim.ini`; this module only describes and validates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.errors import SimConfigError


@dataclass(frozen=True)
class DeviceConfig:
    """[Device level]: the memory cell."""

    tech_nm: float = 130.0  # Device_Tech
    device_type: str = "NVM"  # Device_Type: NVM | SRAM
    cell_area_um2: float = 1.44  # Device_Area
    read_level: int = 2  # Read_Level
    read_voltage_V: tuple[float, ...] = (0.0, 0.15)  # Read_Voltage
    write_level: int = 2  # Write_Level
    write_voltage_V: tuple[float, ...] = (0.0, 3.0)  # Write_Voltage
    read_latency_ns: float = 3.16  # Read_Latency
    write_latency_ns: float = 10.0  # Write_Latency
    level: int = 2  # Device_Level: conductance levels per cell
    resistance_ohm: tuple[float, ...] = (1e6, 1e4)  # Device_Resistance, HRS -> LRS, one per level
    variation_pct: float = 1.0  # Device_Variation: sigma as % of the level's value
    saf_pct: tuple[float, float] = (0.1, 0.1)  # Device_SAF: % stuck at HRS, % stuck at LRS
    read_energy_J_per_bit: float = 1.12e-15  # Read_Energy (SRAM only)
    write_energy_J_per_bit: float = 1.6e-15  # Write_Energy (SRAM only)


@dataclass(frozen=True)
class CrossbarConfig:
    """[Crossbar level]."""

    rows: int = 256  # Xbar_Size[0]
    cols: int = 256  # Xbar_Size[1]
    subarray_rows: int | None = None  # Subarray_Size; None (key absent) means = rows
    cell_type: str = "1T1R"  # Cell_Type: 1T1R | 0T1R
    transistor_tech_nm: float = 130.0  # Transistor_Tech
    wire_resistance_ohm: float = -1.0  # Wire_Resistance (-1: default)
    wire_capacity_fF: float = -1.0  # Wire_Capacity (-1: default)
    load_resistance_ohm: float = -1.0  # Load_Resistance (-1: default)
    area_calculation: int = 0  # Area_Calculation: 0 from Device_Area, 1 from Device_Tech


@dataclass(frozen=True)
class InterfaceConfig:
    """[Interface level]: DAC and ADC choice (tables in sim.converters) or user-defined (-1)."""

    dac_choice: int = 1  # DAC_Choice: -1 user defined, 1..7
    dac_area_um2: float = 0.0  # DAC_Area (choice -1)
    dac_precision_bits: int = 0  # DAC_Precision (choice -1)
    dac_power_W: float = 0.0  # DAC_Power (choice -1)
    dac_sample_rate_GSps: float = 0.0  # DAC_Sample_Rate (choice -1)
    adc_choice: int = 6  # ADC_Choice: -1 user defined, 1..9
    adc_area_um2: float = 0.0  # ADC_Area (choice -1)
    adc_precision_bits: int = 0  # ADC_Precision (choice -1)
    adc_power_W: float = 0.0  # ADC_Power (choice -1)
    adc_sample_rate_GSps: float = 0.0  # ADC_Sample_Rate (choice -1); MNSIM's comment says S/s, its code uses GS/s
    adc_interval_thres_V: tuple[float, ...] = (-1.0,)  # ADC_Interval_Thres (-1: default)
    logic_op: int = -1  # Logic_Op (digital PIM): -1 none, 0 AND, 1 OR, 2 XOR


@dataclass(frozen=True)
class PEConfig:
    """[Process element level]."""

    pim_type: int = 0  # PIM_Type: 0 analog, 1 digital
    polarity: int = 2  # Xbar_Polarity: 1 or 2
    sub_position: int = 0  # Sub_Position: 0 analog subtraction, 1 digital
    group_num: int = 1  # Group_Num: crossbar groups per PE
    dac_num: int = 128  # DAC_Num: per subarray in each group (0: default)
    adc_num: int = 128  # ADC_Num: per subarray in each group (0: default)
    inbuf_size_KB: float = 0.0  # PE_inBuf_Size (0: sized by the mapping)
    inbuf_area_um2: float = 0.0  # PE_inBuf_Area (ignored by MNSIM)
    tile_outbuf_size_KB: float = 0.0  # Tile_outBuf_Size (this copy is the one MNSIM reads)
    tile_outbuf_area_um2: float = 0.0  # Tile_outBuf_Area
    dfu_buf_size_KB: float = 0.0  # DFU_Buf_Size (never instantiated by MNSIM)
    dfu_buf_area_um2: float = 0.0  # DFU_Buf_Area


@dataclass(frozen=True)
class DigitalConfig:
    """[Digital module]: 0 area/power means the built-in table value."""

    frequency_MHz: float = 500.0  # Digital_Frequency
    adder_tech_nm: float = 45.0  # Adder_Tech
    adder_area_um2: float = 0.0  # Adder_Area
    adder_power_W: float = 0.0  # Adder_Power
    multiplier_tech_nm: float = 45.0  # Multiplier_Tech
    multiplier_area_um2: float = 0.0  # Multiplier_Area
    multiplier_power_W: float = 0.0  # Multiplier_Power
    shiftreg_tech_nm: float = 65.0  # ShiftReg_Tech
    shiftreg_area_um2: float = 0.0  # ShiftReg_Area
    shiftreg_power_W: float = 0.0  # ShiftReg_Power
    reg_tech_nm: float = 45.0  # Reg_Tech
    reg_area_um2: float = 0.0  # Reg_Area
    reg_power_W: float = 0.0  # Reg_Power
    jointmodule_tech_nm: float = 45.0  # JointModule_Tech
    jointmodule_area_um2: float = 0.0  # JointModule_Area
    jointmodule_power_W: float = 0.0  # JointModule_Power


@dataclass(frozen=True)
class TileConfig:
    """[Tile level]."""

    pe_num: tuple[int, int] = (2, 2)  # PE_Num (x, y); (0, 0) means 4 x 4
    pooling_shape: tuple[int, int] = (3, 3)  # Pooling_shape
    pooling_unit_num: int = 64  # Pooling_unit_num
    pooling_tech_nm: float = 65.0  # Pooling_Tech
    pooling_area_um2: float = 0.0  # Pooling_area (ignored by MNSIM)
    adder_num: int = 0  # Tile_Adder_Num (not read by MNSIM)
    adder_level: int = 0  # Tile_Adder_Level (not read)
    shiftreg_num: int = 0  # Tile_ShiftReg_Num (not read)
    shiftreg_level: int = 0  # Tile_ShiftReg_Level (not read)
    inter_tile_bandwidth_Gbps: float = 20.0  # Inter_Tile_Bandwidth
    intra_tile_bandwidth_Gbps: float = 1024.0  # Intra_Tile_Bandwidth
    outbuf_size_KB: float = 0.0  # Tile_outBuf_Size (duplicate; MNSIM reads the PE-level copy)
    outbuf_area_um2: float = 0.0  # Tile_outBuf_Area (duplicate)
    dfu_buf_size_KB: float = 0.0  # DFU_Buf_Size (duplicate)
    dfu_buf_area_um2: float = 0.0  # DFU_Buf_Area (duplicate)


@dataclass(frozen=True)
class ArchitectureConfig:
    """[Architecture level]."""

    buffer_choice: int = 1  # Buffer_Choice (read, unused: always the SRAM table)
    buffer_tech_nm: float = 90.0  # Buffer_Technology (0 -> 65)
    buffer_read_power_mW: float = 0.0  # Buffer_ReadPower (overwritten by the table in MNSIM)
    buffer_write_power_mW: float = 0.0  # Buffer_WritePower
    buffer_bitwidth_bits: int = 64  # Buffer_Bitwidth (0 -> 256)
    lut_capacity_Mb: float = 1.0  # LUT_Capacity (not read)
    lut_area_mm2: float = 0.0  # LUT_Area (not read)
    lut_power_mW: float = 0.0  # LUT_Power (not read)
    lut_bandwidth_Mbps: float = 0.0  # LUT_Bandwidth (not read)
    tile_connection: int = 2  # Tile_Connection: 0 row-major, 1 snake, 2 spiral, 3 zigzag
    tile_num: tuple[int, int] = (64, 64)  # Tile_Num (x, y); (0, 0) means 8 x 8


@dataclass(frozen=True)
class AlgorithmConfig:
    """[Algorithm Configuration]."""

    weight_polarity: int = 1  # Weight_Polarity (not read by MNSIM)
    simulation_level: int = 0  # Simulation_Level: 0 behaviour
    noc_enable: int = 0  # NoC_enable: 0 only (MNSIM's 1 calls booksim, which is not public)
    adc_mode: str = "SCALE"  # ADC_Mode (pim-nas extension): SCALE | FIX; absent means SCALE


@dataclass(frozen=True)
class SimConfig:
    """A whole SimConfig.ini. ``source`` is the file it came from (for error messages), or "<memory>"."""

    device: DeviceConfig = field(default_factory=DeviceConfig)
    crossbar: CrossbarConfig = field(default_factory=CrossbarConfig)
    interface: InterfaceConfig = field(default_factory=InterfaceConfig)
    pe: PEConfig = field(default_factory=PEConfig)
    digital: DigitalConfig = field(default_factory=DigitalConfig)
    tile: TileConfig = field(default_factory=TileConfig)
    architecture: ArchitectureConfig = field(default_factory=ArchitectureConfig)
    algorithm: AlgorithmConfig = field(default_factory=AlgorithmConfig)
    source: str = field(default="<memory>", compare=False)

    # -- effective values (MNSIM's "0 means default" rules) ---------------------------------------------------------

    @property
    def subarray_rows_effective(self) -> int:
        """Rows per subarray: ``Subarray_Size``, or the crossbar rows when the key is absent."""
        sub = self.crossbar.subarray_rows
        return self.crossbar.rows if sub is None else sub

    @property
    def subarrays_per_crossbar(self) -> int:
        """Subarrays stacked in one crossbar: ``rows / Subarray_Size``."""
        return self.crossbar.rows // self.subarray_rows_effective

    @property
    def pe_grid(self) -> tuple[int, int]:
        """PEs per tile (x, y); ``PE_Num = 0,0`` means 4 x 4."""
        x, y = self.tile.pe_num
        return (4, 4) if (x, y) == (0, 0) else (x, y)

    @property
    def pe_count(self) -> int:
        """PEs per tile."""
        x, y = self.pe_grid
        return x * y

    @property
    def tile_grid(self) -> tuple[int, int]:
        """Tiles in the accelerator (x, y); ``Tile_Num = 0,0`` means 8 x 8."""
        x, y = self.architecture.tile_num
        return (8, 8) if (x, y) == (0, 0) else (x, y)

    @property
    def tile_count(self) -> int:
        """Tiles in the accelerator."""
        x, y = self.tile_grid
        return x * y

    @property
    def pooling_shape_effective(self) -> tuple[int, int]:
        """Pooling unit window (x, y); ``Pooling_shape = 0,0`` means 3 x 3."""
        x, y = self.tile.pooling_shape
        return (3, 3) if (x, y) == (0, 0) else (x, y)

    @property
    def buffer_tech_nm_effective(self) -> float:
        """SRAM buffer technology, nm; ``Buffer_Technology = 0`` means 65 nm."""
        tech = self.architecture.buffer_tech_nm
        return 65.0 if tech == 0 else tech

    @property
    def buffer_bitwidth_effective(self) -> int:
        """SRAM buffer port width, bits; ``Buffer_Bitwidth = 0`` means 256."""
        width = self.architecture.buffer_bitwidth_bits
        return 256 if width == 0 else width

    @property
    def crossbars_per_pe(self) -> int:
        """Crossbars in one PE: ``Group_Num x Xbar_Polarity``."""
        return self.pe.group_num * self.pe.polarity

    @property
    def cell_bits(self) -> int:
        """Bits stored per cell: ``floor(log2(Device_Level))`` (at least 1)."""
        return max(1, int(math.floor(math.log2(self.device.level))))


SECTIONS: tuple[str, ...] = (
    "Device level",
    "Crossbar level",
    "Interface level",
    "Process element level",
    "Digital module",
    "Tile level",
    "Architecture level",
    "Algorithm Configuration",
)
"""MNSIM's INI sections, in file order; every one must be present."""

KEY_TABLE: dict[str, tuple[str, str]] = {
    # [Device level]
    "device.tech_nm": ("Device level", "Device_Tech"),
    "device.device_type": ("Device level", "Device_Type"),
    "device.cell_area_um2": ("Device level", "Device_Area"),
    "device.read_level": ("Device level", "Read_Level"),
    "device.read_voltage_V": ("Device level", "Read_Voltage"),
    "device.write_level": ("Device level", "Write_Level"),
    "device.write_voltage_V": ("Device level", "Write_Voltage"),
    "device.read_latency_ns": ("Device level", "Read_Latency"),
    "device.write_latency_ns": ("Device level", "Write_Latency"),
    "device.level": ("Device level", "Device_Level"),
    "device.resistance_ohm": ("Device level", "Device_Resistance"),
    "device.variation_pct": ("Device level", "Device_Variation"),
    "device.saf_pct": ("Device level", "Device_SAF"),
    "device.read_energy_J_per_bit": ("Device level", "Read_Energy"),
    "device.write_energy_J_per_bit": ("Device level", "Write_Energy"),
    # [Crossbar level]; rows and cols share one key, written "rows,cols"
    "crossbar.rows": ("Crossbar level", "Xbar_Size"),
    "crossbar.cols": ("Crossbar level", "Xbar_Size"),
    "crossbar.subarray_rows": ("Crossbar level", "Subarray_Size"),
    "crossbar.cell_type": ("Crossbar level", "Cell_Type"),
    "crossbar.transistor_tech_nm": ("Crossbar level", "Transistor_Tech"),
    "crossbar.wire_resistance_ohm": ("Crossbar level", "Wire_Resistance"),
    "crossbar.wire_capacity_fF": ("Crossbar level", "Wire_Capacity"),
    "crossbar.load_resistance_ohm": ("Crossbar level", "Load_Resistance"),
    "crossbar.area_calculation": ("Crossbar level", "Area_Calculation"),
    # [Interface level]
    "interface.dac_choice": ("Interface level", "DAC_Choice"),
    "interface.dac_area_um2": ("Interface level", "DAC_Area"),
    "interface.dac_precision_bits": ("Interface level", "DAC_Precision"),
    "interface.dac_power_W": ("Interface level", "DAC_Power"),
    "interface.dac_sample_rate_GSps": ("Interface level", "DAC_Sample_Rate"),
    "interface.adc_choice": ("Interface level", "ADC_Choice"),
    "interface.adc_area_um2": ("Interface level", "ADC_Area"),
    "interface.adc_precision_bits": ("Interface level", "ADC_Precision"),
    "interface.adc_power_W": ("Interface level", "ADC_Power"),
    "interface.adc_sample_rate_GSps": ("Interface level", "ADC_Sample_Rate"),
    "interface.adc_interval_thres_V": ("Interface level", "ADC_Interval_Thres"),
    "interface.logic_op": ("Interface level", "Logic_Op"),
    # [Process element level]
    "pe.pim_type": ("Process element level", "PIM_Type"),
    "pe.polarity": ("Process element level", "Xbar_Polarity"),
    "pe.sub_position": ("Process element level", "Sub_Position"),
    "pe.group_num": ("Process element level", "Group_Num"),
    "pe.dac_num": ("Process element level", "DAC_Num"),
    "pe.adc_num": ("Process element level", "ADC_Num"),
    "pe.inbuf_size_KB": ("Process element level", "PE_inBuf_Size"),
    "pe.inbuf_area_um2": ("Process element level", "PE_inBuf_Area"),
    "pe.tile_outbuf_size_KB": ("Process element level", "Tile_outBuf_Size"),
    "pe.tile_outbuf_area_um2": ("Process element level", "Tile_outBuf_Area"),
    "pe.dfu_buf_size_KB": ("Process element level", "DFU_Buf_Size"),
    "pe.dfu_buf_area_um2": ("Process element level", "DFU_Buf_Area"),
    # [Digital module]
    "digital.frequency_MHz": ("Digital module", "Digital_Frequency"),
    "digital.adder_tech_nm": ("Digital module", "Adder_Tech"),
    "digital.adder_area_um2": ("Digital module", "Adder_Area"),
    "digital.adder_power_W": ("Digital module", "Adder_Power"),
    "digital.multiplier_tech_nm": ("Digital module", "Multiplier_Tech"),
    "digital.multiplier_area_um2": ("Digital module", "Multiplier_Area"),
    "digital.multiplier_power_W": ("Digital module", "Multiplier_Power"),
    "digital.shiftreg_tech_nm": ("Digital module", "ShiftReg_Tech"),
    "digital.shiftreg_area_um2": ("Digital module", "ShiftReg_Area"),
    "digital.shiftreg_power_W": ("Digital module", "ShiftReg_Power"),
    "digital.reg_tech_nm": ("Digital module", "Reg_Tech"),
    "digital.reg_area_um2": ("Digital module", "Reg_Area"),
    "digital.reg_power_W": ("Digital module", "Reg_Power"),
    "digital.jointmodule_tech_nm": ("Digital module", "JointModule_Tech"),
    "digital.jointmodule_area_um2": ("Digital module", "JointModule_Area"),
    "digital.jointmodule_power_W": ("Digital module", "JointModule_Power"),
    # [Tile level]
    "tile.pe_num": ("Tile level", "PE_Num"),
    "tile.pooling_shape": ("Tile level", "Pooling_shape"),
    "tile.pooling_unit_num": ("Tile level", "Pooling_unit_num"),
    "tile.pooling_tech_nm": ("Tile level", "Pooling_Tech"),
    "tile.pooling_area_um2": ("Tile level", "Pooling_area"),
    "tile.adder_num": ("Tile level", "Tile_Adder_Num"),
    "tile.adder_level": ("Tile level", "Tile_Adder_Level"),
    "tile.shiftreg_num": ("Tile level", "Tile_ShiftReg_Num"),
    "tile.shiftreg_level": ("Tile level", "Tile_ShiftReg_Level"),
    "tile.inter_tile_bandwidth_Gbps": ("Tile level", "Inter_Tile_Bandwidth"),
    "tile.intra_tile_bandwidth_Gbps": ("Tile level", "Intra_Tile_Bandwidth"),
    "tile.outbuf_size_KB": ("Tile level", "Tile_outBuf_Size"),
    "tile.outbuf_area_um2": ("Tile level", "Tile_outBuf_Area"),
    "tile.dfu_buf_size_KB": ("Tile level", "DFU_Buf_Size"),
    "tile.dfu_buf_area_um2": ("Tile level", "DFU_Buf_Area"),
    # [Architecture level]
    "architecture.buffer_choice": ("Architecture level", "Buffer_Choice"),
    "architecture.buffer_tech_nm": ("Architecture level", "Buffer_Technology"),
    "architecture.buffer_read_power_mW": ("Architecture level", "Buffer_ReadPower"),
    "architecture.buffer_write_power_mW": ("Architecture level", "Buffer_WritePower"),
    "architecture.buffer_bitwidth_bits": ("Architecture level", "Buffer_Bitwidth"),
    "architecture.lut_capacity_Mb": ("Architecture level", "LUT_Capacity"),
    "architecture.lut_area_mm2": ("Architecture level", "LUT_Area"),
    "architecture.lut_power_mW": ("Architecture level", "LUT_Power"),
    "architecture.lut_bandwidth_Mbps": ("Architecture level", "LUT_Bandwidth"),
    "architecture.tile_connection": ("Architecture level", "Tile_Connection"),
    "architecture.tile_num": ("Architecture level", "Tile_Num"),
    # [Algorithm Configuration]
    "algorithm.weight_polarity": ("Algorithm Configuration", "Weight_Polarity"),
    "algorithm.simulation_level": ("Algorithm Configuration", "Simulation_Level"),
    "algorithm.noc_enable": ("Algorithm Configuration", "NoC_enable"),
    "algorithm.adc_mode": ("Algorithm Configuration", "ADC_Mode"),
}
"""Field path (``"<section attribute>.<field>"``) -> (INI section, INI key), in MNSIM 2.0's file order.

``crossbar.rows`` and ``crossbar.cols`` share ``Xbar_Size`` (written ``rows,cols``). ``Tile_outBuf_Size``,
``Tile_outBuf_Area``, ``DFU_Buf_Size`` and ``DFU_Buf_Area`` appear in two sections, as in MNSIM's files."""

OPTIONAL_KEYS: frozenset[tuple[str, str]] = frozenset({
    ("Device level", "Device_Type"),
    ("Device level", "Read_Energy"),
    ("Device level", "Write_Energy"),
    ("Crossbar level", "Subarray_Size"),
    ("Interface level", "Logic_Op"),
    ("Process element level", "PIM_Type"),
    ("Digital module", "Multiplier_Tech"),
    ("Digital module", "Multiplier_Area"),
    ("Digital module", "Multiplier_Power"),
    ("Algorithm Configuration", "ADC_Mode"),
})
"""Keys that may be absent (they take the dataclass default): the ones MNSIM 2.0 added after the aw_nas branch's
key set, plus pim-nas's ``ADC_Mode``. Every other key in ``KEY_TABLE`` is required."""

# -- validation ----------------------------------------------------------------------------------------------------

ADC_CHOICES: tuple[int, ...] = (-1, 1, 2, 3, 4, 5, 6, 7, 8, 9)  # -1 user defined; presets in sim.converters
DAC_CHOICES: tuple[int, ...] = (-1, 1, 2, 3, 4, 5, 6, 7)
ADC_ACCEPTED = "-1 (user defined) or 1..9"
DAC_ACCEPTED = "-1 (user defined) or 1..7"

_KIND_OF_ANNOTATION = {
    "int": "int", "int | None": "int", "float": "float", "str": "str", "tuple[float, ...]": "floats",
    "tuple[float, float]": "float2", "tuple[int, int]": "int2",
}


def _field_kinds() -> dict[str, str]:
    kinds: dict[str, str] = {}
    for part in ("device", "crossbar", "interface", "pe", "digital", "tile", "architecture", "algorithm"):
        cls = type(getattr(SimConfig(), part))
        for name, annotation in cls.__annotations__.items():
            kinds[f"{part}.{name}"] = _KIND_OF_ANNOTATION[str(annotation)]
    return kinds


FIELD_KINDS: dict[str, str] = _field_kinds()
"""Field path -> value kind: "int", "float", "str", "floats" (non-empty list), "float2" / "int2" (exactly two)."""

MAX_XBAR_DIM = 8192
MAX_TILES = 1_000_000
MAX_PES_PER_TILE = 4096
MAX_GROUP_NUM = 1024
MAX_DEVICE_LEVEL = 256
ADC_MODES = ("SCALE", "FIX")


def _value(cfg: SimConfig, path: str) -> object:
    part, name = path.split(".")
    return getattr(getattr(cfg, part), name)


def _ini_value(cfg: SimConfig, path: str) -> object:
    """The value as the INI key holds it (both halves of ``Xbar_Size``)."""
    if path in ("crossbar.rows", "crossbar.cols"):
        return (cfg.crossbar.rows, cfg.crossbar.cols)
    return _value(cfg, path)


def _fail(cfg: SimConfig, path: str, problem: str, accepted: str | None) -> SimConfigError:
    section, key = KEY_TABLE[path]
    return SimConfigError(cfg.source, section, key, _ini_value(cfg, path), problem, accepted)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check_types(cfg: SimConfig) -> None:
    """Fields built in memory with the wrong type (the INI parser never makes them)."""
    for path, kind in FIELD_KINDS.items():
        v = _value(cfg, path)
        if kind == "str":
            ok, want = isinstance(v, str) and v != "", "a non-empty string"
        elif kind == "int":
            ok = _is_int(v) or (v is None and path == "crossbar.subarray_rows")
            want = "an integer"
        elif kind == "float":
            ok, want = _is_number(v), "a finite number"
        elif kind == "floats":
            ok = isinstance(v, tuple) and len(v) > 0 and all(_is_number(x) for x in v)
            want = "a non-empty tuple of finite numbers"
        elif kind == "float2":
            ok = isinstance(v, tuple) and len(v) == 2 and all(_is_number(x) for x in v)
            want = "a tuple of two finite numbers"
        else:
            ok = isinstance(v, tuple) and len(v) == 2 and all(_is_int(x) for x in v)
            want = "a tuple of two integers"
        if not ok:
            raise _fail(cfg, path, f"wrong type {type(v).__name__}", want)


def validate(cfg: SimConfig) -> None:
    """Raise SimConfigError (naming file, section, key, value and what is accepted) unless ``cfg`` can be simulated.

    Refuses absurd sizes (crossbar side > 8192, > 1e6 tiles, > 4096 PEs per tile, > 1024 groups, > 256 levels) before
    any model allocates memory for them. ``-1`` sentinels (Wire_Resistance, Wire_Capacity, Load_Resistance,
    ADC_Interval_Thres, Logic_Op) and user-defined converters (choice -1) are legal.
    """
    _check_types(cfg)
    d, x, i, pe, t, a = cfg.device, cfg.crossbar, cfg.interface, cfg.pe, cfg.tile, cfg.architecture

    def one_of(path: str, allowed: tuple[object, ...], accepted: str) -> None:
        if _value(cfg, path) not in allowed:
            raise _fail(cfg, path, "unknown choice", accepted)

    def positive(path: str, unit: str) -> None:
        v = _value(cfg, path)
        assert isinstance(v, (int, float))
        if not v > 0:
            raise _fail(cfg, path, "must be positive", f"a number > 0 ({unit})")

    def non_negative(path: str, unit: str, zero_means: str = "") -> None:
        v = _value(cfg, path)
        assert isinstance(v, (int, float))
        if v < 0:
            extra = f", 0 = {zero_means}" if zero_means else ""
            raise _fail(cfg, path, "must not be negative", f"a number >= 0 ({unit}{extra})")

    def sentinel(path: str, unit: str) -> None:
        v = _value(cfg, path)
        assert isinstance(v, (int, float))
        if not (v == -1 or v > 0):
            raise _fail(cfg, path, "must be -1 (default) or positive", f"-1 (default) or a number > 0 ({unit})")

    def at_most(path: str, v: int, limit: int, what: str, accepted: str) -> None:
        if v > limit:
            raise _fail(cfg, path, f"absurd size ({what} {v} > {limit})", accepted)

    # [Device level]
    one_of("device.device_type", ("NVM", "SRAM"), "NVM or SRAM")
    positive("device.tech_nm", "nm")
    positive("device.cell_area_um2", "um^2 per cell")
    if d.read_level != len(d.read_voltage_V):
        raise _fail(cfg, "device.read_level", f"Read_Voltage has {len(d.read_voltage_V)} values",
                    f"the number of Read_Voltage values ({len(d.read_voltage_V)})")
    if d.write_level != len(d.write_voltage_V):
        raise _fail(cfg, "device.write_level", f"Write_Voltage has {len(d.write_voltage_V)} values",
                    f"the number of Write_Voltage values ({len(d.write_voltage_V)})")
    if any(v < 0 for v in d.read_voltage_V):
        raise _fail(cfg, "device.read_voltage_V", "negative voltage", "voltages >= 0 (V)")
    if any(v < 0 for v in d.write_voltage_V):
        raise _fail(cfg, "device.write_voltage_V", "negative voltage", "voltages >= 0 (V)")
    non_negative("device.read_latency_ns", "ns")
    non_negative("device.write_latency_ns", "ns")
    if d.level > MAX_DEVICE_LEVEL:
        raise _fail(cfg, "device.level", f"absurd size ({d.level} levels > {MAX_DEVICE_LEVEL})",
                    f"a power of two, 2..{MAX_DEVICE_LEVEL}")
    if d.level < 2 or d.level & (d.level - 1):
        raise _fail(cfg, "device.level", "not a power of two >= 2", f"a power of two, 2..{MAX_DEVICE_LEVEL}")
    if len(d.resistance_ohm) != d.level:
        raise _fail(cfg, "device.resistance_ohm", f"{len(d.resistance_ohm)} values for Device_Level = {d.level}",
                    f"Device_Level ({d.level}) resistances in ohm, HRS to LRS")
    if any(r <= 0 for r in d.resistance_ohm):
        raise _fail(cfg, "device.resistance_ohm", "non-positive resistance", "resistances > 0 (ohm), HRS to LRS")
    non_negative("device.variation_pct", "% of the level's resistance")
    if len(d.saf_pct) != 2 or any(p < 0 or p > 100 for p in d.saf_pct) or sum(d.saf_pct) > 100:
        raise _fail(cfg, "device.saf_pct", "not two percentages summing to at most 100",
                    "two numbers in 0..100 (% stuck at HRS, % stuck at LRS), sum <= 100")
    non_negative("device.read_energy_J_per_bit", "J/bit")
    non_negative("device.write_energy_J_per_bit", "J/bit")

    # [Crossbar level]
    for path, v in (("crossbar.rows", x.rows), ("crossbar.cols", x.cols)):
        if v < 1:
            raise _fail(cfg, path, "non-positive crossbar size", f"rows,cols each in 1..{MAX_XBAR_DIM}")
        at_most(path, v, MAX_XBAR_DIM, "crossbar side", f"rows,cols each in 1..{MAX_XBAR_DIM}")
    if x.subarray_rows is not None:
        if x.subarray_rows < 1:
            raise _fail(cfg, "crossbar.subarray_rows", "non-positive subarray size",
                        f"a divisor of the crossbar rows ({x.rows})")
        if x.rows % x.subarray_rows:
            raise _fail(cfg, "crossbar.subarray_rows", f"crossbar rows ({x.rows}) are not a multiple of it",
                        f"a divisor of the crossbar rows ({x.rows})")
    one_of("crossbar.cell_type", ("1T1R", "0T1R"), "1T1R or 0T1R")
    positive("crossbar.transistor_tech_nm", "nm")
    sentinel("crossbar.wire_resistance_ohm", "ohm")
    sentinel("crossbar.wire_capacity_fF", "fF")
    sentinel("crossbar.load_resistance_ohm", "ohm")
    one_of("crossbar.area_calculation", (0, 1), "0 (from Device_Area) or 1 (from Device_Tech)")

    # [Interface level]
    one_of("interface.dac_choice", DAC_CHOICES, DAC_ACCEPTED)
    one_of("interface.adc_choice", ADC_CHOICES, ADC_ACCEPTED)
    for kind in ("dac", "adc"):
        non_negative(f"interface.{kind}_area_um2", "um^2")
        non_negative(f"interface.{kind}_precision_bits", "bits")
        non_negative(f"interface.{kind}_power_W", "W")
        non_negative(f"interface.{kind}_sample_rate_GSps", "GS/s")
    if i.dac_choice == -1:
        if not 1 <= i.dac_precision_bits <= 32:
            raise _fail(cfg, "interface.dac_precision_bits", "a user-defined DAC (DAC_Choice = -1) needs a precision",
                        "an integer in 1..32 (bits)")
        positive("interface.dac_sample_rate_GSps", "GS/s; required by DAC_Choice = -1")
    if i.adc_choice == -1:
        if not 1 <= i.adc_precision_bits <= 32:
            raise _fail(cfg, "interface.adc_precision_bits", "a user-defined ADC (ADC_Choice = -1) needs a precision",
                        "an integer in 1..32 (bits)")
        positive("interface.adc_sample_rate_GSps", "GS/s; required by ADC_Choice = -1")
    one_of("interface.logic_op", (-1, 0, 1, 2), "-1 (none), 0 (AND), 1 (OR) or 2 (XOR)")

    # [Process element level]
    one_of("pe.pim_type", (0, 1), "0 (analog) or 1 (digital)")
    one_of("pe.polarity", (1, 2), "1 or 2")
    one_of("pe.sub_position", (0, 1), "0 (analog subtraction) or 1 (digital)")
    if pe.group_num < 1:
        raise _fail(cfg, "pe.group_num", "must be positive", f"an integer in 1..{MAX_GROUP_NUM}")
    at_most("pe.group_num", pe.group_num, MAX_GROUP_NUM, "groups", f"an integer in 1..{MAX_GROUP_NUM}")
    sub_rows = cfg.subarray_rows_effective
    if not 0 <= pe.dac_num <= sub_rows:
        raise _fail(cfg, "pe.dac_num", f"more DACs than subarray rows ({sub_rows})" if pe.dac_num > 0 else
                    "must not be negative", f"0 (default) or 1..{sub_rows} (subarray rows)")
    if not 0 <= pe.adc_num <= x.cols:
        raise _fail(cfg, "pe.adc_num", f"more ADCs than crossbar columns ({x.cols})" if pe.adc_num > 0 else
                    "must not be negative", f"0 (default) or 1..{x.cols} (crossbar columns)")
    for name in ("inbuf_size_KB", "inbuf_area_um2", "tile_outbuf_size_KB", "tile_outbuf_area_um2",
                 "dfu_buf_size_KB", "dfu_buf_area_um2"):
        non_negative(f"pe.{name}", "KB" if name.endswith("KB") else "um^2", "default")

    # [Digital module]
    positive("digital.frequency_MHz", "MHz")
    for block in ("adder", "multiplier", "shiftreg", "reg", "jointmodule"):
        positive(f"digital.{block}_tech_nm", "nm")
        non_negative(f"digital.{block}_area_um2", "um^2", "built-in table")
        non_negative(f"digital.{block}_power_W", "W", "built-in table")

    # [Tile level]
    px, py = t.pe_num
    if px < 0 or py < 0 or (px == 0) != (py == 0):
        raise _fail(cfg, "tile.pe_num", "not two positive counts", "x,y both > 0, or 0,0 (4 x 4)")
    if px * py > MAX_PES_PER_TILE:
        raise _fail(cfg, "tile.pe_num", f"absurd size ({px * py} PEs per tile > {MAX_PES_PER_TILE})",
                    f"x*y <= {MAX_PES_PER_TILE}")
    sx, sy = t.pooling_shape
    if sx < 0 or sy < 0 or (sx == 0) != (sy == 0) or sx * sy > MAX_XBAR_DIM:
        raise _fail(cfg, "tile.pooling_shape", "not a pooling window", "x,y both > 0, or 0,0 (3 x 3)")
    non_negative("tile.pooling_unit_num", "count", "default")
    non_negative("tile.pooling_tech_nm", "nm", "default")
    non_negative("tile.pooling_area_um2", "um^2", "default")
    for name in ("adder_num", "adder_level", "shiftreg_num", "shiftreg_level"):
        non_negative(f"tile.{name}", "count", "default")
    positive("tile.inter_tile_bandwidth_Gbps", "Gbps")
    positive("tile.intra_tile_bandwidth_Gbps", "Gbps")
    for name in ("outbuf_size_KB", "outbuf_area_um2", "dfu_buf_size_KB", "dfu_buf_area_um2"):
        non_negative(f"tile.{name}", "KB" if name.endswith("KB") else "um^2", "default")

    # [Architecture level]
    one_of("architecture.buffer_choice", (0, 1, 2, 3), "0 (user defined), 1 (SRAM), 2 (DRAM) or 3 (RRAM)")
    non_negative("architecture.buffer_tech_nm", "nm", "65 nm")
    non_negative("architecture.buffer_read_power_mW", "mW")
    non_negative("architecture.buffer_write_power_mW", "mW")
    non_negative("architecture.buffer_bitwidth_bits", "bits", "256")
    for name, unit in (("lut_capacity_Mb", "Mb"), ("lut_area_mm2", "mm^2"), ("lut_power_mW", "mW"),
                       ("lut_bandwidth_Mbps", "Mb/s")):
        non_negative(f"architecture.{name}", unit)
    one_of("architecture.tile_connection", (0, 1, 2, 3), "0 (row-major), 1 (snake), 2 (spiral) or 3 (zigzag)")
    tx, ty = a.tile_num
    if tx < 0 or ty < 0 or (tx == 0) != (ty == 0):
        raise _fail(cfg, "architecture.tile_num", "not two positive counts", "x,y both > 0, or 0,0 (8 x 8)")
    if tx * ty > MAX_TILES:
        raise _fail(cfg, "architecture.tile_num", f"absurd size ({tx * ty} tiles > {MAX_TILES})",
                    f"x*y <= {MAX_TILES}")

    # [Algorithm Configuration]
    one_of("algorithm.weight_polarity", (1, 2), "1 or 2")
    one_of("algorithm.simulation_level", (0, 1), "0 (behaviour) or 1 (estimation)")
    one_of("algorithm.noc_enable", (0,), "0 (NoC simulation needs booksim, which is not available)")
    one_of("algorithm.adc_mode", ADC_MODES, "SCALE or FIX")

