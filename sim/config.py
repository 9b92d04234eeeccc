"""Typed, immutable view of an MNSIM 2.0 ``SimConfig.ini``.

One frozen dataclass per INI section; field names carry units. Every key that MNSIM 2.0 (thu-nics/MNSIM-2.0 @ ca39ccb)
or its aw_nas branch (ILTShade/MNSIM_Python ``pim_nas`` @ a342b31) reads is here, with MNSIM's meaning; the key's
INI spelling is in ``KEY_TABLE`` (field -> (section, key)), the one place that knows it. Defaults are MNSIM 2.0's
reference ``SimConfig.ini`` values, used for keys that the older file lacks.

Reading and writing INI text lives in :mod:`sim.ini`; this module only describes and validates.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    noc_enable: int = 0  # NoC_enable (0 only; booksim is not public)
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
