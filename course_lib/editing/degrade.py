"""Degradations of product photos for the editing tasks, seeded and range-preserving.

``degrade(clean, task, strength, seed) -> (degraded, mask_or_None)`` on (N, C, H, W) images in
[-1, 1]. Every output is clamped to [-1, 1]; strength 0 returns the input unchanged. A strength in
[0, 1] maps to one physical parameter per task (see ``physical_parameters``):

=========  =====================================================================================
task       strength s in [0, 1] means
=========  =====================================================================================
denoise    additive Gaussian noise, sigma = 0.4 s on the [0, 1] scale (s = 0.5: sigma = 0.2)
inpaint    a missing square of side round(16 s) px (s = 0.5: 8x8) filled with mid-grey; its centre
           lies in the central half of the picture, where the product is. ``hole="strokes"``:
           ceil(5 s) straight strokes, 1 + 2 s px thick, instead. mask (N, 1, H, W): 1 = missing
deblur     Gaussian blur (slight defocus), point-spread sigma = 2 s pixels
enhance    dim, washed-out exposure, on the [0, 1] scale: y = 0.2 s + (1 - 0.8 s) x^(1 + s):
           black lifted to 0.2 s (haze, flare), white dimmed to 1 - 0.6 s, mid-tones darkened
=========  =====================================================================================

Randomness (noise, hole positions) comes from a CPU ``torch.Generator`` seeded with ``seed``, so the
same seed gives the same degradation on every device. Noise is clipped at the range limits, as a
camera's sensor clips it; on black backgrounds half of it is therefore cut away.
"""

from __future__ import annotations

import math

import torch

from ..data.corrupt import add_noise, gaussian_blur

TASKS = ("denoise", "inpaint", "deblur", "enhance")
NOISE_SIGMA_MAX = 0.4  # denoise: sigma on the [0, 1] scale at strength 1
BLUR_SIGMA_MAX = 2.0  # deblur: point-spread sigma in pixels at strength 1
HOLE_SIDE_MAX = 16  # inpaint: hole side in pixels at strength 1
HOLE_FILL = 0.0  # value of missing pixels in [-1, 1] (mid-grey)
HOLES = ("rectangle", "strokes")


