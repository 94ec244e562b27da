"""A shop's own photo, restored and tagged: read -> estimate what is wrong -> restore -> read its attributes.

1. ``read_shop_photo``: ``photos.reader.read_photo`` puts the photo into the catalog's convention (grey, light
   product on black, 28x28, centred); the colour is read separately, from the photo's own pixels on its light
   background (``text2img.colour.measure_colour``), or reported as unknown when the background is dark.
2. ``estimate_damage``: three measurements of the grey view, each against the clean catalog's range
   (``clean_ranges``: percentiles of 1000 test images): the noise level (Immerkær's estimator, the residual of
   a Laplacian-like kernel), the exposure (the darkest pixels: a dim photo's black is lifted) and the sharpness
   (mean difference of neighbouring pixels, over the brightest). The first one outside the catalog's range names
   the task, in that order: noise hides blur, and a dim photo looks soft. Holes cannot be seen without their
   mask, so ``inpaint`` is never guessed.
3. ``restore_photo``: the shipped U-Net for that task (lesson 05).
4. The U-Net restores the grey catalog view, and the tagger reads colour products on white: the restored view is
   drawn in the photo's measured colour (``tint``) for the tagger, which reads category and shape from it; the
   colour itself comes from step 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ..data import load_fashion_mnist, to_float
from ..editing.ambiguity import sharpness
from ..editing.checkpoint import load_pretrained_unet
from ..editing.restoring import restore
from ..photos.reader import MIN_SIDE, read_photo
from ..text2img.colour import COLOURS, measure_colour, tint
from .request import RequestError

GUESSED = ("denoise", "enhance", "deblur")  # the order the estimate checks them in
FLOOR_MIN = 0.02  # on [0, 1]: a lifted black level under this is left alone (JPEG and scanner noise)
IMMERKAER = torch.tensor([[1.0, -2.0, 1.0], [-2.0, 4.0, -2.0], [1.0, -2.0, 1.0]]).view(1, 1, 3, 3)


@dataclass(frozen=True)
class ShopPhoto:
    """grey: (1, 28, 28) uint8, the catalog view; colour: palette index or None; colour_note: how it was read."""

    grey: torch.Tensor
    colour: int | None
    colour_note: str


def light_background(path: Path) -> bool:
    """Whether the photo's border (its background) is light, as ``catalog_image`` decides it."""
    with Image.open(path) as photo:
        grey = np.asarray(photo.convert("L"), dtype=np.float32) / 255.0
    return float(np.median(np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]]))) > 0.5


def read_shop_photo(path) -> ShopPhoto:
    """The photo at ``path`` read for a listing; RequestError saying why for a missing, unreadable, tiny or
    blank one."""
    path = Path(path)
    if not path.is_file():
        raise RequestError(f"--photo {path}: no such file; pass a photo of one product (PNG, JPEG, WebP, ...).")
    grey, why = read_photo(path, 28, 1, MIN_SIDE)
    if grey is None:
        raise RequestError(f"--photo {path} cannot be used: {why}. Pass a photo of one product on a plain "
                           "background, at least 16 px a side.")
    view = torch.from_numpy(np.array(grey)).unsqueeze(0)  # (1, 28, 28) uint8
    if not light_background(path):
        return ShopPhoto(view, None, "unknown: the background is dark, and the colour is read against a light one")
    inverted, _ = read_photo(path, 28, 3, MIN_SIDE)  # the colour crop, inverted like the grey view
    on_white = torch.from_numpy(255 - np.array(inverted)).permute(2, 0, 1).unsqueeze(0)  # (1, 3, 28, 28) uint8
    colour = int(measure_colour(on_white)[0])
    return ShopPhoto(view, colour, f"{COLOURS[colour]}: measured from the photo's own most inked pixels")


def measurements(grey: torch.Tensor) -> dict[str, torch.Tensor]:
    """{noise, floor, peak, sharpness}: (N,) each, of grey views (N, 1, 28, 28) in [-1, 1], on [0, 1]."""
    x = (grey.float() + 1) / 2
    residual = F.conv2d(x, IMMERKAER).abs().flatten(1).sum(1)
    h, w = x.shape[-2:]
    noise = residual * (np.pi / 2) ** 0.5 / (6 * (h - 2) * (w - 2))
    flat = x.flatten(1)
    peak = flat.quantile(0.99, dim=1)
    return {"noise": noise, "floor": flat.quantile(0.01, dim=1), "peak": peak,
            "sharpness": sharpness(x) / peak.clamp(min=0.05)}  # lesson 05's neighbour difference


@lru_cache(maxsize=1)
def clean_ranges() -> dict[str, float]:
    """The clean catalog's range of each measurement over 1000 test images: the 99th percentile of noise and of
    the floor (the darkest pixels; at least ``FLOOR_MIN``), the 5th of sharpness (blur is the subtlest: a
    stricter cut misses most photos blurred by one pixel)."""
    m = measurements(to_float(load_fashion_mnist().test_images[:1000]))
    return {"noise": float(m["noise"].quantile(0.99)), "floor": max(FLOOR_MIN, float(m["floor"].quantile(0.99))),
            "sharpness": float(m["sharpness"].quantile(0.05))}


def estimate_damage(grey: torch.Tensor) -> tuple[str | None, dict]:
    """(the task the first out-of-range measurement names, or None for a clean-looking photo; the measurements
    and the catalog's ranges). grey: (1, 1, 28, 28) in [-1, 1]."""
    m = {key: float(value[0]) for key, value in measurements(grey).items()}
    ranges = clean_ranges()
    out = {"denoise": m["noise"] > ranges["noise"],
           "enhance": m["floor"] > ranges["floor"],
           "deblur": m["sharpness"] < ranges["sharpness"]}
    task = next((t for t in GUESSED if out[t]), None)
    return task, {"measured": {k: round(v, 4) for k, v in m.items()},
                  "clean_catalog": {k: round(v, 4) for k, v in ranges.items()}}


def restore_photo(grey: torch.Tensor, task: str | None, device="auto") -> torch.Tensor:
    """grey (1, 1, 28, 28) in [-1, 1] restored by the shipped U-Net for ``task`` (unchanged for None)."""
    if task is None:
        return grey
    unet = load_pretrained_unet(task, device=device)
    if unet is None:
        raise RequestError(f"no shipped U-Net for {task!r} (checkpoints/unet.pt); train one with "
                           f"`python -m course_lib train unet --task {task}`, or pass --restore none.")
    return restore(unet, grey, task=task).cpu()


def tagger_view(restored: torch.Tensor, colour: int | None) -> torch.Tensor:
    """The restored grey view (1, 1, 28, 28) in [-1, 1] drawn in ``colour`` (black when unknown) on white, as the
    tagger reads products: (1, 3, 28, 28) in [-1, 1]."""
    as_uint8 = restored.add(1).mul(127.5).round().clamp(0, 255).to(torch.uint8)[:, 0]
    index = torch.tensor([COLOURS.index("black") if colour is None else colour])
    return tint(as_uint8, index).float().div(127.5).sub(1)
