"""Accuracy-path benchmarks: images/s of the bit-sliced crossbar forward and of the quantized digital reference.

Batch of 100 CIFAR-size random inputs (seeded), randomly initialised networks (seeded), MNSIM 2.0's default
``SimConfig.ini`` (1-bit DAC, 6-bit ADC, 1-bit cells, polarity 2, 256x256 crossbars, SCALE ADC), no noise, one thread.
Setup builds the :class:`sim.accuracy.AnalogModel`, calibrates it on the batch and runs a 2-image warm-up (slices the
weights once and caches them, as a search that evaluates many batches does); each timed call is one forward of the
whole batch.

Baselines: MNSIM 2.0's accuracy path measured on this kind of machine (shared/reference/README.md), seconds per batch
of 100: bit-sliced ``hardware_evaluate`` lenet 0.354, resnet18 33.0, vgg8 215; plain ``origin_evaluate`` lenet
0.0148, resnet18 0.455, vgg8 1.74. Target: the bit-sliced path at least 3x MNSIM's on vgg8 and resnet18.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bench import Benchmark, register

_DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
_BATCH = 100
_MNSIM_S = {  # (bit-sliced, plain) seconds per batch of 100
    "lenet": (0.354, 0.0148),
    "vgg8": (215.0, 1.74),
    "resnet18": (33.0, 0.455),
}


def _setup(network: str, path: str) -> Callable[[], Callable[[], object]]:
    def setup() -> Callable[[], object]:
        import torch

        from sim.accuracy import AnalogModel
        from sim.ini import load_sim_config
        from sim.slicing import slicing_for
        from sim.zoo import get_network

        torch.set_num_threads(1)
        torch.manual_seed(0)
        cfg = load_sim_config(_DATA / "SimConfig.ini")
        net = get_network(network)
        x = torch.randn(_BATCH, 3, 32, 32, generator=torch.Generator().manual_seed(1))
        am = AnalogModel(net, cfg, slicing_for(cfg))
        am.calibrate(x)
        if path == "hardware":
            am.hardware_forward(x[:2])
            return lambda: am.hardware_forward(x)
        am.origin_forward(x[:2])
        return lambda: am.origin_forward(x)

    return setup


for _net, (_hw_s, _plain_s) in _MNSIM_S.items():
    _slow = _net != "lenet"
    register(Benchmark(
        name=f"acc.{_net}.hardware", setup=_setup(_net, "hardware"), items=_BATCH, baseline_s=_hw_s,
        baseline_label=f"MNSIM 2.0 bit-sliced hardware_evaluate, {_net}, batch {_BATCH}, 1 thread",
        target_speedup=3.0 if _slow else None, repeat=1 if _slow else 5, warmup=0 if _slow else 1,
    ))
    register(Benchmark(
        name=f"acc.{_net}.origin", setup=_setup(_net, "origin"), items=_BATCH, baseline_s=_plain_s,
        baseline_label=f"MNSIM 2.0 plain origin_evaluate, {_net}, batch {_BATCH}, 1 thread",
        repeat=3 if _slow else 5, warmup=1,
    ))
