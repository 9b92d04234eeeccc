"""Property test: any mutation of a reference INI either parses to a valid config or raises SimConfigError."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import KEY_TABLE, SimConfig, validate
from sim.converters import resolve_adc, resolve_dac
from sim.errors import SimConfigError
from sim.ini import parse_sim_config, to_ini_text
from sim.slicing import slicing_for

DATA = Path(__file__).resolve().parents[1] / "data"
TEXTS = [(DATA / name).read_text(encoding="utf-8").splitlines() for name in ("SimConfig.ini", "SimConfig-pim_nas.ini")]

JUNK = st.one_of(
    st.sampled_from(["", "abc", "-", "1,", ",", "1,2,3", "nan", "inf", "-inf", "1e400", "1e308", "-1e308", "0x10",
                     "1_000", "9" * 30, "-" + "9" * 30, "0", "0,0", "-1", "-1,-1", "3.5", "1e-320", "[1]", "None",
                     "SRAM", "FIX", "SCALE", "0T1R", "2", "65536", "8193", "100000,100000"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e"
                                                                                      "\x85\u2028\u2029"),
            max_size=12),
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = list(draw(st.sampled_from(TEXTS)))
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["delete", "duplicate", "corrupt_key", "value", "value", "value", "delete_section",
                                   "insert"]))
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "corrupt_key" and "=" in line and not line.startswith(("#", " ")):
            key, _, value = line.partition("=")
            j = draw(st.integers(0, max(0, len(key.strip()) - 1)))
            ch = draw(st.sampled_from(["x", "_", "", " ", "=", "[", "é", key.strip()[j:j + 1].swapcase()]))
            k = key.strip()
            lines[i] = f"{k[:j]}{ch}{k[j + 1:]} ={value}"
        elif op == "value" and "=" in line and not line.startswith(("#", " ")):
            key = line.partition("=")[0]
            value = draw(JUNK)
            if draw(st.booleans()) and value and value[0] not in "-,":
                value = "-" + value
            lines[i] = f"{key}= {value}"
        elif op == "delete_section":
            headers = [n for n, text in enumerate(lines) if text.startswith("[")]
            start = draw(st.sampled_from(headers)) if headers else 0
            end = next((n for n in headers if n > start), len(lines))
            del lines[start:end]
        elif op == "insert":
            lines.insert(i, draw(JUNK))
    return "\n".join(lines) + "\n"


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_reference_ini_parses_or_raises_sim_config_error(text: str) -> None:
    try:
        cfg = parse_sim_config(text, "fuzz.ini")
    except SimConfigError as err:
        message = str(err)
        assert message.startswith("fuzz.ini") and "\n" not in message
        return
    assert isinstance(cfg, SimConfig)
    # a config that validated is usable by everything downstream, and round-trips
    for compat in (None, "mnsim"):
        resolve_adc(cfg.interface, compat)
        resolve_dac(cfg.interface, compat)
        slicing_for(cfg, 9, 9, compat)
    assert cfg.tile_count >= 1 and cfg.pe_count >= 1 and cfg.subarrays_per_crossbar >= 1
    assert parse_sim_config(to_ini_text(cfg)) == cfg


VALUES = st.one_of(
    st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
    st.text(max_size=5), st.sampled_from(["SCALE", "FIX", "NVM", "SRAM", "1T1R"]),
    st.tuples(st.integers(-5, 70000), st.integers(-5, 70000)),
    st.lists(st.floats(allow_nan=True), max_size=5).map(tuple),
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(sorted(KEY_TABLE)), VALUES), min_size=1, max_size=3))
def test_in_memory_configs_validate_or_raise_sim_config_error(changes: list[tuple[str, object]]) -> None:
    cfg = SimConfig()
    for path, value in changes:
        part, name = path.split(".")
        cfg = dataclasses.replace(cfg, **{part: dataclasses.replace(getattr(cfg, part), **{name: value})})
    try:
        validate(cfg)
    except SimConfigError as err:
        assert str(err).startswith("<memory>: [")
        return
    slicing_for(cfg, 9, 9)
    assert parse_sim_config(to_ini_text(cfg)) == cfg
