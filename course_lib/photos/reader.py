"""A folder of a shop's own product photos, in the catalog's convention: what a model trained here can read.

Shop photos are dark products on a white background, of any size and colour; Fashion-MNIST is a light product
on black, 28x28, grey, centred and filling the frame. ``catalog_image`` turns one photo into that convention:

1. grey (ITU-R 601 luma) or, with ``channels=3``, colour kept;
2. the background is the median of the border pixels; a light background (shop photos) is inverted, so the
   background becomes black and the product light;
3. crop to the object: the box of pixels that differ from the background by more than ``OBJECT_THRESHOLD``;
4. pad to a square with the background, leaving a margin like the catalog's (about 1/14 of the side);
5. resize with antialiasing (Pillow's LANCZOS) to ``size`` x ``size``.

``load_photo_folder`` reads every file of a folder (PNG, JPEG, WebP, ...; Pillow decides, not the suffix),
skips and lists what it cannot use (unreadable, not an image, smaller than ``min_side``, nothing but
background, more pixels than Pillow's decompression-bomb limit ``Image.MAX_IMAGE_PIXELS``: such a file is
refused before a byte of it is decoded), and refuses a folder with fewer than ``minimum`` usable photos with a
message naming both numbers.
With ``convention="photo"`` a photo is kept as it is instead (centre-cropped to a square and resized), which is
what training on one's own catalog at 32-128 px wants; ``photos.folders`` builds on that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError
from tqdm.auto import tqdm

OBJECT_THRESHOLD = 0.08  # on [0, 1]: a pixel this far from the background belongs to the product
MARGIN = 1 / 14  # Fashion-MNIST products leave about 2 of 28 pixels free at the widest side
MIN_SIDE = 16  # pixels: smaller photos hold too little to scale up
MINIMUM = 10  # usable photos a folder must have


@dataclass
class PhotoSet:
    """images: (N, size, size) uint8 (grey) or (N, size, size, 3) (colour), light product on black;
    files: the N photos used, in order; skipped: (file, reason) for every file that could not be used."""

    images: torch.Tensor
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    def report(self) -> str:
        """What was read and what was skipped, one line per skipped file."""
        lines = [f"{len(self.files)} photos used, {len(self.skipped)} skipped"]
        lines += [f"  skipped {path.name}: {reason}" for path, reason in self.skipped]
        return "\n".join(lines)


def object_box(distance: np.ndarray, threshold: float = OBJECT_THRESHOLD) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the pixels with ``distance`` > threshold, or None when there are none.

    distance: (H, W) in [0, 1], each pixel's difference from the background.
    """
    rows, cols = np.nonzero(distance > threshold)
    if rows.size == 0:
        return None
    return int(rows.min()), int(cols.min()), int(rows.max()) + 1, int(cols.max()) + 1


def catalog_image(photo: Image.Image, size: int = 28, channels: int = 1) -> np.ndarray | None:
    """One photo in the catalog's convention: (size, size) uint8 (channels=1) or (size, size, 3), or None when
    the photo is nothing but background."""
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 (grey) or 3 (colour), got {channels}.")
    rgb = np.asarray(photo.convert("RGB"), dtype=np.float32) / 255.0  # (H, W, 3) in [0, 1]
    grey = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601 luma, as Pillow's "L"
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    background = float(np.median(border))
    if background > 0.5:  # a light background: invert, so the product is light on black like the catalog
        rgb, grey, background = 1.0 - rgb, 1.0 - grey, 1.0 - background
    box = object_box(np.abs(grey - background))
    if box is None:
        return None
    top, left, bottom, right = box
    pixels = (rgb if channels == 3 else grey[..., None])[top:bottom, left:right]
    pixels = np.clip(pixels - background, 0.0, 1.0) / max(1e-6, 1.0 - background)  # background -> 0 (black)
    side = int(round(max(pixels.shape[:2]) * (1 + 2 * MARGIN)))
    square = np.zeros((side, side, pixels.shape[2]), dtype=np.float32)
    y, x = (side - pixels.shape[0]) // 2, (side - pixels.shape[1]) // 2
    square[y:y + pixels.shape[0], x:x + pixels.shape[1]] = pixels
    image = Image.fromarray((square * 255).round().astype(np.uint8).squeeze(2) if channels == 1
                            else (square * 255).round().astype(np.uint8))
    return np.asarray(image.resize((size, size), Image.Resampling.LANCZOS))


