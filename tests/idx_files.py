"""Write small idx files for tests (the real format, tiny contents)."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np

from course_lib.data import DatasetSpec

STEMS = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}


def idx_bytes(arr: np.ndarray) -> bytes:
    """The idx encoding of a uint8 array: magic 0x0000 08 ndim, big-endian dims, then the data."""
    header = bytes([0, 0, 0x08, arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    return header + arr.astype(np.uint8).tobytes()


def write_tiny_dataset(folder: Path, n_train: int = 12, n_test: int = 6, gz: bool = True,
                       seed: int = 0) -> DatasetSpec:
    """Write four idx files to ``folder``; returns the DatasetSpec that accepts them."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        ("train", "images"): rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        ("train", "labels"): (np.arange(n_train) % 10).astype(np.uint8),
        ("test", "images"): rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        ("test", "labels"): (np.arange(n_test) % 10).astype(np.uint8),
    }
    for key, arr in arrays.items():
        data = idx_bytes(arr)
        if gz:
            (folder / (STEMS[key] + ".gz")).write_bytes(gzip.compress(data))
        else:
            (folder / STEMS[key]).write_bytes(data)
    return DatasetSpec(counts={"train": n_train, "test": n_test},
                       sha256={k: hashlib.sha256(a.tobytes()).hexdigest() for k, a in arrays.items()})
