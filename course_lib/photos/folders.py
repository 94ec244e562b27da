"""A folder of one's own catalog as a training set: decoded once, cached, served from memory.

Two layouts, as torchvision's ``ImageFolder``:

- flat: ``DIR/*.jpg``, for an unconditional model;
- one subfolder per category: ``DIR/dress/*.jpg``, ``DIR/boot/*.jpg``, ...; the sorted subfolder names become
  the labels of a conditional model.

Every photo goes through ``photos.read_photo`` (the same reader the fine-tuning lesson uses), in the
``photo`` convention by default: centre-cropped to a square and resized to ``size`` with antialiasing, grey or
colour. Broken, non-image and too-small files are skipped and listed. The result is cached as one uint8 tensor
file under ``~/.cache/course_lib/folders``, keyed by the folder's file names, sizes and mtimes and the settings,
so a second run starts in seconds and a changed file invalidates it. A folder whose decoded images would not
fit in memory is refused before decoding, with the estimate.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch

from ..serialization import CheckpointError, atomic_save, cache_dir, check_format, read_torch_file
from .reader import MIN_SIDE, photo_files, read_photo

MEMORY_FRACTION = 0.5  # refuse a folder whose images would take more than this share of the available memory

CACHE_FORMAT = "course_lib.folder_cache"  # version 1
CACHE_KEYS = ("images", "labels", "classes", "skipped")


@dataclass
class FolderData:
    """images: (N, size, size) uint8 (grey) or (N, size, size, 3) (colour); labels: (N,) int64 or None (flat);
    classes: the category names (subfolders), empty when flat; skipped: (relative file, reason)."""

    images: torch.Tensor
    labels: torch.Tensor | None
    classes: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    cached: bool = False


def layout(folder: Path) -> tuple[list[str], list[tuple[Path, int]]]:
    """(class names, [(file, label)]); flat folders have no classes and label -1."""
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not subfolders:
        return [], [(path, -1) for path in photo_files(folder)]
    return [p.name for p in subfolders], [(path, i) for i, sub in enumerate(subfolders) for path in photo_files(sub)]


def content_key(folder: Path, files: list[tuple[Path, int]], settings: dict) -> str:
    """sha256 of every file's name, size and mtime plus the settings: any change gives another cache file."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    for path, label in files:
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}|{label}\n".encode())
    return digest.hexdigest()[:32]


def available_memory() -> int | None:
    """Bytes of memory available now (Linux and most Unix), or None when the system does not say."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(count: int, size: int, channels: int, available: int | None) -> None:
    """Refuse, before decoding, a folder whose uint8 images would take more than MEMORY_FRACTION of memory."""
    estimate = count * size * size * channels
    if available is not None and estimate > MEMORY_FRACTION * available:
        raise ValueError(f"{count} photos at {size}x{size}x{channels} take {estimate / 2**30:.1f} GiB as uint8, more "
                         f"than half of the {available / 2**30:.1f} GiB available: use a smaller --image-size, fewer "
                         "photos, or a machine with more memory.")


def decode(folder: Path, files, size: int, channels: int, min_side: int, progress: bool):
    """Decode every file, in a thread per CPU (Pillow decodes and resizes outside the GIL); returns (images list,
    labels list, skipped list) in the files' order."""
    from concurrent.futures import ThreadPoolExecutor

    from tqdm.auto import tqdm

    def read(item):
        return read_photo(item[0], size, channels, min_side, convention="photo")

    images, labels, skipped = [], [], []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        decoded = list(tqdm(pool.map(read, files), total=len(files), desc=f"decoding {folder.name}", unit="file",
                            disable=not progress))
    for (path, label), (image, reason) in zip(files, decoded):
        if image is None:
            skipped.append((str(path.relative_to(folder)), reason))
        else:
            images.append(torch.from_numpy(image.copy()))
            labels.append(label)
    return images, labels, skipped


