"""pim-sim / python -m sim: JSON output, text report, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[2]
INI = ROOT / "tests" / "data" / "SimConfig.ini"


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--network", "vgg8", "--config", str(INI), "--compat", "mnsim", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    for key in ("area_mm2", "latency_ms", "energy_mJ", "power_W", "avg_power_W", "layers"):
        assert key in d
    assert d["area_mm2"] == pytest.approx(1390.3309935, rel=1e-6)
    assert len(d["layers"]) == 12 and d["layers"][0]["kind"] == "conv"


def test_no_pipeline_and_bits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--network", "lenet", "--config", str(INI), "--json", "--no-inner-pipeline",
                 "--weight-bits", "5", "--act-bits", "5", "--input-shape", "3,32,32"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["inner_pipeline"] is False


def test_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--network", "alexnet", "--config", str(INI)]) == 0
    out = capsys.readouterr().out
    assert "area" in out and "latency" in out and "energy shares" in out


def test_network_from_callable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mynets.py").write_text(
        "from torch import nn\n"
        "def small():\n"
        "    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(8*8*8, 10))\n"
        "def bad():\n"
        "    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.LSTM(4, 4))\n"
        "def notmodule():\n"
        "    return 3\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["--network", "mynets:small", "--config", str(INI), "--input-shape", "3,8,8", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["layers"]) == 2
    assert main(["--network", "mynets:bad", "--config", str(INI)]) == 2
    assert main(["--network", "mynets:notmodule", "--config", str(INI)]) == 2
    assert main(["--network", "mynets:missing", "--config", str(INI)]) == 2
    assert main(["--network", "nosuchpkg.mod:f", "--config", str(INI)]) == 2


@pytest.mark.parametrize("argv", [
    ["--network", "vgg9", "--config", str(INI)],
    ["--network", "vgg8", "--config", "/nonexistent/SimConfig.ini"],
    ["--network", "vgg8", "--config", str(INI), "--input-shape", "3,x,32"],
    ["--network", "vgg8", "--config", str(INI), "--input-shape", "0,32,32"],
])
def test_bad_input_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("pim-sim: error:")


def test_too_few_tiles_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ini = tmp_path / "small.ini"
    ini.write_text(INI.read_text().replace("Tile_Num = 64,64", "Tile_Num = 8,8"))
    assert main(["--network", "vgg8", "--config", str(ini)]) == 2
    err = capsys.readouterr().err
    assert "small.ini" in err and "Tile_Num" in err and "322" in err
    assert main(["--network", "vgg8", "--config", str(ini), "--traceback"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_python_m_sim_subprocess() -> None:
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-m", "sim", "--network", "lenet", "--config", str(INI), "--json"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["power_W"] > 0 and d["layers"]
    bad = subprocess.run([sys.executable, "-m", "sim", "--network", "nope", "--config", str(INI)],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