def square_photo(photo: Image.Image, size: int, channels: int = 3) -> np.ndarray:
    """A photo as it is: centre-cropped to a square, resized with antialiasing: (size, size[, 3]) uint8."""
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 (grey) or 3 (colour), got {channels}.")
    photo = photo.convert("L" if channels == 1 else "RGB")
    side = min(photo.size)
    left, top = (photo.size[0] - side) // 2, (photo.size[1] - side) // 2
    return np.asarray(photo.crop((left, top, left + side, top + side)).resize((size, size), Image.Resampling.LANCZOS))


CONVENTIONS = {"catalog": catalog_image, "photo": square_photo}


def too_many_pixels(width: int, height: int) -> bool:
    """True above Pillow's decompression-bomb limit (``Image.MAX_IMAGE_PIXELS``, about 89 megapixels)."""
    return Image.MAX_IMAGE_PIXELS is not None and width * height > Image.MAX_IMAGE_PIXELS


def bomb_reason(width: int | None = None, height: int | None = None) -> str:
    """Why a file claiming too many pixels was skipped, and what to do about a real photo that large."""
    claims = f"claims {width}x{height} pixels, " if width is not None else "claims "
    return (f"refused: {claims}more than Pillow's limit of {Image.MAX_IMAGE_PIXELS:,} (a decompression bomb, or "
            "a photo far larger than needed: shrink it)")


def read_photo(path: Path, size: int, channels: int, min_side: int,
               convention: str = "catalog") -> tuple[np.ndarray | None, str]:
    """(image, '') for a usable photo, else (None, why it was skipped); ``convention``: 'catalog' or 'photo'."""
    try:
        with Image.open(path) as photo:  # reads the header only
            if too_many_pixels(*photo.size):
                return None, bomb_reason(*photo.size)
            photo.load()
            if min(photo.size) < min_side:
                return None, f"too small ({photo.size[0]}x{photo.size[1]} px; at least {min_side} px a side)"
            image = CONVENTIONS[convention](photo, size, channels)
    except Image.DecompressionBombError:  # Image.open refuses above twice the limit, before our own check
        return None, bomb_reason()
    except UnidentifiedImageError:
        return None, "not an image Pillow can read"
    except (OSError, ValueError) as err:
        return None, f"unreadable ({type(err).__name__}: {err})"
    if image is None:
        return None, "only background: no product found"
    return image, ""


def photo_files(folder: Path) -> list[Path]:
    """The files of ``folder`` (not its subfolders, not hidden ones), sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def load_photo_folder(folder, size: int = 28, channels: int = 1, minimum: int = MINIMUM,
                      min_side: int = MIN_SIDE, convention: str = "catalog", progress: bool = False) -> PhotoSet:
    """Every usable photo of ``folder`` (not its subfolders), sorted by name, in ``convention``
    ('catalog': light product on black, cropped to it; 'photo': as it is, centre-cropped).

    Raises FileNotFoundError for a missing folder and ValueError when fewer than ``minimum`` photos are usable
    (the message names the number found, the minimum and what was skipped).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"photo folder {folder} does not exist; pass a folder of PNG, JPEG or WebP photos.")
    images, used, skipped = [], [], []
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {sorted(CONVENTIONS)}, got {convention!r}.")
    for path in tqdm(photo_files(folder), desc=f"decoding {folder.name}", unit="file", disable=not progress):
        image, reason = read_photo(path, size, channels, min_side, convention)
        if image is None:
            skipped.append((path, reason))
        else:
            images.append(image)
            used.append(path)
    found = PhotoSet(torch.from_numpy(np.stack(images)) if images else torch.zeros(0, size, size, dtype=torch.uint8),
                     used, skipped)
    if len(used) < minimum:
        why = "; skipped: " + "; ".join(f"{p.name} ({r})" for p, r in skipped[:10]) if skipped else ""
        raise ValueError(f"{folder} has {len(used)} usable photos; at least {minimum} are needed{why}. Add photos "
                         "of the product line (one product per photo, on a plain background).")
    return found
