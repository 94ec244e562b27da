"""The colour edition of the catalog: every grey product drawn in one named colour on a white, shop-like page.

Fashion-MNIST is grey, and shops describe products by colour first ("红色连衣裙"). The colours here are
**synthetic**: each image gets one colour of ``PALETTE``, assigned deterministically and balanced within each
category, and is drawn as ``pixel = white * (1 - a) + colour * a`` with ``a = v / 255`` the grey image's own
brightness, so the product's shading is kept (a darker grey part is drawn lighter, like thinner ink) and the
background is white. White and grey are left out of the palette: a white product vanishes on the white page,
and grey is what the shading itself looks like; black stays visible on white.

``measure_colour`` reads the colour back from an image alone, from the hue, saturation and value of its most
inked pixels (the object's core, where ``a`` is near 1); ``luminance_view`` turns an edition image back into
what the course classifier reads: grey, inverted (light product on black) and stretched to the full range.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.colors import rgb_to_hsv

# name: (RGB on 0-255, Chinese name); eight colours that stay apart in hue, saturation or value
PALETTE: dict[str, tuple[tuple[int, int, int], str]] = {
    "red": ((205, 30, 35), "红色"), "orange": ((240, 125, 20), "橙色"), "yellow": ((235, 200, 25), "黄色"),
    "green": ((35, 150, 60), "绿色"), "blue": ((35, 80, 210), "蓝色"), "purple": ((125, 55, 180), "紫色"),
    "pink": ((245, 125, 185), "粉色"), "black": ((25, 25, 25), "黑色"),
}
COLOURS = tuple(PALETTE)
CORE_SHARE = 0.25  # the most inked quarter of the object's pixels decides its colour
GREY_SATURATION = 0.15  # below this the core reads as black


def assign_colours(labels: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """One colour index per image (N,), balanced within each category: the images of a category, in a seeded
    order, take the colours in turn. labels: (N,) int64."""
    colours = torch.empty_like(labels)
    g = torch.Generator().manual_seed(seed)
    for label in labels.unique().tolist():
        index = torch.nonzero(labels == label).flatten()
        order = index[torch.randperm(len(index), generator=g)]
        colours[order] = torch.arange(len(order)) % len(COLOURS)
    return colours


def tint(images: torch.Tensor, colours: torch.Tensor) -> torch.Tensor:
    """Grey catalog images (N, 28, 28) uint8 (light on black) -> colour edition (N, 3, 28, 28) uint8 on white."""
    rgb = torch.tensor([PALETTE[name][0] for name in COLOURS], dtype=torch.float32)[colours]  # (N, 3)
    a = images.float().div(255).unsqueeze(1)  # (N, 1, 28, 28): the grey brightness is the ink's opacity
    return (255.0 * (1 - a) + rgb[:, :, None, None] * a).round().clamp(0, 255).to(torch.uint8)


def ink(images: torch.Tensor) -> torch.Tensor:
    """How far each pixel is from the white page, (N, H, W) in [0, 1]: images (N, 3, H, W) uint8."""
    return (255.0 - images.float()).max(dim=1).values / 255.0


def core_colours(images: torch.Tensor) -> torch.Tensor:
    """The mean RGB (N, 3) in [0, 1] of each image's most inked quarter of object pixels (ink > 0.1); white for
    an image with no object pixel. Vectorised: pixels sorted by ink, the first max(1, k // 4) of k kept."""
    amount = ink(images).flatten(1)  # (N, H*W)
    rgb = images.float().div(255).flatten(2)  # (N, 3, H*W)
    order = amount.argsort(dim=1, descending=True, stable=True)
    count = (amount > 0.1).sum(1)  # (N,) object pixels
    keep = torch.where(count > 0, (CORE_SHARE * count).long().clamp(min=1), torch.zeros_like(count))
    chosen = (torch.arange(amount.shape[1])[None, :] < keep[:, None]).float()  # (N, H*W), in sorted order
    picked = torch.gather(rgb, 2, order.unsqueeze(1).expand(-1, 3, -1))  # (N, 3, H*W) sorted by ink
    mean = (picked * chosen[:, None]).sum(2) / keep.clamp(min=1)[:, None]
    return torch.where(keep[:, None] > 0, mean, torch.ones_like(mean))


def palette_hsv() -> np.ndarray:
    """HSV (8, 3) in [0, 1] of the palette."""
    return rgb_to_hsv(np.array([PALETTE[name][0] for name in COLOURS], dtype=np.float64) / 255.0)


def hue_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance between hues on the colour circle, in [0, 0.5] (hues in [0, 1))."""
    d = np.abs(a - b) % 1.0
    return np.minimum(d, 1.0 - d)


def measure_colour(images: torch.Tensor) -> torch.Tensor:
    """The palette colour (N,) int64 of each image, read from the hue, saturation and value of its core pixels.

    Mixing a colour with white keeps its hue and lowers its saturation, so a lightly inked product keeps its
    hue: a core saturation under ``GREY_SATURATION`` reads as black (the only neutral colour), anything else
    as the chromatic colour nearest in hue. images: (N, 3, H, W) uint8 on a white background.
    """
    hsv = rgb_to_hsv(core_colours(images).numpy().astype(np.float64))  # (N, 3)
    palette = palette_hsv()
    chromatic = [i for i, name in enumerate(COLOURS) if name != "black"]
    nearest = np.array(chromatic)[hue_distance(hsv[:, None, 0], palette[None, chromatic, 0]).argmin(axis=1)]
    return torch.from_numpy(np.where(hsv[:, 1] < GREY_SATURATION, COLOURS.index("black"), nearest))


def luminance_view(images: torch.Tensor) -> torch.Tensor:
    """Edition images (N, 3, H, W) uint8 -> (N, H, W) uint8 as the classifier reads them: luma, inverted (light
    product on black, like the catalog), stretched so each image's most inked pixel is 255."""
    luma = images.float().mul(torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(1)  # (N, H, W)
    inverted = 255.0 - luma
    peak = inverted.flatten(1).max(dim=1).values.clamp(min=1.0)
    return (inverted * 255.0 / peak[:, None, None]).round().clamp(0, 255).to(torch.uint8)
