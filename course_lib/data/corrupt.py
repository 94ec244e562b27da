"""Pixel damages shared by lesson 05's degradations and lesson 06's calibration points: Gaussian noise and the
course's one Gaussian blur. Images are float (N, C, H, W) in [-1, 1].

- ``add_noise``: Gaussian pixel noise with sigma on the [0, 1] scale (the editing lesson's ``denoise`` damage and
  the metrics' "real + noise" calibration point), drawn on the CPU from a seed.
- ``gaussian_blur``: torchvision's Gaussian blur with mirrored borders (the ``deblur`` damage and the "real +
  blur" calibration point); torchvision is imported on first use, as it takes seconds.
"""

from __future__ import annotations

import math

import torch


def add_noise(images: torch.Tensor, sigma: float = 0.1, seed: int | torch.Generator = 0) -> torch.Tensor:
    """images (N, C, H, W) in [-1, 1] + N(0, sigma^2) noise with sigma on the [0, 1] scale, clamped to [-1, 1].

    seed: an int, or a CPU ``torch.Generator`` to draw from; the noise is drawn on the CPU, so a seed gives
    the same noise on every device.
    """
    generator = seed if isinstance(seed, torch.Generator) else torch.Generator().manual_seed(int(seed))
    noise = torch.randn(images.shape, generator=generator).to(images.device, images.dtype)
    return (images + 2 * sigma * noise).clamp(-1, 1)  # x2: [-1, 1] spans twice the [0, 1] scale


def gaussian_blur(images: torch.Tensor, sigma_px: float, kernel_size: int | None = None) -> torch.Tensor:
    """Gaussian blur with mirrored borders, the course's one blur: (N, C, H, W) in [-1, 1] -> same shape and range.

    ``kernel_size`` defaults to 2 ceil(3 sigma) + 1 taps (lesson 05's deblur task); lesson 06's calibration point
    uses 3 taps at sigma 1 px.
    """
    from torchvision.transforms import v2

    size = kernel_size or 2 * math.ceil(3 * sigma_px) + 1
    return v2.functional.gaussian_blur(images, [size, size], [sigma_px, sigma_px]).clamp(-1, 1)
