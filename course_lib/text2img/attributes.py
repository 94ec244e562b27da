"""Attributes measured from an image of the colour edition: the ground truth captions are built from.

Every attribute is a deterministic function of one image:

- colour: ``colour.measure_colour`` (hue, saturation and value of the object's core);
- tone, dark / medium / light: the object's lightness, one minus the mean opacity of its ink,
  ``a = ink / full ink of its colour`` (a = the grey original's brightness): densely inked products look deep
  (深色) in any colour, thinly inked ones pale (浅色);
- width, narrow / regular / wide: the object's horizontal spread, the ink-weighted standard deviation of its
  pixels' column positions, as a share of the image width (continuous, so terciles split evenly);
- pattern, plain / patterned: the object's high-frequency energy, the mean absolute Laplacian of ``a``
  inside the object relative to its mean ``a`` (prints, stripes and knits score high).

Thresholds are terciles (tone, width) and the median (pattern) of the training split *within each category*,
so every value is common and "a wide dress" means wide for a dress. ``fit_thresholds`` computes them;
``measure`` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .colour import COLOURS, PALETTE, ink, measure_colour

VALUES = {
    "colour": COLOURS,
    "tone": ("dark", "medium", "light"),
    "width": ("narrow", "regular", "wide"),
    "pattern": ("plain", "patterned"),
}
VALUES_ZH = {
    "colour": tuple(PALETTE[name][1] for name in COLOURS),
    "tone": ("深色", "中等色", "浅色"),
    "width": ("修身", "常规", "宽松"),
    "pattern": ("纯色", "花纹"),
}
OBJECT = 0.1  # opacity above which a pixel belongs to the object
LAPLACE = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]).view(1, 1, 3, 3)


def opacity(images: torch.Tensor, colours: torch.Tensor | None = None) -> torch.Tensor:
    """The ink's opacity a (N, H, W) in [0, 1]: ink divided by the full ink of each image's measured colour.

    images: (N, 3, H, W) uint8 on white; colours: (N,) palette indices (measured when None).
    """
    colours = measure_colour(images) if colours is None else colours
    full = torch.tensor([max(255 - c for c in PALETTE[name][0]) / 255.0 for name in COLOURS])[colours]
    return (ink(images) / full[:, None, None]).clamp(0, 1)


def raw_scores(images: torch.Tensor, colours: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """The continuous measurements (N,) behind tone, width and pattern, before any threshold."""
    a = opacity(images, colours)  # (N, H, W)
    mask = (a > OBJECT).float()
    area = mask.flatten(1).sum(1).clamp(min=1.0)
    tone = (a * mask).flatten(1).sum(1) / area  # mean opacity of the object (the tone score is 1 - this)
    columns = torch.arange(a.shape[-1], dtype=a.dtype)
    weight = (a * mask).sum(1)  # (N, W): ink per column
    mean = (weight * columns).sum(1) / weight.sum(1).clamp(min=1e-6)
    spread = ((weight * (columns - mean[:, None]) ** 2).sum(1) / weight.sum(1).clamp(min=1e-6)).sqrt()
    width = spread / a.shape[-1]
    laplace = F.conv2d(a.unsqueeze(1), LAPLACE, padding=1).squeeze(1).abs()
    inner = mask * F.max_pool2d(-mask.unsqueeze(1), 3, stride=1, padding=1).neg().squeeze(1)  # no edge pixels
    energy = (laplace * inner).flatten(1).sum(1) / inner.flatten(1).sum(1).clamp(min=1.0)
    return {"tone": 1 - tone, "width": width, "pattern": energy / tone.clamp(min=1e-3)}


@dataclass(frozen=True)
class Thresholds:
    """Per category (K, cuts) cut points of each measurement: two for tone and width, one for pattern."""

    tone: torch.Tensor
    width: torch.Tensor
    pattern: torch.Tensor


def fit_thresholds(images: torch.Tensor, labels: torch.Tensor, num_classes: int = 10) -> Thresholds:
    """Terciles (tone, width) and medians (pattern) of the measurements within each category."""
    scores = raw_scores(images)
    cuts = {"tone": (1 / 3, 2 / 3), "width": (1 / 3, 2 / 3), "pattern": (0.5,)}
    out = {}
    for name, q in cuts.items():
        out[name] = torch.stack([torch.quantile(scores[name][labels == k], torch.tensor(q))
                                 for k in range(num_classes)])
    return Thresholds(**out)


def measure(images: torch.Tensor, labels: torch.Tensor, thresholds: Thresholds) -> dict[str, torch.Tensor]:
    """Every attribute (N,) int64 of each image: colour, tone, width, pattern (indices into ``VALUES``).

    images: (N, 3, H, W) uint8 of the colour edition; labels: (N,) the categories whose thresholds apply.
    """
    colours = measure_colour(images)
    scores = raw_scores(images, colours)
    out = {"colour": colours}
    for name in ("tone", "width", "pattern"):
        cuts = getattr(thresholds, name)[labels]  # (N, cuts)
        out[name] = (scores[name][:, None] > cuts).sum(1)
    return out


def describe_attributes(attributes: dict[str, torch.Tensor], index: int, chinese: bool = False) -> str:
    """One image's attributes in words: 'red, dark, wide, patterned' (or 红色, 深色, 宽松, 花纹)."""
    table = VALUES_ZH if chinese else VALUES
    return ", ".join(table[name][int(values[index])] for name, values in attributes.items())
