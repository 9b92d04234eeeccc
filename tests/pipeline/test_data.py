"""Data sets: deterministic splits, recorded sizes, the CIFAR-10 folder reader on fake batches."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from pipeline.data import DatasetError, cifar10, digits, iterate_batches, synthetic


def test_digits_splits_deterministic() -> None:
    a, b, c = digits(val_size=100, test_size=50, seed=1), digits(val_size=100, test_size=50, seed=1), digits(
        val_size=100, test_size=50, seed=2)
    assert a.sizes() == {"train": 1797 - 150, "val": 100, "test": 50}
    assert torch.equal(a.val_x, b.val_x) and torch.equal(a.train_y, b.train_y)
    assert not torch.equal(a.val_y, c.val_y)
    assert a.input_shape == (1, 8, 8) and a.num_classes == 10
    assert abs(float(a.train_x.mean())) < 1e-4  # normalised with training statistics


def test_digits_rejects_bad_sizes() -> None:
    with pytest.raises(DatasetError, match="val_size"):
        digits(val_size=2000)
    with pytest.raises(DatasetError, match="input_shape"):
        digits(input_shape=[3, 8, 8])


def _write_fake_cifar(folder: Path, n: int, seed: int) -> np.ndarray:
    """Two training batches and a test batch of ``n`` random images; returns the training rows (2n x 3072)."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    rows = []
    for name in ("data_batch_1", "data_batch_2", "test_batch"):
        data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, 10, n)]
        with open(folder / name, "wb") as fh:
            pickle.dump({b"data": data, b"labels": labels, b"batch_label": name.encode()}, fh)
        if name != "test_batch":
            rows.append(data)
    with open(folder / "batches.meta", "wb") as fh:
        pickle.dump({b"label_names": [f"c{i}".encode() for i in range(10)]}, fh)
    return np.concatenate(rows)


def test_cifar10_reads_python_batches(tmp_path: Path) -> None:
    folder = tmp_path / "cifar-10-batches-py"
    rows = _write_fake_cifar(folder, 30, 0)
    splits = cifar10(str(folder), val_size=10, test_size=20, seed=0)
    assert splits.input_shape == (3, 32, 32) and splits.num_classes == 10
    assert splits.sizes() == {"train": 50, "val": 10, "test": 20}
    everything = torch.cat([splits.train_x, splits.val_x]).numpy()  # (60, 3, 32, 32), normalised per channel
    # channel c, pixel (i, j) is byte c * 1024 + i * 32 + j of a row (R, then G, then B planes, row-major)
    for c, (i, j) in [(0, (0, 0)), (1, (5, 7)), (2, (31, 30))]:
        got = np.sort(everything[:, c, i, j])
        want = np.sort(rows[:, c * 1024 + i * 32 + j].astype(np.float64))
        assert np.corrcoef(got, want)[0, 1] > 0.9999  # the same values up to the channel's affine normalisation


def test_cifar10_missing_folder_is_clear(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"dataset cifar10: path = .*nope.*accepted: .*dataset.path="):
        cifar10(str(tmp_path / "nope"))


def test_cifar10_bad_batch_is_clear(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "data_batch_1").write_bytes(b"not a pickle")
    with pytest.raises(DatasetError, match="not a CIFAR-10 python batch"):
        cifar10(str(folder), val_size=1, test_size=0)


def test_batches_cover_everything_once() -> None:
    s = synthetic(num_train=50, val_size=5, test_size=5, seed=0)
    seen = torch.cat([y for _, y in iterate_batches(s.train_x, s.train_y, 16, torch.Generator().manual_seed(0))])
    assert sorted(seen.tolist()) == sorted(s.train_y.tolist())
