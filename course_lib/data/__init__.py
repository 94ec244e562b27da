"""Fashion-MNIST held in memory as uint8 tensors, found offline when possible, downloaded on first use otherwise.

Look-up order (first that has all four idx files wins):
1. an explicit ``root`` argument,
2. the ``COURSE_DATA_DIR`` environment variable,
3. the user cache (``~/.cache/course_lib/fashion-mnist`` or ``$XDG_CACHE_HOME``),
4. the Debian package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``),
5. a download into the user cache (``download.py``), unless ``COURSE_OFFLINE=1`` or ``download_if_missing=False``.

Every folder may hold the files gzipped or raw, flat or under ``FashionMNIST/raw`` (``idx.py``); every load
checks the sha256 of the decoded arrays.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..serialization import cache_dir
from . import download as downloading
from .idx import FASHION_MNIST, DataCorruptError, DataNotFoundError, DatasetSpec, find_file, read_folder, read_idx

__all__ = ["FASHION_MNIST", "DataCorruptError", "DataNotFoundError", "DatasetSpec", "FashionMNIST", "find_file",
           "load_fashion_mnist", "read_folder", "read_idx", "to_float", "to_uint8", "training_data"]

CATALOG_SIZES = (28, 32)  # of the catalog's 28x28 images
FOLDER_SIZES = (32, 64, 128)  # of a photo folder's images, loaded at that size
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
IDX_FILES = ("train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], "
             "t10k-labels-idx1-ubyte[.gz]")


def fix_hint() -> str:
    """How to get the data on this platform, as the lines that end a DataNotFoundError."""
    lines = ["How to fix it:"]
    if sys.platform.startswith("linux") and shutil.which("apt-get"):
        sudo = "" if hasattr(os, "geteuid") and os.geteuid() == 0 else "sudo "
        lines.append(f"  - Debian/Ubuntu: `{sudo}apt-get install dataset-fashion-mnist` (or, in the repository, "
                     "`sh scripts/install_debian_packages.sh`, which installs what the course needs from Debian)")
    if downloading.offline():
        lines.append("  - COURSE_OFFLINE is set, so nothing was downloaded: on a machine with internet, unset it "
                     "and run `python -m course_lib data --check`, which downloads it into the user cache")
    else:
        lines.append("  - with internet: `python -m course_lib data --check` (or "
                     "`load_fashion_mnist(download_if_missing=True)`) downloads it into the user cache; "
                     "COURSE_DATA_URL names another mirror")
    lines.append(f"  - or point COURSE_DATA_DIR at a folder holding the four idx files ({IDX_FILES})")
    return "\n".join(lines)


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


def load_fashion_mnist(root=None, download_if_missing: bool | None = None,
                       spec: DatasetSpec = FASHION_MNIST, strict: bool = True) -> FashionMNIST:
    """Load Fashion-MNIST from the first source that has it (see the module docstring).

    download_if_missing: None downloads into the user cache when no folder has the data, unless
    ``COURSE_OFFLINE`` is set; True downloads even then; False never downloads.
    strict: raise DataCorruptError when the decoded arrays' sha256 do not match ``spec``.
    Raises DataNotFoundError listing every place tried and the fixes when no source has the data.
    """
    tried = []
    for name, folder in candidate_dirs(root):
        if not folder.is_dir():
            tried.append(f"  - {name}: {folder} (no such folder)")
            if name in ("root argument", "COURSE_DATA_DIR"):  # the user asked for it: say so loudly
                raise DataNotFoundError(f"{name} points to {folder}, which does not exist.\n{fix_hint()}")
            continue
        try:
            return read_source(name, folder, spec, strict)
        except DataNotFoundError as err:
            tried.append(f"  - {name}: {err}")
    if download_if_missing is None:
        download_if_missing = not downloading.offline()
    if download_if_missing:
        url, folder = downloading.base_url(), user_cache_dir()
        try:
            downloading.download(folder, spec, url)
            return read_source(f"downloaded from {url}", folder, spec, strict)
        except downloading.DOWNLOAD_ERRORS as err:  # no network, or not the data set: say so with the rest
            tried.append(f"  - download from {url} into {folder}: failed ({type(err).__name__}: {err})")
    else:
        tried.append("  - download: not tried (" + ("COURSE_OFFLINE is set)" if downloading.offline()
                                                    else "download_if_missing=False)"))
    raise DataNotFoundError("Fashion-MNIST was not found. Places tried:\n" + "\n".join(tried) + "\n" + fix_hint())


def read_source(name: str, folder: Path, spec: DatasetSpec, strict: bool) -> FashionMNIST:
    """The data set in ``folder`` (found as ``name``); DataNotFoundError when a file is missing."""
    arrays, ok = read_folder(folder, spec)
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


def to_float(images: torch.Tensor, image_size: int = 28) -> torch.Tensor:
    """uint8 images in [0, 255] -> float32 (N, C, S, S) in [-1, 1].

    images: the catalog's (N, 28, 28) grey, S = 28 or 32 (32 pads 2 px of background); or a photo folder's
    (N, S, S) grey or (N, S, S, 3) colour (``photos.load_image_folder``), S = image_size = 32, 64 or 128.
    """
    x = images.permute(0, 3, 1, 2) if images.dim() == 4 else images.unsqueeze(1)  # (N, C, H, W)
    side = x.shape[-1]
    if side == 28 and image_size not in CATALOG_SIZES:
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
