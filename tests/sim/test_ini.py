"""Reading and writing SimConfig.ini: both MNSIM reference files unchanged, round trip, syntax details, speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sim.config import KEY_TABLE, SECTIONS, SimConfig
from sim.errors import SimConfigError
from sim.ini import load_sim_config, parse_sim_config, to_ini_text, write_sim_config

REFERENCES = ("SimConfig.ini", "SimConfig-pim_nas.ini")


@pytest.fixture(scope="module")
def master(data_dir: Path) -> SimConfig:
    return load_sim_config(data_dir / "SimConfig.ini")


@pytest.fixture(scope="module")
def older(data_dir: Path) -> SimConfig:
    return load_sim_config(data_dir / "SimConfig-pim_nas.ini")


def test_master_reference_values(master: SimConfig, data_dir: Path) -> None:
    c = master
    assert c.source == str(data_dir / "SimConfig.ini")
    assert c.device.tech_nm == 130 and c.device.device_type == "NVM"
    assert c.device.read_voltage_V == (0.0, 0.15)
    assert c.device.level == 2 and c.device.resistance_ohm == (1e6, 1e4)
    assert c.device.saf_pct == (0.1, 0.1) and c.device.read_energy_J_per_bit == 1.12e-15
    assert (c.crossbar.rows, c.crossbar.cols, c.crossbar.subarray_rows) == (256, 256, 256)
    assert c.crossbar.transistor_tech_nm == 130 and c.crossbar.wire_resistance_ohm == -1
    assert (c.interface.dac_choice, c.interface.adc_choice) == (1, 6)
    assert c.interface.adc_interval_thres_V == (-1.0,) and c.interface.logic_op == -1
    assert (c.pe.pim_type, c.pe.polarity, c.pe.group_num, c.pe.dac_num, c.pe.adc_num) == (0, 2, 1, 128, 128)
    assert c.digital.frequency_MHz == 500 and c.digital.multiplier_tech_nm == 45 and c.digital.shiftreg_tech_nm == 65
    assert c.tile.pe_num == (2, 2) and c.tile.pooling_shape == (3, 3) and c.tile.intra_tile_bandwidth_Gbps == 1024
    assert c.architecture.buffer_tech_nm == 90 and c.architecture.buffer_bitwidth_bits == 64
    assert c.architecture.tile_connection == 2 and c.architecture.tile_num == (64, 64)
    assert c.algorithm.noc_enable == 0 and c.algorithm.adc_mode == "SCALE"


def test_older_reference_values(older: SimConfig) -> None:
    c = older
    assert c.device.tech_nm == 45 and c.device.read_voltage_V == (0.0, 0.5)
    assert c.device.level == 4 and c.device.resistance_ohm == (1e7, 1e4, 5e3, 3333.0)
    assert c.device.variation_pct == 5 and c.device.saf_pct == (9.0, 1.0)
    assert c.crossbar.transistor_tech_nm == 65 and c.crossbar.subarray_rows is None
    assert (c.interface.dac_choice, c.interface.adc_choice) == (2, 3)
    assert (c.pe.polarity, c.pe.sub_position, c.pe.group_num, c.pe.dac_num, c.pe.adc_num) == (2, 0, 8, 64, 4)
    assert c.tile.pe_num == (2, 2) and c.architecture.tile_num == (64, 64)
    # keys the older file lacks take MNSIM 2.0's defaults
    assert c.device.device_type == "NVM" and c.pe.pim_type == 0 and c.interface.logic_op == -1
    assert c.digital.multiplier_tech_nm == 45 and c.algorithm.adc_mode == "SCALE"
    assert c.subarray_rows_effective == 256


@pytest.mark.parametrize("name", REFERENCES)
def test_round_trip(name: str, data_dir: Path, tmp_path: Path) -> None:
    cfg = load_sim_config(data_dir / name)
    text = to_ini_text(cfg)
    assert parse_sim_config(text) == cfg
    write_sim_config(cfg, tmp_path / "out.ini")
    assert load_sim_config(tmp_path / "out.ini") == cfg
    # every section and MNSIM key spelling is written
    for section in SECTIONS:
        assert f"[{section}]\n" in text
    for path, (_, key) in KEY_TABLE.items():
        if path != "crossbar.subarray_rows" or cfg.crossbar.subarray_rows is not None:
            assert f"\n{key} = " in text


def test_written_file_reads_with_configparser(master: SimConfig) -> None:
    import configparser

    parser = configparser.ConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(to_ini_text(master))
    assert parser.get("Crossbar level", "Xbar_Size") == "256,256"
    assert parser.get("Device level", "Device_Resistance") == "1000000,10000"
    assert int(parser.get("Interface level", "ADC_Choice")) == 6


def test_default_config_round_trip() -> None:
    cfg = SimConfig()
    assert parse_sim_config(to_ini_text(cfg)) == cfg


def _master_text(data_dir: Path) -> str:
    return (data_dir / "SimConfig.ini").read_text(encoding="utf-8")


def test_comments_indented_comments_inline_comments_and_colon(data_dir: Path) -> None:
    text = _master_text(data_dir)
    text = text.replace("Xbar_Size = 256,256\n", "Xbar_Size: 128, 128   # rows, cols\n   ; indented\n\t# tab\n")
    text = text.replace("Subarray_Size = 256\n", "Subarray_Size = 128\n")
    cfg = parse_sim_config(text, "x.ini")
    assert (cfg.crossbar.rows, cfg.crossbar.cols) == (128, 128)


def test_crlf_and_bom(data_dir: Path) -> None:
    text = "\ufeff" + _master_text(data_dir).replace("\n", "\r\n")
    assert parse_sim_config(text) == parse_sim_config(_master_text(data_dir))


def test_adc_mode_fix(data_dir: Path) -> None:
    text = _master_text(data_dir).replace("NoC_enable = 0\n", "NoC_enable = 0\nADC_Mode = FIX\n")
    cfg = parse_sim_config(text)
    assert cfg.algorithm.adc_mode == "FIX"
    assert "ADC_Mode = FIX" in to_ini_text(cfg)
    assert parse_sim_config(to_ini_text(cfg)) == cfg


def test_integral_float_accepted_for_int(data_dir: Path) -> None:
    cfg = parse_sim_config(_master_text(data_dir).replace("Group_Num = 1\n", "Group_Num = 2.0\n"))
    assert cfg.pe.group_num == 2 and isinstance(cfg.pe.group_num, int)


def test_keys_are_case_sensitive(data_dir: Path) -> None:
    with pytest.raises(SimConfigError, match="did you mean Xbar_Size"):
        parse_sim_config(_master_text(data_dir).replace("Xbar_Size", "xbar_size"))


def test_check_false_skips_validation(data_dir: Path) -> None:
    text = _master_text(data_dir).replace("ADC_Choice = 6", "ADC_Choice = 42")
    assert parse_sim_config(text, check=False).interface.adc_choice == 42
    with pytest.raises(SimConfigError):
        parse_sim_config(text)


def test_validation_error_gets_line_number(data_dir: Path) -> None:
    text = _master_text(data_dir).replace("ADC_Choice = 6", "ADC_Choice = 42")
    line = text.splitlines().index("ADC_Choice = 42") + 1
    with pytest.raises(SimConfigError) as info:
        parse_sim_config(text, "f.ini")
    assert info.value.line == line
    assert str(info.value).startswith(f"f.ini:{line}: [Interface level] ADC_Choice = 42: unknown choice")


def test_parse_is_fast(data_dir: Path) -> None:
    text = (data_dir / "SimConfig-pim_nas.ini").read_text(encoding="utf-8")
    parse_sim_config(text)
    n = 200
    start = time.perf_counter()
    for _ in range(n):
        parse_sim_config(text)
    per_parse_s = (time.perf_counter() - start) / n
    assert per_parse_s < 5e-3  # ~0.4 ms here; generous for slow CI machines
