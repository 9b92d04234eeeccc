"""Read and write MNSIM 2.0 ``SimConfig.ini`` files.

The reader accepts MNSIM's files unchanged: MNSIM 2.0's key set and the older aw_nas-branch key set (keys the older
file lacks take the defaults in :mod:`sim.config`), comment lines starting with ``#`` or ``;`` (also indented ones and
ones trailing a value after whitespace), blank lines, ``=`` or ``:`` between key and value, and comma-separated lists
(``1e6, 1e4``). Keys and section names are case-sensitive, as MNSIM spells them (``sim.config.KEY_TABLE``).

It refuses, with a :class:`~sim.errors.SimConfigError` naming file, line, section, key and value: an unknown section or
key (with a "did you mean" hint), a duplicate section or key, a missing section, a missing key other than the ones
MNSIM 2.0 added later (``sim.config.OPTIONAL_KEYS``), a value that is not of the expected type, and an indented
non-comment line (``configparser`` would silently glue it to the previous value). The parsed config is then checked
with :func:`sim.config.validate`.

Parsing is a single pass over the text (no configparser): a reference file takes well under a millisecond.
"""

from __future__ import annotations

import difflib
import math
import os
import typing
from pathlib import Path

from sim.config import (
    FIELD_KINDS,
    KEY_TABLE,
    OPTIONAL_KEYS,
    SECTIONS,
    AlgorithmConfig,
    ArchitectureConfig,
    CrossbarConfig,
    DeviceConfig,
    DigitalConfig,
    InterfaceConfig,
    PEConfig,
    SimConfig,
    TileConfig,
    validate,
)
from sim.errors import SimConfigError

__all__ = ["load_sim_config", "parse_sim_config", "to_ini_text", "write_sim_config"]

MAX_FILE_BYTES = 1 << 20  # a SimConfig.ini is ~10 KB; refuse anything past 1 MiB before reading it

_PARTS: dict[str, type] = {
    "device": DeviceConfig,
    "crossbar": CrossbarConfig,
    "interface": InterfaceConfig,
    "pe": PEConfig,
    "digital": DigitalConfig,
    "tile": TileConfig,
    "architecture": ArchitectureConfig,
    "algorithm": AlgorithmConfig,
}

# (section, key) -> field paths that it fills, and the kind of the whole value
_KEY_FIELDS: dict[tuple[str, str], list[str]] = {}
for _path, _where in KEY_TABLE.items():
    _KEY_FIELDS.setdefault(_where, []).append(_path)
_KEY_KIND: dict[tuple[str, str], str] = {
    where: ("int2" if len(paths) == 2 else FIELD_KINDS[paths[0]]) for where, paths in _KEY_FIELDS.items()
}
_SECTION_KEYS: dict[str, list[str]] = {s: [] for s in SECTIONS}
for _section, _key in _KEY_FIELDS:
    _SECTION_KEYS[_section].append(_key)
_ALL_KEYS: dict[str, list[str]] = {}
for _section, _key in _KEY_FIELDS:
    _ALL_KEYS.setdefault(_key, []).append(_section)

_KIND_WORDS = {
    "int": "an integer", "float": "a number", "floats": "a list of numbers", "float2": "two numbers",
    "int2": "two integers", "str": "a word",
}
_ACCEPTED = {
    "int": "an integer, e.g. 256",
    "float": "a finite number, e.g. 1.44 or 1e6",
    "floats": "a comma-separated list of finite numbers, e.g. 0,0.15",
    "float2": "two comma-separated finite numbers, e.g. 0.1,0.1",
    "int2": "two comma-separated integers, e.g. 256,256",
}


# -- reading ---------------------------------------------------------------------------------------------------------


class _Raw(typing.NamedTuple):
    text: str
    line: int


def _strip_inline_comment(value: str) -> str:
    """Drop a ``#`` or ``;`` comment that follows the value after whitespace."""
    for i, ch in enumerate(value):
        if ch in "#;" and i > 0 and value[i - 1] in " \t":
            return value[:i].rstrip()
    return value


