"""The idx file format of Fashion-MNIST: what a valid copy holds, and reading a folder of it.

A folder may hold the four files gzipped (``*.gz``) or raw, flat or under ``FashionMNIST/raw``. The Debian
package's files are recompressed, so an md5 of the ``.gz`` says nothing; we check the sha256 of the *decoded*
arrays instead, which holds for every copy of the data set however it was compressed.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..categories import NUM_CLASSES


@dataclass(frozen=True)
class DatasetSpec:
    """What a valid copy looks like: file stems, sample counts and sha256 of decoded arrays."""

    files: dict = field(default_factory=lambda: {
        ("train", "images"): "train-images-idx3-ubyte",
        ("train", "labels"): "train-labels-idx1-ubyte",
        ("test", "images"): "t10k-images-idx3-ubyte",
        ("test", "labels"): "t10k-labels-idx1-ubyte",
    })
    counts: dict = field(default_factory=lambda: {"train": 60_000, "test": 10_000})
    sha256: dict = field(default_factory=lambda: {
        ("train", "images"): "2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012",
        ("train", "labels"): "657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7",
        ("test", "images"): "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a",
        ("test", "labels"): "3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9",
    })


FASHION_MNIST = DatasetSpec()


class DataNotFoundError(FileNotFoundError):
    """No source held a complete copy of the data set."""


class DataCorruptError(ValueError):
    """A file was found but its content is not what an idx file of this data set must be."""


def find_file(folder: Path, stem: str) -> Path | None:
    """The idx file ``stem`` in ``folder`` (gzipped or raw, flat or under FashionMNIST/raw)."""
    for sub in (folder, folder / "FashionMNIST" / "raw"):
        for name in (stem + ".gz", stem):
            if (sub / name).is_file():
                return sub / name
    return None


def read_idx(path: Path, expected_ndim: int) -> np.ndarray:
    """Decode one idx file of unsigned bytes into an array, checking its header against its size."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as err:  # gzip raises these on truncated or non-gzip files
        raise DataCorruptError(f"{path}: cannot be read ({err}). Delete it and fetch it again.") from err
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DataCorruptError(f"{path}: not an idx file of unsigned bytes (bad magic {raw[:4].hex()}).")
    ndim = raw[3]
    if ndim != expected_ndim:
        raise DataCorruptError(f"{path}: has {ndim} dimensions, expected {expected_ndim}.")
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    size = int(np.prod(shape))
    if len(raw) != header + size:
        raise DataCorruptError(
            f"{path}: header promises shape {shape} ({size} bytes) but the file holds "
            f"{len(raw) - header}: it is truncated or corrupted. Delete it and fetch it again."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def read_folder(folder: Path, spec: DatasetSpec) -> tuple[dict, bool]:
    """Read and validate all four arrays of ``folder``; returns (arrays by (split, kind), checksums ok)."""
    arrays, ok = {}, True
    for (split, kind), stem in spec.files.items():
        path = find_file(folder, stem)
        if path is None:
            raise DataNotFoundError(f"{folder}: missing {stem}[.gz]")
        arr = read_idx(path, expected_ndim=3 if kind == "images" else 1)
        if arr.shape[0] != spec.counts[split]:
            raise DataCorruptError(
                f"{path}: holds {arr.shape[0]} samples, the {split} split has {spec.counts[split]}.")
        if kind == "images" and arr.shape[1:] != (28, 28):
            raise DataCorruptError(f"{path}: images are {arr.shape[1:]}, expected (28, 28).")
        if kind == "labels" and arr.max() >= NUM_CLASSES:
            raise DataCorruptError(f"{path}: label {arr.max()} is out of range 0..{NUM_CLASSES - 1}.")
        ok &= hashlib.sha256(arr.tobytes()).hexdigest() == spec.sha256[(split, kind)]
        arrays[(split, kind)] = arr
    return arrays, ok
