"""ADC-resolution sweep on a small CNN trained on scikit-learn's digits (offline, a few seconds on one thread).

``python -m bench.adc_sweep [--epochs 30] [--seeds 3]``: trains a two-conv CNN on 8x8 digit images (1 347 train,
450 test), then reports top-1 test accuracy of the float model, the quantized digital reference (origin, 9-bit
weights and activations) and the bit-sliced crossbar emulation (hardware) with 4-, 6- and 8-bit user-defined ADCs,
in both ADC range modes (SCALE, MNSIM's NAS default; FIX, full partial-sum range), on MNSIM 2.0's default
SimConfig.ini otherwise (1-bit DAC, 1-bit cells, polarity 2, 256x256). The last column adds device variation and
stuck-at faults of that SimConfig (1 % sigma, 0.1 % + 0.1 % SAF), mean +- std over ``--seeds`` simulated chips.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import time
from pathlib import Path

import torch
from torch import nn

_DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def _digits() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.tensor(d.images, dtype=torch.float32).unsqueeze(1) / 16.0  # (1797, 1, 8, 8) in [0, 1]
    x = (x - 0.3) / 0.4
    y = torch.tensor(d.target, dtype=torch.long)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
    x, y = x[perm], y[perm]
    return x[:1347], y[:1347], x[1347:], y[1347:]


def _cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 16, 64), nn.ReLU(), nn.Linear(64, 10),
    )


def train(epochs: int) -> tuple[nn.Module, tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]]:
    """Train the CNN (Adam, batch 64) and return it with the data split."""
    torch.manual_seed(0)
    data = _digits()
    xtr, ytr = data[0], data[1]
    net = _cnn()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    gen = torch.Generator().manual_seed(1)
    for _ in range(epochs):
        net.train()
        perm = torch.randperm(len(ytr), generator=gen)
        for i in range(0, len(ytr), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            nn.functional.cross_entropy(net(xtr[idx]), ytr[idx]).backward()
            opt.step()
    net.eval()
    return net, data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.adc_sweep", description=__doc__)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    from sim.accuracy import AnalogModel, evaluate_accuracy
    from sim.ini import load_sim_config
    from sim.slicing import slicing_for

    t0 = time.perf_counter()
    net, (xtr, ytr, xte, yte) = train(args.epochs)
    t_train = time.perf_counter() - t0
    with torch.no_grad():
        float_acc = evaluate_accuracy(net, (xte, yte))[0]
    base = load_sim_config(_DATA / "SimConfig.ini")
    calib = xtr[:256]
    print(f"digits CNN: trained {args.epochs} epochs in {t_train:.1f} s; float test accuracy {float_acc:.4f} "
          f"({len(yte)} test images)")
    print(f"{'ADC bits':>8} {'mode':>6} {'origin':>8} {'hardware':>9} {'hw + var/SAF (mean +- std)':>28}")
    for bits in (4, 6, 8):
        for mode in ("SCALE", "FIX"):
            itf = dataclasses.replace(base.interface, adc_choice=-1, adc_precision_bits=bits, adc_area_um2=500.0,
                                      adc_power_W=1e-3, adc_sample_rate_GSps=1.0)
            cfg = dataclasses.replace(base, interface=itf,
                                      algorithm=dataclasses.replace(base.algorithm, adc_mode=mode))
            am = AnalogModel(net, cfg, slicing_for(cfg))
            am.calibrate(calib)
            origin = evaluate_accuracy(am.origin_forward, (xte, yte))[0]
            hard = evaluate_accuracy(am.hardware_forward, (xte, yte))[0]
            noisy = functools.partial(am.hardware_forward, variation=True, saf=True)
            nm, ns = evaluate_accuracy(noisy, (xte, yte), n_samples=args.seeds, seed=0)
            print(f"{bits:>8} {mode:>6} {origin:>8.4f} {hard:>9.4f} {nm:>19.4f} +- {ns:.4f}")
    print(f"total {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