def _hint(key: str, section: str) -> str:
    """A "did you mean" suffix for an unknown ``key`` in ``section``."""
    known = _SECTION_KEYS[section]
    lowered = {k.lower(): k for k in known}
    if key.lower() in lowered:
        return f"; did you mean {lowered[key.lower()]}? (keys are case-sensitive)"
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]}?"
    if key in _ALL_KEYS:
        return f"; {key} belongs in [{_ALL_KEYS[key][0]}]"
    return ""


def _scan(text: str, source: str) -> dict[str, dict[str, _Raw]]:
    """Split INI text into {section: {key: raw value}}, refusing malformed, unknown or duplicate lines."""
    sections: dict[str, dict[str, _Raw]] = {}
    current: str | None = None
    if text.startswith("\ufeff"):
        text = text[1:]
    for lineno, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if raw[0] in " \t":
            raise SimConfigError(source, current, None, stripped, "indented line that is not a comment "
                                 "(configparser would append it to the previous value)",
                                 "comments (#) may be indented; keys start at the beginning of the line",
                                 line=lineno)
        if stripped[0] == "[":
            if not stripped.endswith("]"):
                raise SimConfigError(source, None, None, stripped, "malformed section header", "[<section name>]",
                                     line=lineno)
            name = stripped[1:-1].strip()
            if name not in _SECTION_KEYS:
                close = difflib.get_close_matches(name, SECTIONS, n=1, cutoff=0.6)
                hint = f"; did you mean [{close[0]}]?" if close else ""
                raise SimConfigError(source, name, None, None, "unknown section" + hint,
                                     ", ".join(f"[{s}]" for s in SECTIONS), line=lineno)
            if name in sections:
                raise SimConfigError(source, name, None, None, "duplicate section", "each section once",
                                     line=lineno)
            sections[name] = {}
            current = name
            continue
        eq, colon = stripped.find("="), stripped.find(":")
        cut = min(p for p in (eq, colon) if p >= 0) if max(eq, colon) >= 0 else -1
        if cut <= 0:
            raise SimConfigError(source, current, None, stripped, "not a 'key = value' line",
                                 "'Key = value', '[Section]', a comment (#) or a blank line", line=lineno)
        key = stripped[:cut].rstrip()
        value = _strip_inline_comment(stripped[cut + 1:].strip())
        if current is None:
            raise SimConfigError(source, None, key, value, "key before the first section header",
                                 "keys inside a [Section]", line=lineno)
        if key not in sections[current]:
            if (current, key) not in _KEY_KIND:
                raise SimConfigError(source, current, key, value, "unknown key" + _hint(key, current),
                                     ", ".join(_SECTION_KEYS[current]), line=lineno)
            sections[current][key] = _Raw(value, lineno)
        else:
            first = sections[current][key].line
            raise SimConfigError(source, current, key, value, f"duplicate key (first set on line {first})",
                                 "each key once per section", line=lineno)
    return sections


def _to_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _to_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        value = _to_float(text)  # "1e3" is an integer written as a float
        if not value.is_integer():
            raise
        return int(value)


def _convert(kind: str, text: str) -> object:
    """``text`` as a value of ``kind``; ValueError if it is not one."""
    if kind == "str":
        if not text:
            raise ValueError(text)
        return text
    if kind == "int":
        return _to_int(text)
    if kind == "float":
        return _to_float(text)
    items = [t.strip() for t in text.split(",")]
    if kind == "floats":
        return tuple(_to_float(t) for t in items)
    if len(items) != 2:
        raise ValueError(text)
    if kind == "float2":
        return (_to_float(items[0]), _to_float(items[1]))
    return (_to_int(items[0]), _to_int(items[1]))


