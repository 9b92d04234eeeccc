"""Data sets as in-memory tensors with deterministic train / validation / test splits.

``digits`` (scikit-learn's embedded 8 x 8 digits, offline), ``cifar10`` (the python-format ``cifar-10-batches-py/``
folder, read without torchvision) and ``synthetic`` (random class prototypes plus noise, for tests). Splits are drawn
with a ``numpy.random.Generator`` seeded from the run's seed; sizes are recorded in :class:`DataSplits`.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

__all__ = ["DataSplits", "digits", "cifar10", "synthetic", "iterate_batches", "DatasetError"]


class DatasetError(ValueError):
    """A data set that cannot be loaded (missing folder, bad file); the message is one line."""


@dataclass(frozen=True)
class DataSplits:
    """Normalised images (N, C, H, W) float32 and labels (N,) int64 for each split."""

    name: str
    train_x: torch.Tensor
    train_y: torch.Tensor
    val_x: torch.Tensor
    val_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    num_classes: int

    @property
    def input_shape(self) -> tuple[int, int, int]:
        c, h, w = self.train_x.shape[1:]
        return (int(c), int(h), int(w))

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.train_y), "val": len(self.val_y), "test": len(self.test_y)}


def _split(x: np.ndarray, y: np.ndarray, name: str, num_classes: int, val_size: int, test_size: int,
           seed: int, train_size: int | None = None) -> DataSplits:
    """Shuffle with ``seed``, cut test and validation off the front, normalise with training statistics."""
    n = len(y)
    if val_size < 1 or test_size < 0 or val_size + test_size >= n:
        raise DatasetError(f"dataset {name}: val_size={val_size}, test_size={test_size} do not fit in {n} images; "
                           f"accepted: val_size >= 1, test_size >= 0, val_size + test_size < {n}")
    order = np.random.default_rng(seed).permutation(n)
    test_idx, val_idx = order[:test_size], order[test_size:test_size + val_size]
    train_idx = order[test_size + val_size:]
    if train_size is not None:
        train_idx = train_idx[:train_size]
    xf = x.astype(np.float32)
    mean = xf[train_idx].mean(axis=(0, 2, 3), keepdims=True)
    std = xf[train_idx].std(axis=(0, 2, 3), keepdims=True) + 1e-6
    xf = (xf - mean) / std

    def t(idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.from_numpy(np.ascontiguousarray(xf[idx])), torch.from_numpy(y[idx].astype(np.int64))

    (trx, tr_y), (vx, vy), (tx, ty) = t(train_idx), t(val_idx), t(test_idx)
    return DataSplits(name, trx, tr_y, vx, vy, tx, ty, num_classes)


def _check_declared(name: str, actual: tuple[int, ...], input_shape: Sequence[int] | None, classes: int,
                    num_classes: int | None) -> None:
    if input_shape is not None and tuple(int(v) for v in input_shape) != actual:
        raise DatasetError(f"dataset {name}: input_shape = {list(input_shape)}; accepted: {list(actual)}")
    if num_classes is not None and int(num_classes) != classes:
        raise DatasetError(f"dataset {name}: num_classes = {num_classes}; accepted: {classes}")


def digits(val_size: int = 300, test_size: int = 300, seed: int = 0, input_shape: Sequence[int] | None = None,
           num_classes: int | None = None, train_size: int | None = None) -> DataSplits:
    """scikit-learn's 1,797 handwritten digits (1 x 8 x 8, values 0..16, 10 classes), shipped with the library."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = bunch.images.reshape(-1, 1, 8, 8)
    _check_declared("digits", (1, 8, 8), input_shape, 10, num_classes)
    return _split(x, bunch.target, "digits", 10, val_size, test_size, seed, train_size)


