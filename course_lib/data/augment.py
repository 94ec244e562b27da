"""Augmentation for GAN training: classic torchvision pipelines and DiffAugment.

Every image here is float (N, C, H, W) in [-1, 1] with background -1, so every fill is -1 (a fill of 0
would paint mid-grey corners that no real product photo has). Every strength is 0 for the identity.

- ``ClassicAugment``: flip / rotation / shift / zoom / resized crop / erasing from ``torchvision.transforms.v2``.
  A v2 transform given a (N, C, H, W) tensor draws ONE parameter set for the whole batch; with
  ``per_sample=True`` (default) we call the pipeline once per image so each image gets its own draw.
- ``DiffAugment`` (Zhao et al. 2020): color, translation, cutout; differentiable, for real AND fake
  batches inside the discriminator step (and the generator step), seeded by its own ``torch.Generator``.
``metrics.leak_probe.fit_probe`` measures whether augmentation leaks into what a discriminator learns. The
pixel damages (noise, blur) that are not augmentations live in ``data.corrupt``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from torchvision.transforms import v2  # imported where used: torchvision takes about 2 s to import


def translate(x: torch.Tensor, dx, dy, fill: float = -1.0) -> torch.Tensor:
    """Shift by whole pixels: content moves ``dx`` right and ``dy`` down; uncovered pixels get ``fill``.

    x: (N, C, H, W); dx, dy: int (whole batch) or (N,) int64 (one shift per image). Differentiable in x.
    """
    n, _, h, w = x.shape
    dx = torch.as_tensor(dx, device=x.device).long().expand(n)
    dy = torch.as_tensor(dy, device=x.device).long().expand(n)
    rows = torch.arange(h, device=x.device) - dy[:, None]  # (N, H): source row of each output row
    cols = torch.arange(w, device=x.device) - dx[:, None]  # (N, W)
    outside = ((rows < 0) | (rows >= h))[:, :, None] | ((cols < 0) | (cols >= w))[:, None, :]  # (N, H, W)
    batch = torch.arange(n, device=x.device)[:, None, None]
    out = x[batch, :, rows.clamp(0, h - 1)[:, :, None], cols.clamp(0, w - 1)[:, None, :]]  # (N, H, W, C)
    return out.permute(0, 3, 1, 2).masked_fill(outside[:, None], fill)


def cutout(x: torch.Tensor, top, left, size: int, fill: float = -1.0) -> torch.Tensor:
    """Fill a ``size`` x ``size`` square whose corner is (``top``, ``left``) with ``fill``, clipped at the border.

    x: (N, C, H, W); top, left: int or (N,) int64 (may be negative or past the edge). Differentiable in x.
    """
    n, _, h, w = x.shape
    top = torch.as_tensor(top, device=x.device).long().expand(n)[:, None]
    left = torch.as_tensor(left, device=x.device).long().expand(n)[:, None]
    rows, cols = torch.arange(h, device=x.device), torch.arange(w, device=x.device)
    in_rows = (rows >= top) & (rows < top + size)  # (N, H)
    in_cols = (cols >= left) & (cols < left + size)  # (N, W)
    return x.masked_fill((in_rows[:, :, None] & in_cols[:, None, :])[:, None], fill)


def _check_range(name: str, value: float, low: float, high: float, closed: bool = True) -> None:
    ok = low <= value <= high if closed else low <= value < high
    if not ok:
        bracket = "]" if closed else ")"
        raise ValueError(f"{name} must be in [{low:g}, {high:g}{bracket} (0 = off), got {value!r}.")


def _check_images(x) -> None:
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or not x.is_floating_point():
        got = f"{x.dtype} {tuple(x.shape)}" if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"expected float images (N, C, H, W) in [-1, 1], got {got}; "
                         "convert uint8 images with course_lib.data.to_float first.")


@dataclass(frozen=True)
class ClassicConfig:
    """Strengths of the classic augmentations; 0 switches one off, all 0 is the identity."""

    flip: float = 0.0  # probability of a horizontal flip, [0, 1]
    rotate: float = 0.0  # largest rotation in degrees, [0, 180]
    translate: float = 0.0  # largest shift as a fraction of the side, [0, 1)
    scale: float = 0.0  # zoom factor drawn from [1 - scale, 1 + scale], [0, 1)
    crop: float = 0.0  # RandomResizedCrop keeps an area fraction in [1 - crop, 1], [0, 1)
    erase: float = 0.0  # probability of erasing one rectangle (to background -1), [0, 1]

    def __post_init__(self):
        for name, high, closed in (("flip", 1, True), ("rotate", 180, True), ("translate", 1, False),
                                   ("scale", 1, False), ("crop", 1, False), ("erase", 1, True)):
            _check_range(f"ClassicConfig.{name}", getattr(self, name), 0, high, closed)


def classic_pipeline(cfg: ClassicConfig, image_size: int = 28, background: float = -1.0) -> v2.Compose:
    """The v2 pipeline for ``cfg``, holding only the active transforms (all off: ``v2.Identity``).

    Bilinear interpolation keeps values inside the input's range (bicubic would overshoot); every fill is
    ``background``. Use background 0 where you can: v2's bilinear affine pads with 0 inside ``grid_sample``
    and blends any other fill in with an interpolated mask, which leaves a faint outline along the old
    image border (``ClassicAugment`` therefore works on x + 1, whose background is 0).
    """
    from torchvision.transforms import v2

    steps = []
    if cfg.crop > 0:
        steps.append(v2.RandomResizedCrop(image_size, scale=(1 - cfg.crop, 1.0), antialias=True))
    if cfg.flip > 0:
        steps.append(v2.RandomHorizontalFlip(p=cfg.flip))
    if cfg.rotate > 0 or cfg.translate > 0 or cfg.scale > 0:
        steps.append(v2.RandomAffine(degrees=cfg.rotate, translate=(cfg.translate, cfg.translate),
                                     scale=(1 - cfg.scale, 1 + cfg.scale),
                                     interpolation=v2.InterpolationMode.BILINEAR, fill=background))
    if cfg.erase > 0:
        steps.append(v2.RandomErasing(p=cfg.erase, value=background))
    return v2.Compose(steps or [v2.Identity()])


class ClassicAugment:
    """``augment(x) -> x`` with torchvision v2 transforms; x: (N, C, H, W) float in [-1, 1], same shape out.

    per_sample: True draws new parameters for every image (a Python loop over the batch); False draws one
    set for the whole batch (v2's behaviour on a batch tensor: every image rotated by the same angle).
    seed: v2 draws from torch's global generator, so each call forks it and seeds it from our own stream.
    The pipeline runs on x + 1 (background 0, which v2's affine fills exactly), and 1 is subtracted after.
    """

    def __init__(self, cfg: ClassicConfig = ClassicConfig(), image_size: int = 28, per_sample: bool = True,
                 seed: int = 0):
        self.cfg, self.per_sample = cfg, per_sample
        self.pipeline = classic_pipeline(cfg, image_size, background=0.0)
        self.generator = torch.Generator().manual_seed(seed)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        _check_images(x)
        call_seed = int(torch.randint(2**62, (1,), generator=self.generator))
        shifted = x + 1.0  # background -1 => 0
        with torch.random.fork_rng(devices=[]):  # leaves the caller's global random stream untouched
            torch.manual_seed(call_seed)
            if self.per_sample:
                out = torch.stack([self.pipeline(image) for image in shifted])
            else:
                out = self.pipeline(shifted)
        return out - 1.0


DIFF_OPS = ("color", "translation", "cutout")


class DiffAugment:
    """Differentiable augmentation (Zhao et al. 2020), one random draw per image; x: (N, C, H, W) -> same.

    policy: comma-separated ops from ``DIFF_OPS``, applied in that order.
    strength: a float for every op, or {op: float}; each in [0, 1], 0 is the identity, 1 is the paper's setting:
      color = brightness + U(-0.5, 0.5)*s, saturation (x - channel mean)*(1 + s*U(-1, 1)) -- exactly the
        identity for 1-channel images, since the channel mean is the pixel itself -- and contrast
        (x - image mean)*(1 + s*U(-0.5, 0.5)). Color output can leave [-1, 1]; clamping would kill gradients.
      translation = shift up to round(0.125*s*side) px, fill -1; cutout = one square of side round(0.5*s*side)
        filled with -1 (the paper fills 0, mid-grey on this scale). Both keep values in [-1, 1].
    seed: random numbers come from this object's ``torch.Generator``: same seed, same sequence of outputs.
    """

    def __init__(self, policy: str = "color,translation,cutout", strength: float | Mapping[str, float] = 1.0,
                 seed: int = 0):
        self.ops = tuple(op.strip() for op in policy.split(",") if op.strip())
        unknown = [op for op in self.ops if op not in DIFF_OPS]
        if unknown:
            raise ValueError(f"unknown DiffAugment op(s) {unknown} in policy {policy!r}; "
                             f"use a comma-separated subset of {', '.join(DIFF_OPS)}.")
        if isinstance(strength, Mapping):
            extra = set(strength) - set(self.ops)
            if extra:
                raise ValueError(f"strength given for {sorted(extra)}, which the policy {policy!r} does not use.")
            self.strength = {op: float(strength.get(op, 1.0)) for op in self.ops}
        else:
            self.strength = {op: float(strength) for op in self.ops}
        for op, s in self.strength.items():
            _check_range(f"DiffAugment strength of {op!r} (a fraction of the paper's setting)", s, 0, 1)
        self.generator = torch.Generator().manual_seed(seed)

    def _uniform(self, n: int, like: torch.Tensor, low: float, high: float) -> torch.Tensor:
        u = torch.rand(n, 1, 1, 1, generator=self.generator)  # drawn on the CPU: same numbers on every device
        return (low + (high - low) * u).to(device=like.device, dtype=like.dtype)

    def _randint(self, n: int, low: int, high: int, device) -> torch.Tensor:
        return torch.randint(low, high, (n,), generator=self.generator).to(device)

    def color(self, x: torch.Tensor, s: float) -> torch.Tensor:
        n = x.shape[0]
        x = x + self._uniform(n, x, -0.5 * s, 0.5 * s)
        x_mean = x.mean(dim=1, keepdim=True)
        x = (x - x_mean) * self._uniform(n, x, 1 - s, 1 + s) + x_mean
        x_mean = x.mean(dim=(1, 2, 3), keepdim=True)
        return (x - x_mean) * self._uniform(n, x, 1 - 0.5 * s, 1 + 0.5 * s) + x_mean

    def translation(self, x: torch.Tensor, s: float) -> torch.Tensor:
        n, _, h, w = x.shape
        sy, sx = int(h * 0.125 * s + 0.5), int(w * 0.125 * s + 0.5)
        dy, dx = self._randint(n, -sy, sy + 1, x.device), self._randint(n, -sx, sx + 1, x.device)
        return translate(x, dx, dy)

    def cutout(self, x: torch.Tensor, s: float) -> torch.Tensor:
        n, _, h, w = x.shape
        size = int(h * 0.5 * s + 0.5)  # square, as in the paper for square images
        if size == 0:
            return x
        cy = self._randint(n, 0, h + (1 - size % 2), x.device)  # centres as in the reference code
        cx = self._randint(n, 0, w + (1 - size % 2), x.device)
        return cutout(x, cy - size // 2, cx - size // 2, size)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        _check_images(x)
        for op in self.ops:
            if self.strength[op] > 0:  # skipped at 0, so the identity is exact (no float round-off)
                x = getattr(self, op)(x, self.strength[op])
        return x

    def state_dict(self) -> dict:
        """The random stream's position, for exact resume from a checkpoint."""
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict) -> None:
        self.generator.set_state(state["generator"])

    def __repr__(self) -> str:
        return f"DiffAugment(policy={','.join(self.ops)!r}, strength={self.strength})"


__all__ = ["translate", "cutout", "ClassicConfig", "classic_pipeline", "ClassicAugment", "DiffAugment",
           "DIFF_OPS"]