def parse_sim_config(text: str, source: str = "<string>", *, check: bool = True) -> SimConfig:
    """Parse SimConfig.ini ``text`` (``source`` names it in errors); ``check`` also runs :func:`validate`.

    Raises SimConfigError for anything that is not a valid MNSIM SimConfig.ini.
    """
    sections = _scan(text, source)
    values: dict[str, dict[str, object]] = {part: {} for part in _PARTS}
    lines: dict[tuple[str, str], int] = {}
    for section in SECTIONS:
        if section not in sections:
            raise SimConfigError(source, section, None, None, "missing section",
                                 "all of " + ", ".join(f"[{s}]" for s in SECTIONS))
        found = sections[section]
        for key in _SECTION_KEYS[section]:
            where = (section, key)
            raw = found.get(key)
            if raw is None:
                if where in OPTIONAL_KEYS:
                    continue
                raise SimConfigError(source, section, key, None, "missing key", _ACCEPTED.get(_KEY_KIND[where],
                                     "a value"))
            lines[where] = raw.line
            kind = _KEY_KIND[where]
            try:
                value = _convert(kind, raw.text)
            except (ValueError, OverflowError):
                raise SimConfigError(source, section, key, raw.text, f"expected {_KIND_WORDS[kind]}",
                                     _ACCEPTED.get(kind, "a non-empty word"), line=raw.line) from None
            paths = _KEY_FIELDS[where]
            if len(paths) == 2:  # Xbar_Size -> rows, cols
                assert isinstance(value, tuple)
                for path, item in zip(paths, value):
                    part, name = path.split(".")
                    values[part][name] = item
            else:
                part, name = paths[0].split(".")
                values[part][name] = value
    cfg = SimConfig(**{part: cls(**values[part]) for part, cls in _PARTS.items()}, source=source)
    if check:
        try:
            validate(cfg)
        except SimConfigError as err:
            line = lines.get((err.section or "", err.key or ""))
            if line is None or err.line is not None:
                raise
            raise SimConfigError(err.file, err.section, err.key, err.value, err.problem, err.accepted,
                                 line=line) from None
    return cfg


def load_sim_config(path: str | os.PathLike[str], *, check: bool = True) -> SimConfig:
    """Read and parse the SimConfig.ini at ``path``; a missing or unreadable file raises SimConfigError."""
    name = os.fspath(path)
    try:
        size = os.stat(name).st_size
        if size > MAX_FILE_BYTES:
            raise SimConfigError(name, None, None, None, f"file too large for a SimConfig.ini ({size} bytes)",
                                 f"at most {MAX_FILE_BYTES} bytes")
        data = Path(name).read_bytes()
    except FileNotFoundError:
        raise SimConfigError(name, None, None, None, "file not found", "the path of a SimConfig.ini") from None
    except IsADirectoryError:
        raise SimConfigError(name, None, None, None, "is a directory", "the path of a SimConfig.ini") from None
    except OSError as exc:
        raise SimConfigError(name, None, None, None, f"cannot read ({exc.strerror})",
                             "a readable SimConfig.ini") from None
    return parse_sim_config(data.decode("utf-8", errors="replace"), name, check=check)


# -- writing ---------------------------------------------------------------------------------------------------------


def _fmt(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(_fmt(v) for v in value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    return str(value)


def to_ini_text(cfg: SimConfig) -> str:
    """``cfg`` as SimConfig.ini text: every section and key, MNSIM's spellings and order, ``parse``-able back to
    an equal config. An unset ``Subarray_Size`` (None: the crossbar rows) is written as a comment."""
    out = [
        "# SimConfig.ini written by pim-nas (MNSIM 2.0 format; units as in MNSIM's reference file)",
    ]
    for section in SECTIONS:
        out.append("")
        out.append(f"[{section}]")
        for key in _SECTION_KEYS[section]:
            paths = _KEY_FIELDS[(section, key)]
            vals = [getattr(getattr(cfg, p.split(".")[0]), p.split(".")[1]) for p in paths]
            if vals[0] is None:  # Subarray_Size unset
                out.append(f"# {key} not set: one subarray per crossbar ({cfg.crossbar.rows} rows)")
                continue
            text = _fmt(tuple(vals)) if len(vals) == 2 else _fmt(vals[0])
            out.append(f"{key} = {text}")
    out.append("")
    return "\n".join(out)


def write_sim_config(cfg: SimConfig, path: str | os.PathLike[str]) -> None:
    """Write ``cfg`` to ``path`` as a SimConfig.ini (UTF-8)."""
    Path(path).write_text(to_ini_text(cfg), encoding="utf-8")