def load_image_folder(folder, size: int = 64, channels: int = 3, min_per_class: int = 2, min_side: int = MIN_SIDE,
                      cache: bool = True, progress: bool = True, memory: int | None = -1) -> FolderData:
    """The folder's photos as uint8 tensors (from the cache when nothing changed). ``memory``: bytes available
    (-1: ask the system; None: do not check). ValueError for bad settings, too few photos in a category, or a
    folder too large for memory."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"--data {folder} is not a folder; pass a folder of photos (flat, or one subfolder "
                                "per category).")
    if size not in (32, 64, 128) or channels not in (1, 3):
        raise ValueError(f"--image-size must be 32, 64 or 128 and --channels 1 or 3, got {size} and {channels}.")
    classes, files = layout(folder)
    settings = {"size": size, "channels": channels, "min_side": min_side, "version": 1}
    path = cache_dir("folders") / f"{content_key(folder, files, settings)}.pt"
    if cache and path.is_file():
        try:
            saved = check_format(read_torch_file(path, "folder cache"), path, CACHE_FORMAT, 1, CACHE_KEYS,
                                 "a folder cache", "it is rebuilt")
            return FolderData(saved["images"], saved["labels"], list(saved["classes"]),
                              [tuple(s) for s in saved["skipped"]], cached=True)
        except (CheckpointError, KeyError, TypeError):
            pass  # a damaged cache is rebuilt, never trusted
    check_memory(len(files), size, channels, available_memory() if memory == -1 else memory)
    images, labels, skipped = decode(folder, files, size, channels, min_side, progress)
    counts = {name: labels.count(i) for i, name in enumerate(classes)}
    few = {name: n for name, n in counts.items() if n < min_per_class}
    if few or not images:
        detail = ", ".join(f"{name}: {n}" for name, n in few.items()) or f"{len(images)} usable photos"
        raise ValueError(f"{folder}: too few usable photos ({detail}; at least {min_per_class} per category)"
                         + (f"; skipped {len(skipped)}: " + "; ".join(f"{f} ({r})" for f, r in skipped[:10])
                            if skipped else "") + ".")
    data = FolderData(torch.stack(images), torch.tensor(labels) if classes else None, classes, skipped)
    if cache:
        atomic_save({"format": CACHE_FORMAT, "version": 1, "images": data.images, "labels": data.labels,
                     "classes": classes, "skipped": [list(s) for s in skipped]}, path)
    return data


EXAMPLE_COLOURS = {"red": (200, 40, 40), "blue": (40, 70, 200), "green": (40, 150, 60), "yellow": (220, 190, 40),
                   "pink": (230, 120, 170), "black": (30, 30, 30), "grey": (128, 128, 128)}
EXAMPLE_CATEGORIES = (3, 7, 9)  # dress, sneaker, ankle boot


def make_example_folder(out, per_class: int = 12, size: int = 96, categories=EXAMPLE_CATEGORIES, seed: int = 0,
                        broken: bool = True) -> Path:
    """A small synthetic colour catalog in ImageFolder layout, made offline from Fashion-MNIST.

    Each image is turned into a shop-like photo: the product (the grey image's brightness) drawn in a colour of
    ``EXAMPLE_COLOURS`` on a white background, upscaled to ``size`` px, saved as PNG or JPEG. ``broken`` adds a corrupt
    JPEG, a text file and a photo too small to use, which a loader must skip and list. The colours are synthetic.
    """
    import numpy as np
    from PIL import Image

    from ..categories import CLASS_NAMES
    from ..data import load_fashion_mnist

    out = Path(out)
    data, g = load_fashion_mnist(), torch.Generator().manual_seed(seed)
    colours = list(EXAMPLE_COLOURS.values())
    for label in categories:
        folder = out / CLASS_NAMES[label].lower().replace("/", "-").replace(" ", "-")
        folder.mkdir(parents=True, exist_ok=True)
        pool = torch.nonzero(data.train_labels == label).flatten()
        for k, index in enumerate(pool[torch.randperm(len(pool), generator=g)[:per_class]].tolist()):
            amount = data.train_images[index].numpy()[..., None].astype(np.float32) / 255.0  # (28, 28, 1)
            colour = np.array(colours[int(torch.randint(len(colours), (), generator=g))], dtype=np.float32)
            photo = (255.0 * (1 - amount) + colour * amount).round().astype(np.uint8)  # white background
            image = Image.fromarray(photo).resize((size, size), Image.Resampling.BICUBIC)
            image.save(folder / f"{k:03d}.{'jpg' if k % 2 else 'png'}", quality=95)
    if broken:
        first = out / CLASS_NAMES[categories[0]].lower().replace("/", "-").replace(" ", "-")
        (first / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 a truncated jpeg")
        (first / "notes.txt").write_text("not a photo")
        Image.new("RGB", (8, 8), (255, 255, 255)).save(first / "tiny.png")
    return out
