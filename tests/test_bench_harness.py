import json

import bench


def test_run_benchmarks_reports_median_speedup_and_writes_json(tmp_path):
    calls = []

    def setup():
        return lambda: calls.append(1)

    b = bench.Benchmark(name="_test.noop", setup=setup, items=10, baseline_s=1.0, target_speedup=2.0,
                        repeat=3, warmup=2)
    result = bench.run_one(b)
    assert len(calls) == 5  # 2 warm-up + 3 timed
    assert len(result.times_s) == 3
    assert result.median_s <= max(result.times_s)
    assert result.speedup == 1.0 / result.median_s
    assert result.meets_target is True  # a no-op is far faster than 0.5 s
    table = bench.format_table([result])
    assert "_test.noop" in table and "ok" in table


def test_json_output(tmp_path, monkeypatch):
    b = bench.Benchmark(name="_test.json", setup=lambda: (lambda: None), repeat=2)
    monkeypatch.setattr(bench, "_REGISTRY", {b.name: b})
    results = bench.run_benchmarks(["_test.json"], out_dir=tmp_path)
    files = list(tmp_path.glob("bench-*.json"))
    assert len(files) == 1 and len(results) == 1
    data = json.loads(files[0].read_text())
    assert data[0]["name"] == "_test.json" and len(data[0]["times_s"]) == 2
