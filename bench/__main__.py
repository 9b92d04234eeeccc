"""``python -m bench [NAME ...] [--repeat N] [--list]``: run benchmarks, print a table, write JSON to outputs/bench/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import bench

OUT_DIR = Path(__file__).resolve().parent.parent / "outputs" / "bench"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmark names or name prefixes (default: all)")
    parser.add_argument("--repeat", type=int, default=None, help="timed repeats (default: per benchmark)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    bench.discover()
    if args.list:
        for name, b in bench.registry().items():
            print(f"{name:<34} {b.baseline_label}")
        return 0
    results = bench.run_benchmarks(args.names, args.repeat, OUT_DIR,
                                   progress=lambda n: print(f"running {n} ...", file=sys.stderr, flush=True))
    print(bench.format_table(results))
    print(f"\nJSON written to {OUT_DIR}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
