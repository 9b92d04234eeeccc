"""The schema: KEY_TABLE covers every field, required vs optional keys match the reference files, effective values."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from sim.config import (
    KEY_TABLE,
    OPTIONAL_KEYS,
    SECTIONS,
    ArchitectureConfig,
    CrossbarConfig,
    DeviceConfig,
    SimConfig,
    TileConfig,
    validate,
)
from sim.ini import load_sim_config


def _keys_in(path: Path) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line.strip()[1:-1]
        elif line and line[0] not in " \t#" and "=" in line:
            found.add((section, line.split("=")[0].strip()))
    return found


def test_key_table_covers_every_field_once() -> None:
    paths = {f"{part.name}.{f.name}" for part in dataclasses.fields(SimConfig) if part.name != "source"
             for f in dataclasses.fields(getattr(SimConfig(), part.name))}
    assert paths == set(KEY_TABLE)
    assert {section for section, _ in KEY_TABLE.values()} == set(SECTIONS)
    # only Xbar_Size is shared by two fields of one section
    pairs = list(KEY_TABLE.values())
    assert [p for p in set(pairs) if pairs.count(p) > 1] == [("Crossbar level", "Xbar_Size")]


def test_required_keys_are_the_ones_both_reference_files_have(data_dir: Path) -> None:
    master = _keys_in(data_dir / "SimConfig.ini")
    older = _keys_in(data_dir / "SimConfig-pim_nas.ini")
    assert master == set(KEY_TABLE.values()) - {("Algorithm Configuration", "ADC_Mode")}
    assert older <= master
    assert OPTIONAL_KEYS == (master - older) | {("Algorithm Configuration", "ADC_Mode")}


def test_defaults_are_master_reference_values(data_dir: Path) -> None:
    cfg = load_sim_config(data_dir / "SimConfig.ini")
    assert cfg == SimConfig(crossbar=CrossbarConfig(subarray_rows=256))
    validate(SimConfig())


def test_effective_values_follow_mnsim_zero_rules() -> None:
    cfg = SimConfig(tile=TileConfig(pe_num=(0, 0), pooling_shape=(0, 0)),
                    architecture=ArchitectureConfig(tile_num=(0, 0), buffer_tech_nm=0, buffer_bitwidth_bits=0))
    validate(cfg)
    assert cfg.pe_grid == (4, 4) and cfg.pe_count == 16
    assert cfg.tile_grid == (8, 8) and cfg.tile_count == 64
    assert cfg.pooling_shape_effective == (3, 3)
    assert cfg.buffer_tech_nm_effective == 65 and cfg.buffer_bitwidth_effective == 256
    d = SimConfig()
    assert (d.pe_count, d.tile_count, d.buffer_tech_nm_effective, d.buffer_bitwidth_effective) == (4, 4096, 90, 64)


def test_subarray_helpers() -> None:
    assert SimConfig().subarray_rows_effective == 256 and SimConfig().subarrays_per_crossbar == 1
    cfg = SimConfig(crossbar=CrossbarConfig(rows=512, cols=128, subarray_rows=128))
    validate(cfg)
    assert cfg.subarray_rows_effective == 128 and cfg.subarrays_per_crossbar == 4


@pytest.mark.parametrize(("level", "bits"), [(2, 1), (4, 2), (8, 3), (256, 8)])
def test_cell_bits(level: int, bits: int) -> None:
    cfg = SimConfig(device=DeviceConfig(level=level, resistance_ohm=tuple(1e6 / (i + 1) for i in range(level))))
    validate(cfg)
    assert cfg.cell_bits == bits


def test_crossbars_per_pe(data_dir: Path) -> None:
    assert load_sim_config(data_dir / "SimConfig-pim_nas.ini").crossbars_per_pe == 16


def test_configs_are_frozen_and_source_not_compared() -> None:
    cfg = SimConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.pe.group_num = 3  # type: ignore[misc]
    assert dataclasses.replace(cfg, source="a.ini") == cfg


def test_field_comments_name_their_ini_key() -> None:
    """Each field's comment in sim/config.py starts with its INI key (keeps the docs and KEY_TABLE in step)."""
    text = (Path(__file__).resolve().parents[2] / "sim" / "config.py").read_text(encoding="utf-8")
    for path, (_, key) in KEY_TABLE.items():
        name = path.split(".")[1]
        assert re.search(rf"^    {name}: .*#.*\b{key}\b", text, re.MULTILINE), path
