"""``pim-sim``: hardware report of a network on a SimConfig.ini.

Examples::

    pim-sim --network vgg8 --config SimConfig.ini
    pim-sim --network resnet18 --config SimConfig.ini --compat mnsim --json
    pim-sim --network mypkg.models:build_net --config my.ini --input-shape 3,64,64 --no-inner-pipeline

``--network`` takes a zoo name (``sim.zoo.NETWORK_NAMES``) or ``package.module:callable`` returning an
``nn.Module``. Bad input (configuration error, unknown network, bad shape, unsupported layer) prints one line on
stderr and exits with status 2 (``--traceback`` shows the traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import sys
import traceback
from collections.abc import Sequence
from typing import Any

EXIT_USAGE = 2


class CliError(Exception):
    """A user error: one line on stderr, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pim-sim", description="Area, latency, energy and power of a network on a "
                                "PIM accelerator described by an MNSIM 2.0 SimConfig.ini.")
    p.add_argument("--network", required=True, help="zoo name (lenet, vgg8, vgg16, alexnet, resnet18) or "
                   "package.module:callable returning an nn.Module")
    p.add_argument("--config", required=True, help="SimConfig.ini path")
    p.add_argument("--no-inner-pipeline", action="store_true", help="layer-by-layer schedule (MNSIM -DisPipe)")
    p.add_argument("--compat", choices=["mnsim"], default=None, help="reproduce MNSIM 2.0's numbers and defects")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the text report")
    p.add_argument("--input-shape", default=None, help="C,H,W of one input (default: 3,32,32)")
    p.add_argument("--weight-bits", type=int, default=9, help="weight bits, sign included (default 9)")
    p.add_argument("--act-bits", type=int, default=9, help="activation bits, sign included (default 9)")
    p.add_argument("--traceback", action="store_true", help="show the traceback of an error")
    return p


def _parse_shape(text: str | None) -> tuple[int, ...]:
    if text is None:
        return (3, 32, 32)
    try:
        shape = tuple(int(x) for x in text.split(","))
    except ValueError:
        raise CliError(f"--input-shape {text!r}: expected integers like 3,32,32") from None
    if not shape or any(s <= 0 for s in shape):
        raise CliError(f"--input-shape {text!r}: expected positive integers like 3,32,32")
    return shape


def _load_network(spec: str) -> Any:
    from sim.zoo import NETWORK_NAMES, get_network

    if ":" not in spec:
        if spec not in NETWORK_NAMES:
            raise CliError(f"--network {spec!r}: unknown network; accepted: {', '.join(NETWORK_NAMES)} "
                           "or package.module:callable")
        return get_network(spec)
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise CliError(f"--network {spec!r}: cannot import {module_name!r}: {exc}") from None
    factory = getattr(module, attr, None)
    if factory is None or not callable(factory):
        raise CliError(f"--network {spec!r}: {module_name} has no callable {attr!r}")
    from torch import nn

    model = factory()
    if not isinstance(model, nn.Module):
        raise CliError(f"--network {spec!r}: returned {type(model).__name__}, not a torch.nn.Module")
    return model


def run(args: argparse.Namespace) -> dict[str, Any] | str:
    """Evaluate as ``args`` asks; returns the JSON dict or the text report."""
    import torch

    from sim.errors import SimConfigError
    from sim.interface import PIMInterface
    from sim.layers import UnsupportedLayerError

    torch.set_num_threads(1)
    shape = _parse_shape(args.input_shape)
    model = _load_network(args.network)
    noise = io.StringIO()  # torch.fx prints tracebacks of failed shape propagation; keep stderr to one line
    try:
        with contextlib.redirect_stderr(sys.stderr if args.traceback else noise):
            iface = PIMInterface(model, args.config, shape, compat=args.compat, weight_bits=args.weight_bits,
                                 act_bits=args.act_bits)
            report = iface.report(disable_inner_pipeline=args.no_inner_pipeline)
    except FileNotFoundError as exc:
        raise CliError(f"--config {args.config!r}: {exc.strerror or exc}") from None
    except (SimConfigError, UnsupportedLayerError) as exc:
        raise CliError(str(exc)) from exc
    except ValueError as exc:
        raise CliError(f"{args.network}: {exc}") from exc
    if args.json:
        d = report.to_dict()
        d["network"] = args.network
        d["config"] = str(args.config)
        return d
    return f"network {args.network}, config {args.config}\n" + report.format_text()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``pim-sim`` and ``python -m sim``; returns the exit status."""
    args = _parser().parse_args(list(argv) if argv is not None else None)
    try:
        out = run(args)
    except CliError as exc:
        if args.traceback:
            traceback.print_exc()
        text = " ".join(str(exc).split())
        print(f"pim-sim: error: {text if len(text) <= 400 else text[:397] + '...'}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(out, dict):
        print(json.dumps(out))
    else:
        print(out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