def check_task(task: str) -> str:
    """``task`` if it is one of ``TASKS``, else a ValueError listing them."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; valid tasks: {', '.join(TASKS)}.")
    return task


def check_strength(strength: float) -> float:
    """``strength`` as a float if it lies in [0, 1], else a ValueError saying so."""
    strength = float(strength)
    if not 0.0 <= strength <= 1.0:  # also rejects nan
        raise ValueError(f"strength must be in [0, 1] (0 = no degradation, 1 = strongest), got {strength}.")
    return strength


def physical_parameters(task: str, strength: float, hole: str = "rectangle") -> dict:
    """What ``strength`` means for ``task``: ``physical_parameters('denoise', 0.5) == {'sigma': 0.2}``."""
    s = check_strength(strength)
    if check_task(task) == "denoise":
        return {"sigma": NOISE_SIGMA_MAX * s}
    if task == "deblur":
        return {"blur_sigma_px": BLUR_SIGMA_MAX * s}
    if task == "enhance":
        return {"black": 0.2 * s, "white": 1 - 0.6 * s, "gamma": 1 + s}
    if hole == "strokes":
        return {"num_strokes": math.ceil(5 * s), "thickness_px": 1 + 2 * s}
    return {"hole_side_px": round(HOLE_SIDE_MAX * s)}


def dim_exposure(clean: torch.Tensor, strength: float) -> torch.Tensor:
    """The ``enhance`` degradation: y = 0.2 s + (1 - 0.8 s) x^(1 + s) on the [0, 1] scale."""
    x = (clean + 1) / 2
    y = 0.2 * strength + (1 - 0.8 * strength) * x.clamp(min=0) ** (1 + strength)
    return (2 * y - 1).clamp(-1, 1)


def rectangle_mask(n: int, height: int, width: int, top, left, hole_height: int,
                   hole_width: int) -> torch.Tensor:
    """(n, 1, H, W) float mask, 1 inside the rectangle(s); ``top``/``left``: ints or (n,) tensors."""
    top = torch.as_tensor(top).expand(n).view(n, 1, 1)
    left = torch.as_tensor(left).expand(n).view(n, 1, 1)
    rows, cols = torch.arange(height).view(1, -1, 1), torch.arange(width).view(1, 1, -1)
    inside = (rows >= top) & (rows < top + hole_height) & (cols >= left) & (cols < left + hole_width)
    return inside.float().unsqueeze(1)


def random_rectangle_mask(n: int, height: int, width: int, side: int,
                          generator: torch.Generator) -> torch.Tensor:
    """(n, 1, H, W) masks, one square of ``side`` px each, centred in the central half of the image."""
    side_h, side_w = min(side, height), min(side, width)

    def corner(size, hole):  # centre uniform in [size/4, 3 size/4], hole kept inside the image
        lo = min(max(0, size // 4 - hole // 2), size - hole)
        hi = max(lo, min(size - hole, (3 * size) // 4 - hole // 2))
        return torch.randint(lo, hi + 1, (n,), generator=generator)

    return rectangle_mask(n, height, width, corner(height, side_h), corner(width, side_w), side_h, side_w)


def stroke_mask(n: int, height: int, width: int, num_strokes: int, thickness: float,
                generator: torch.Generator) -> torch.Tensor:
    """(n, 1, H, W) masks of ``num_strokes`` straight strokes (random ends) ``thickness`` px thick."""
    if num_strokes == 0:
        return torch.zeros(n, 1, height, width)
    scale = torch.tensor([height - 1, width - 1], dtype=torch.float32)
    ends = torch.rand(n, num_strokes, 2, 2, generator=generator) * scale  # (n, K, start/end, row/col)
    a, b = ends[:, :, 0, None, :], ends[:, :, 1, None, :]  # (n, K, 1, 2)
    grid = torch.stack(torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij"), -1)
    p = grid.view(1, 1, -1, 2).float()  # (1, 1, H*W, 2) pixel centres
    ab = b - a
    t = (((p - a) * ab).sum(-1) / (ab * ab).sum(-1).clamp(min=1e-8)).clamp(0, 1)  # (n, K, H*W)
    dist = (p - (a + t.unsqueeze(-1) * ab)).norm(dim=-1)  # distance of each pixel to each stroke
    return (dist <= thickness / 2).any(dim=1).float().view(n, 1, height, width)


def degrade(clean: torch.Tensor, task: str, strength: float, seed: int = 0,
            hole: str = "rectangle") -> tuple[torch.Tensor, torch.Tensor | None]:
    """clean (N, C, H, W) in [-1, 1] -> (degraded (N, C, H, W) in [-1, 1], mask (N, 1, H, W) or None).

    The mask (1 = missing pixel) is returned for ``inpaint`` only. See the module docstring for what
    ``strength`` means per task; the same ``seed`` gives the same result.
    """
    check_task(task)
    strength = check_strength(strength)
    if hole not in HOLES:
        raise ValueError(f"unknown hole {hole!r}; valid: {', '.join(HOLES)}.")
    if not torch.is_tensor(clean) or clean.dim() != 4 or not clean.is_floating_point():
        raise ValueError(f"clean must be a float tensor (N, C, H, W), got "
                         f"{type(clean).__name__} {tuple(getattr(clean, 'shape', ()))}.")
    if clean.numel() and (clean.min() < -1 - 1e-6 or clean.max() > 1 + 1e-6):
        raise ValueError(f"clean must be in [-1, 1], got [{clean.min().item():.3g}, {clean.max().item():.3g}]; "
                         "convert uint8 images with course_lib.data.to_float.")
    n, _, height, width = clean.shape
    params = physical_parameters(task, strength, hole)
    generator = torch.Generator().manual_seed(int(seed))
    if task == "inpaint":
        if hole == "strokes":
            mask = stroke_mask(n, height, width, params["num_strokes"], params["thickness_px"], generator)
        else:
            mask = random_rectangle_mask(n, height, width, params["hole_side_px"], generator)
        mask = mask.to(clean.device, clean.dtype)
        return clean * (1 - mask) + HOLE_FILL * mask, mask
    if strength == 0:
        return clean.clone(), None
    if task == "denoise":
        return add_noise(clean, params["sigma"], generator), None
    if task == "deblur":
        return gaussian_blur(clean, params["blur_sigma_px"]), None
    return dim_exposure(clean, strength), None
