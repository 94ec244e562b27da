"""Fashion-MNIST held in memory as uint8 tensors, found offline when possible.

Look-up order (first that has all four idx files wins):
1. an explicit ``root`` argument,
2. the ``COURSE_DATA_DIR`` environment variable,
3. the user cache (``~/.cache/course_lib/fashion-mnist`` or ``$XDG_CACHE_HOME``),
4. the Debian package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``),
5. torchvision's download into the user cache (only with ``download=True`` and internet).

Every folder may hold the files gzipped (``*.gz``) or raw, flat or under ``FashionMNIST/raw``.
The Debian files are recompressed, so torchvision's md5 of the ``.gz`` fails; we read the idx
format ourselves and check the sha256 of the *decoded* arrays instead.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from .categories import NUM_CLASSES
from .serialization import cache_dir

IMAGE_SIZES = (28, 32)  # of the catalog's 28x28 images
FOLDER_SIZES = (32, 64, 128)  # of a photo folder's images, loaded at that size
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
FIX_HINT = (
    "Fixes: (a) install the Debian package: `sudo apt-get install dataset-fashion-mnist`; "
    "(b) point COURSE_DATA_DIR at a folder holding the four idx files "
    "(train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], "
    "t10k-labels-idx1-ubyte[.gz]); (c) with internet, call load_fashion_mnist(download=True) or "
    "run `python -m course_lib data --check --download`."
)


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


@dataclass
class FashionMNIST:
    """The whole data set in memory.

    train_images: (60000, 28, 28) uint8 in [0, 255]; train_labels: (60000,) int64 in [0, 9];
    test_images: (10000, 28, 28) uint8; test_labels: (10000,) int64.
    """

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    source: str
    folder: Path
    checksums_ok: bool

    def split(self, name: str) -> tuple[torch.Tensor, torch.Tensor]:
        """(images (N, 28, 28) uint8, labels (N,) int64) of ``'train'`` or ``'test'``."""
        if name not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {name!r}")
        return getattr(self, f"{name}_images"), getattr(self, f"{name}_labels")


def user_cache_dir() -> Path:
    """The per-user cache folder for downloaded data."""
    return cache_dir("fashion-mnist")


def candidate_dirs(root: str | os.PathLike | None = None) -> list[tuple[str, Path]]:
    """The (source name, folder) pairs searched, in order."""
    out = []
    if root is not None:
        out.append(("root argument", Path(root)))
    env = os.environ.get("COURSE_DATA_DIR")
    if env:
        out.append(("COURSE_DATA_DIR", Path(env)))
    out.append(("user cache", user_cache_dir()))
    out.append(("Debian package dataset-fashion-mnist", DEBIAN_DIR))
    return out


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


def download(folder: Path) -> None:
    """Fetch the data with torchvision into ``folder``/FashionMNIST/raw (needs internet)."""
    from torchvision.datasets import FashionMNIST as TVFashionMNIST

    for train in (True, False):
        TVFashionMNIST(str(folder), train=train, download=True)


def load_fashion_mnist(root=None, download_if_missing: bool = False,
                       spec: DatasetSpec = FASHION_MNIST, strict: bool = True) -> FashionMNIST:
    """Load Fashion-MNIST from the first source that has it (see the module docstring).

    strict: raise DataCorruptError when the decoded arrays' sha256 do not match ``spec``.
    Raises DataNotFoundError listing every place tried and the fixes when no source has the data.
    """
    tried = []
    sources = candidate_dirs(root)
    if download_if_missing:
        sources.append(("torchvision download", user_cache_dir()))
    for name, folder in sources:
        if name == "torchvision download":
            try:
                download(folder)
            except Exception as err:  # no network: report it with the rest
                tried.append(f"  - {name} into {folder}: failed ({type(err).__name__}: {err})")
                continue
        if not folder.is_dir():
            tried.append(f"  - {name}: {folder} (no such folder)")
            if name in ("root argument", "COURSE_DATA_DIR"):  # the user asked for it: say so loudly
                raise DataNotFoundError(f"{name} points to {folder}, which does not exist.\n{FIX_HINT}")
            continue
        try:
            arrays, ok = read_folder(folder, spec)
        except DataNotFoundError as err:
            tried.append(f"  - {name}: {err}")
            continue
        if strict and not ok:
            raise DataCorruptError(
                f"{folder} ({name}): the decoded arrays do not match the known Fashion-MNIST sha256. "
                "The files are damaged or are another data set; delete them and fetch them again.")
        return FashionMNIST(
            train_images=torch.from_numpy(arrays[("train", "images")].copy()),
            train_labels=torch.from_numpy(arrays[("train", "labels")].astype(np.int64)),
            test_images=torch.from_numpy(arrays[("test", "images")].copy()),
            test_labels=torch.from_numpy(arrays[("test", "labels")].astype(np.int64)),
            source=name, folder=folder, checksums_ok=ok)
    raise DataNotFoundError("Fashion-MNIST was not found. Places tried:\n" + "\n".join(tried) + "\n" + FIX_HINT)


def to_float(images: torch.Tensor, image_size: int = 28) -> torch.Tensor:
    """uint8 images in [0, 255] -> float32 (N, C, S, S) in [-1, 1].

    images: the catalog's (N, 28, 28) grey, S = 28 or 32 (32 pads 2 px of background); or a photo folder's
    (N, S, S) grey or (N, S, S, 3) colour (``photos.load_image_folder``), S = image_size = 32, 64 or 128.
    """
    x = images.permute(0, 3, 1, 2) if images.dim() == 4 else images.unsqueeze(1)  # (N, C, H, W)
    side = x.shape[-1]
    if side == 28 and image_size not in IMAGE_SIZES:
        raise ValueError(f"image_size must be 28 or 32 for 28x28 images (32 pads them), got {image_size}.")
    if side != 28 and (side != image_size or image_size not in FOLDER_SIZES):
        raise ValueError(f"images of {side}x{side} px need image_size {side} (one of {FOLDER_SIZES}, the sizes "
                         f"`--data DIR --image-size S` loads), got {image_size}.")
    x = x.float().div_(127.5).sub_(1.0)
    if side == 28 and image_size == 32:
        x = torch.nn.functional.pad(x, (2, 2, 2, 2), value=-1.0)  # 28x28 => 32x32, black border
    return x.contiguous()


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """The inverse of ``to_float``: float (N, C, H, W) in [-1, 1] -> uint8 (N, C, H, W), round((x + 1) * 127.5),
    clamped to [0, 255], on the CPU."""
    return images.detach().float().cpu().add(1.0).mul(127.5).round().clamp(0, 255).to(torch.uint8)


def training_data(fast: bool, fast_images: int = 512) -> tuple[torch.Tensor, torch.Tensor]:
    """Fashion-MNIST train split (images (N, 28, 28) uint8, labels (N,)); the first ``fast_images`` in fast mode."""
    images, labels = load_fashion_mnist().split("train")
    return (images[:fast_images], labels[:fast_images]) if fast else (images, labels)
