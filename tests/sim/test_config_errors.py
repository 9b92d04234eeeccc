"""One test per kind of bad configuration: each raises SimConfigError whose one-line message names the file, the
section, the key, the value and what would have been accepted."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

from sim.config import CrossbarConfig, SimConfig, validate
from sim.errors import SimConfigError
from sim.ini import load_sim_config, parse_sim_config

FILE = "my/SimConfig.ini"


@pytest.fixture(scope="module")
def master_text(data_dir: Path) -> str:
    return (data_dir / "SimConfig.ini").read_text(encoding="utf-8")


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _raises(text: str) -> SimConfigError:
    with pytest.raises(SimConfigError) as info:
        parse_sim_config(text, FILE)
    err = info.value
    message = str(err)
    assert "\n" not in message
    assert message.startswith(FILE)
    assert isinstance(err, ValueError)
    return err


def _names_all(err: SimConfigError, section: str, key: str | None, value: str | None, accepted: str) -> None:
    message = str(err)
    assert err.file == FILE
    assert err.section == section and f"[{section}]" in message
    if key is not None:
        assert err.key == key and key in message
    if value is not None:
        assert f"= {value}:" in message
    assert err.accepted is not None and accepted in err.accepted
    assert f"; accepted: {err.accepted}" in message


# (old line, new line, section, key, value as shown, part of "accepted")
VALUE_CASES = {
    "unknown ADC choice": ("ADC_Choice = 6\n", "ADC_Choice = 12\n", "Interface level", "ADC_Choice", "12",
                           "-1 (user defined) or 1..9"),
    "unknown DAC choice": ("DAC_Choice = 1\n", "DAC_Choice = 8\n", "Interface level", "DAC_Choice", "8",
                           "-1 (user defined) or 1..7"),
    "user DAC without precision": ("DAC_Choice = 1\n", "DAC_Choice = -1\n", "Interface level", "DAC_Precision",
                                   "0", "1..32"),
    "user ADC without rate": ("ADC_Precision = 0\n", "ADC_Precision = 6\n", None, None, None, None),
    "zero crossbar size": ("Xbar_Size = 256,256\n", "Xbar_Size = 0,256\n", "Crossbar level", "Xbar_Size",
                           "0,256", "1..8192"),
    "absurd crossbar size": ("Xbar_Size = 256,256\n", "Xbar_Size = 256,100000\n", "Crossbar level", "Xbar_Size",
                             "256,100000", "1..8192"),
    "negative area": ("Device_Area = 1.44\n", "Device_Area = -1.44\n", "Device level", "Device_Area", "-1.44",
                      "> 0"),
    "negative latency": ("Read_Latency = 3.16\n", "Read_Latency = -3\n", "Device level", "Read_Latency", "-3",
                         ">= 0"),
    "bad -1 sentinel": ("Wire_Resistance = -1\n", "Wire_Resistance = -2\n", "Crossbar level", "Wire_Resistance",
                        "-2", "-1 (default)"),
    "resistance count": ("Device_Level = 2\n", "Device_Level = 4\n", "Device level", "Device_Resistance",
                         "1000000,10000", "Device_Level (4)"),
    "level not power of two": ("Device_Level = 2\n", "Device_Level = 3\n", "Device level", "Device_Level", "3",
                               "power of two"),
    "level one": ("Device_Level = 2\n", "Device_Level = 1\n", "Device level", "Device_Level", "1", "power of two"),
    "absurd level": ("Device_Level = 2\n", "Device_Level = 512\n", "Device level", "Device_Level", "512", "2..256"),
    "rows not multiple of subarray": ("Subarray_Size = 256\n", "Subarray_Size = 100\n", "Crossbar level",
                                      "Subarray_Size", "100", "divisor of the crossbar rows (256)"),
    "DAC_Num > subarray rows": ("DAC_Num = 128\n", "DAC_Num = 300\n", "Process element level", "DAC_Num", "300",
                                "1..256"),
    "ADC_Num > cols": ("ADC_Num = 128\n", "ADC_Num = 257\n", "Process element level", "ADC_Num", "257", "1..256"),
    "negative ADC_Num": ("ADC_Num = 128\n", "ADC_Num = -1\n", "Process element level", "ADC_Num", "-1", "0 (default)"),
    "polarity": ("Xbar_Polarity = 2\n", "Xbar_Polarity = 3\n", "Process element level", "Xbar_Polarity", "3",
                 "1 or 2"),
    "sub position": ("Sub_Position = 0\n", "Sub_Position = 2\n", "Process element level", "Sub_Position", "2",
                     "0 (analog subtraction) or 1"),
    "ADC mode": ("NoC_enable = 0\n", "NoC_enable = 0\nADC_Mode = scale\n", "Algorithm Configuration", "ADC_Mode",
                 "scale", "SCALE or FIX"),
    "tile connection": ("Tile_Connection = 2\n", "Tile_Connection = 4\n", "Architecture level", "Tile_Connection",
                        "4", "0 (row-major)"),
    "absurd tile count": ("Tile_Num = 64,64\n", "Tile_Num = 2000,2000\n", "Architecture level", "Tile_Num",
                          "2000,2000", "x*y <= 1000000"),
    "half-default tile num": ("Tile_Num = 64,64\n", "Tile_Num = 0,64\n", "Architecture level", "Tile_Num", "0,64",
                              "0,0 (8 x 8)"),
    "absurd PE count": ("PE_Num = 2,2\n", "PE_Num = 100,100\n", "Tile level", "PE_Num", "100,100", "x*y <= 4096"),
    "absurd group count": ("Group_Num = 1\n", "Group_Num = 2000\n", "Process element level", "Group_Num", "2000",
                           "1..1024"),
    "zero group count": ("Group_Num = 1\n", "Group_Num = 0\n", "Process element level", "Group_Num", "0", "1..1024"),
    "zero frequency": ("Digital_Frequency = 500\n", "Digital_Frequency = 0\n", "Digital module",
                       "Digital_Frequency", "0", "> 0 (MHz)"),
    "read level mismatch": ("Read_Level = 2\n", "Read_Level = 3\n", "Device level", "Read_Level", "3",
                            "Read_Voltage values (2)"),
    "SAF over 100%": ("Device_SAF = 0.1,0.1\n", "Device_SAF = 60,50\n", "Device level", "Device_SAF", "60,50",
                      "sum <= 100"),
    "device type": ("Device_Type = NVM\n", "Device_Type = PCM\n", "Device level", "Device_Type", "PCM",
                    "NVM or SRAM"),
    "NoC": ("NoC_enable = 0\n", "NoC_enable = 1\n", "Algorithm Configuration", "NoC_enable", "1", "booksim"),
    "not an integer": ("Group_Num = 1\n", "Group_Num = one\n", "Process element level", "Group_Num", "one",
                       "an integer"),
    "not a float": ("Device_Area = 1.44\n", "Device_Area = 1.44um\n", "Device level", "Device_Area", "1.44um",
                    "a finite number"),
    "not finite": ("Device_Area = 1.44\n", "Device_Area = nan\n", "Device level", "Device_Area", "nan",
                   "a finite number"),
    "bad list": ("Device_Resistance = 1e6, 1e4\n", "Device_Resistance = 1e6,,1e4\n", "Device level",
                 "Device_Resistance", "1e6,,1e4", "comma-separated list"),
    "pair with three items": ("Xbar_Size = 256,256\n", "Xbar_Size = 256,256,1\n", "Crossbar level", "Xbar_Size",
                              "256,256,1", "two comma-separated integers"),
    "empty value": ("Xbar_Size = 256,256\n", "Xbar_Size =\n", "Crossbar level", "Xbar_Size", None,
                    "two comma-separated integers"),
}


@pytest.mark.parametrize("case", sorted(VALUE_CASES))
def test_bad_value(case: str, master_text: str) -> None:
    old, new, section, key, value, accepted = VALUE_CASES[case]
    if case == "user ADC without rate":
        text = _replace(_replace(master_text, "ADC_Choice = 6\n", "ADC_Choice = -1\n"), old, new)
        err = _raises(text)
        _names_all(err, "Interface level", "ADC_Sample_Rate", "0", "> 0 (GS/s")
        return
    err = _raises(_replace(master_text, old, new))
    assert section is not None and accepted is not None
    _names_all(err, section, key, value, accepted)
    assert err.line is not None and f"{FILE}:{err.line}:" in str(err)


def test_user_defined_converters_are_legal(master_text: str) -> None:
    text = master_text
    for old, new in [("ADC_Choice = 6\n", "ADC_Choice = -1\n"), ("ADC_Precision = 0\n", "ADC_Precision = 5\n"),
                     ("ADC_Sample_Rate = 0\n", "ADC_Sample_Rate = 1.5\n"), ("DAC_Choice = 1\n", "DAC_Choice = -1\n"),
                     ("DAC_Precision = 0\n", "DAC_Precision = 2\n"), ("DAC_Sample_Rate = 0\n", "DAC_Sample_Rate = 1\n"),
                     ("Wire_Resistance = -1\n", "Wire_Resistance = 2.82\n")]:
        text = _replace(text, old, new)
    cfg = parse_sim_config(text)
    assert cfg.interface.adc_choice == -1 and cfg.crossbar.wire_resistance_ohm == 2.82


def test_missing_section(master_text: str) -> None:
    start = master_text.index("[Tile level]")
    end = master_text.index("[Architecture level]")
    err = _raises(master_text[:start] + master_text[end:])
    assert err.section == "Tile level" and "missing section" in str(err)
    assert err.accepted is not None and "[Tile level]" in err.accepted


def test_missing_required_key(master_text: str) -> None:
    err = _raises(_replace(master_text, "Xbar_Size = 256,256\n", ""))
    _names_all(err, "Crossbar level", "Xbar_Size", None, "two comma-separated integers")
    assert "missing key" in str(err)


def test_missing_optional_key_takes_default(master_text: str) -> None:
    cfg = parse_sim_config(_replace(master_text, "Logic_Op = -1\n", ""))
    assert cfg.interface.logic_op == -1


def test_unknown_key_did_you_mean(master_text: str) -> None:
    err = _raises(_replace(master_text, "Device_Level = 2\n", "Device_Levle = 2\n"))
    _names_all(err, "Device level", "Device_Levle", "2", "Device_Level")
    assert "unknown key; did you mean Device_Level?" in str(err)


def test_key_in_wrong_section(master_text: str) -> None:
    err = _raises(_replace(master_text, "Group_Num = 1\n", "Group_Num = 1\nXbar_Size = 128,128\n"))
    assert "belongs in [Crossbar level]" in str(err)


def test_unknown_section(master_text: str) -> None:
    err = _raises(_replace(master_text, "[Tile level]", "[Tile Level]"))
    assert err.section == "Tile Level" and "did you mean [Tile level]?" in str(err)
    assert err.accepted is not None and "[Architecture level]" in err.accepted


def test_duplicate_key(master_text: str) -> None:
    err = _raises(_replace(master_text, "Group_Num = 1\n", "Group_Num = 1\nGroup_Num = 2\n"))
    _names_all(err, "Process element level", "Group_Num", "2", "each key once")
    assert "duplicate key (first set on line" in str(err)


def test_duplicate_section(master_text: str) -> None:
    err = _raises(master_text + "\n[Tile level]\n")
    assert err.section == "Tile level" and "duplicate section" in str(err)


def test_indented_value_line(master_text: str) -> None:
    err = _raises(_replace(master_text, "Group_Num = 1\n", "Group_Num = 1\n  2\n"))
    assert err.section == "Process element level" and "configparser" in str(err) and err.line is not None


def test_key_before_section(master_text: str) -> None:
    err = _raises("Xbar_Size = 1,1\n" + master_text)
    assert err.key == "Xbar_Size" and err.line == 1 and "before the first section" in str(err)


def test_line_without_delimiter(master_text: str) -> None:
    err = _raises(_replace(master_text, "Group_Num = 1\n", "Group_Num 1\n"))
    assert "not a 'key = value' line" in str(err)


def test_malformed_header(master_text: str) -> None:
    err = _raises(_replace(master_text, "[Tile level]", "[Tile level"))
    assert "malformed section header" in str(err)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.ini"
    with pytest.raises(SimConfigError, match="file not found") as info:
        load_sim_config(path)
    assert info.value.file == str(path) and str(path) in str(info.value)


def test_directory_and_huge_file(tmp_path: Path) -> None:
    with pytest.raises(SimConfigError, match="directory"):
        load_sim_config(tmp_path)
    big = tmp_path / "big.ini"
    big.write_bytes(b"#" * (2 << 20))
    with pytest.raises(SimConfigError, match="too large"):
        load_sim_config(big)


def test_validate_in_memory_config() -> None:
    bad = SimConfig(crossbar=CrossbarConfig(rows=0))
    with pytest.raises(SimConfigError) as info:
        validate(bad)
    assert str(info.value).startswith("<memory>: [Crossbar level] Xbar_Size = 0,256: non-positive crossbar size")


def test_validate_wrong_type_in_memory() -> None:
    bad = dataclasses.replace(SimConfig(), crossbar=CrossbarConfig(rows="256"))  # type: ignore[arg-type]
    with pytest.raises(SimConfigError, match="wrong type str"):
        validate(bad)


def test_error_example_message() -> None:
    err = SimConfigError("SimConfig.ini", "Interface level", "ADC_Choice", 12, "unknown choice",
                         "-1 (user defined) or 1..9")
    assert str(err) == ("SimConfig.ini: [Interface level] ADC_Choice = 12: unknown choice; "
                        "accepted: -1 (user defined) or 1..9")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and again.key == "ADC_Choice"


def test_validate_non_integer_pair_in_memory() -> None:
    from sim.config import TileConfig

    with pytest.raises(SimConfigError, match=r"\[Tile level\] PE_Num = 2.5,2: wrong type tuple"):
        validate(SimConfig(tile=TileConfig(pe_num=(2.5, 2))))  # type: ignore[arg-type]