def cifar10(path: str, val_size: int = 5000, test_size: int = 10000, seed: int = 0,
            input_shape: Sequence[int] | None = None, num_classes: int | None = None,
            train_size: int | None = None) -> DataSplits:
    """CIFAR-10 from the python-format folder ``cifar-10-batches-py/`` (``data_batch_1..5`` and ``test_batch``).

    Each batch is a pickled dict with bytes keys ``b"data"`` (N x 3072 uint8: the R, then G, then B plane of 32 x 32)
    and ``b"labels"``. Validation comes from the training batches; ``test_batch`` is the test split (its first
    ``test_size`` images). ``train_size`` keeps only that many training images (for quick runs).
    """
    folder = Path(path).expanduser()
    train_files = sorted(folder.glob("data_batch_*"))
    if not folder.is_dir() or not train_files:
        raise DatasetError(f"dataset cifar10: path = {str(folder)!r}: no cifar-10-batches-py folder with data_batch_* "
                           "files there; accepted: the extracted python version of CIFAR-10 "
                           "(https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz), set dataset.path=<folder>")
    _check_declared("cifar10", (3, 32, 32), input_shape, 10, num_classes)
    xs, ys = zip(*(_read_cifar_batch(f) for f in train_files))
    x, y = np.concatenate(xs), np.concatenate(ys)
    test_file = folder / "test_batch"
    if test_file.exists():
        tx, ty = _read_cifar_batch(test_file)
        tx, ty = tx[:test_size], ty[:test_size]
    else:
        tx, ty = x[:0], y[:0]
    splits = _split(x, y, "cifar10", 10, val_size, 0, seed, train_size)
    mean = x.astype(np.float32).mean(axis=(0, 2, 3), keepdims=True)  # test uses the full training statistics
    std = x.astype(np.float32).std(axis=(0, 2, 3), keepdims=True) + 1e-6
    test_x = torch.from_numpy(((tx.astype(np.float32) - mean) / std).astype(np.float32))
    return DataSplits("cifar10", splits.train_x, splits.train_y, splits.val_x, splits.val_y, test_x,
                      torch.from_numpy(ty.astype(np.int64)), 10)


def _read_cifar_batch(file: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with open(file, "rb") as fh:
            batch = pickle.load(fh, encoding="bytes")
        data = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)  # R, G, B planes
        labels = np.asarray(batch[b"labels"], dtype=np.int64)
    except (OSError, pickle.UnpicklingError, KeyError, ValueError, EOFError) as exc:
        raise DatasetError(f"dataset cifar10: {file}: not a CIFAR-10 python batch ({type(exc).__name__}: {exc}); "
                           "accepted: a pickled dict with b'data' (N x 3072 uint8) and b'labels'") from None
    if len(labels) != len(data):
        raise DatasetError(f"dataset cifar10: {file}: {len(data)} images but {len(labels)} labels")
    return data, labels


def synthetic(num_train: int = 256, val_size: int = 64, test_size: int = 64, seed: int = 0,
              input_shape: Sequence[int] = (1, 8, 8), num_classes: int = 10, noise: float = 0.6) -> DataSplits:
    """Random class prototypes plus Gaussian noise: learnable in a few steps, for tests and smoke runs."""
    rng = np.random.default_rng(seed + 7919)
    shape = tuple(int(v) for v in input_shape)
    protos = rng.normal(size=(num_classes, *shape))
    n = num_train + val_size + test_size
    y = rng.integers(num_classes, size=n)
    x = protos[y] + noise * rng.normal(size=(n, *shape))
    return _split(x, y, "synthetic", num_classes, val_size, test_size, seed)


def iterate_batches(x: torch.Tensor, y: torch.Tensor, batch_size: int, generator: torch.Generator | None = None,
                    drop_last: bool = False) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Mini-batches, shuffled with ``generator`` (in order when it is None)."""
    n = len(y)
    order = torch.randperm(n, generator=generator) if generator is not None else torch.arange(n)
    stop = n - n % batch_size if drop_last and n >= batch_size else n
    for i in range(0, stop, batch_size):
        idx = order[i:i + batch_size]
        yield x[idx], y[idx]
