"""Full-reference image quality: PSNR and SSIM in torch, per image, on the [0, 1] scale, and the score of a
restoration method on seeded damage (``score_restoration``).

Both match scikit-image (tests compare to ``skimage.metrics`` to 1e-6):

- ``psnr`` = ``peak_signal_noise_ratio(true, test, data_range=1)``: 10 log10(1 / MSE), in dB; +inf
  for identical images, as in scikit-image.
- ``ssim`` = ``structural_similarity(a, b, data_range=1, gaussian_weights=True, sigma=1.5,
  use_sample_covariance=False)``, the settings of Wang et al. 2004: local statistics under an 11x11
  Gaussian window (sigma 1.5, truncated at 3.5 sigma), K1 = 0.01, K2 = 0.03, averaged over the
  positions where the window fits inside the image (scikit-image crops the 5 px border the same
  way). ``gaussian_weights=False`` gives scikit-image's default instead: a 7x7 uniform window and
  sample covariance. Channels are averaged, like ``channel_axis`` does.

Images in [-1, 1] (the training range) must be converted first: ``(x + 1) / 2``.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .degrade import degrade

K1, K2 = 0.01, 0.03


def check_pair(x: torch.Tensor, y: torch.Tensor, data_range: float) -> None:
    """Same shape (N, C, H, W), values inside [0, data_range] (with a little slack)."""
    if x.shape != y.shape or x.dim() != 4:
        raise ValueError(f"expected two (N, C, H, W) tensors of the same shape, got {tuple(x.shape)} and "
                         f"{tuple(y.shape)}.")
    for t in (x, y):
        if t.numel() and (t.min() < -1e-3 * data_range or t.max() > 1.001 * data_range):
            raise ValueError(f"images must be on the [0, {data_range:g}] scale, got values in "
                             f"[{t.min().item():.3g}, {t.max().item():.3g}]; convert [-1, 1] images "
                             "with (x + 1) / 2 first.")


def psnr(x: torch.Tensor, y: torch.Tensor, data_range: float = 1.0) -> torch.Tensor:
    """Peak signal-to-noise ratio in dB, x, y: (N, C, H, W) in [0, data_range] -> (N,)."""
    check_pair(x, y, data_range)
    mse = (x.double() - y.double()).pow(2).flatten(1).mean(1)
    return (10 * torch.log10(data_range ** 2 / mse)).to(x.dtype)


def gaussian_window(sigma: float = 1.5, truncate: float = 3.5) -> torch.Tensor:
    """1-D normalised Gaussian of radius int(truncate * sigma + 0.5), as scipy.ndimage builds it."""
    radius = int(truncate * sigma + 0.5)
    taps = torch.arange(-radius, radius + 1, dtype=torch.float64)
    window = torch.exp(-0.5 * (taps / sigma) ** 2)
    return window / window.sum()


def ssim(x: torch.Tensor, y: torch.Tensor, data_range: float = 1.0, gaussian_weights: bool = True,
         sigma: float = 1.5) -> torch.Tensor:
    """Mean structural similarity per image, x, y: (N, C, H, W) in [0, data_range] -> (N,)."""
    check_pair(x, y, data_range)
    if gaussian_weights:
        window, cov_norm = gaussian_window(sigma), 1.0  # population covariance, as Wang et al.
    else:
        window = torch.full((7,), 1 / 7, dtype=torch.float64)
        cov_norm = 49 / 48  # sample covariance over the 7x7 window (scikit-image's default)
    size = window.numel()
    if min(x.shape[2:]) < size:
        raise ValueError(f"images must be at least {size}x{size} for a {size}x{size} SSIM window, "
                         f"got {tuple(x.shape[2:])}.")
    n, c, h, w = x.shape
    # local statistics with a separable window, only where it fits ("valid"): the same numbers
    # scikit-image keeps after cropping the border its reflect padding touched
    kernel_h = window.to(x.device).view(1, 1, size, 1)
    kernel_w = window.to(x.device).view(1, 1, 1, size)

    def local_mean(t):  # (N*C, 1, H, W) -> (N*C, 1, H - size + 1, W - size + 1)
        return F.conv2d(F.conv2d(t, kernel_h), kernel_w)

    a = x.double().reshape(n * c, 1, h, w)
    b = y.double().reshape(n * c, 1, h, w)
    mu_a, mu_b = local_mean(a), local_mean(b)
    var_a = cov_norm * (local_mean(a * a) - mu_a ** 2)
    var_b = cov_norm * (local_mean(b * b) - mu_b ** 2)
    cov = cov_norm * (local_mean(a * b) - mu_a * mu_b)
    c1, c2 = (K1 * data_range) ** 2, (K2 * data_range) ** 2
    s_map = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    return s_map.view(n, c, -1).mean(dim=(1, 2)).to(x.dtype)


def restoration_scores(restored: torch.Tensor, clean: torch.Tensor) -> dict[str, torch.Tensor]:
    """PSNR and SSIM per image for images in [-1, 1]: {'psnr': (N,), 'ssim': (N,)}."""
    a = ((restored.detach().float() + 1) / 2).clamp(0, 1).cpu()
    b = ((clean.detach().float() + 1) / 2).clamp(0, 1).cpu()
    return {"psnr": psnr(a, b), "ssim": ssim(a, b)}


def mean_psnr(values: torch.Tensor, cap: float = 100.0) -> float:
    """Mean of per-image PSNRs with each capped at ``cap`` dB, so one perfect image (+inf) cannot
    swamp the average (scikit-image returns inf for identical images)."""
    return float(values.double().clamp(max=cap).mean()) if values.numel() else math.nan


def score_restoration(restore_fn, clean: torch.Tensor, task: str, strength: float, seed: int = 0,
             hole: str = "rectangle") -> dict[str, torch.Tensor]:
    """Score a restoration method on ``clean`` (N, C, H, W) in [-1, 1] degraded once with ``seed``.

    ``restore_fn(degraded, mask) -> restored`` (e.g. ``lambda d, m: baseline('denoise', d, m)``).
    Every method given the same clean images, strength and seed sees exactly the same inputs.
    Returns per-image (N,) tensors: 'psnr', 'ssim' of the restoration, 'psnr_input', 'ssim_input'
    of the degraded input, all against ``clean`` on the [0, 1] scale.
    """
    degraded, mask = degrade(clean, task, strength, seed, hole)
    restored = restore_fn(degraded, mask)
    if restored.shape != clean.shape:
        raise ValueError(f"restore_fn returned {tuple(restored.shape)} for inputs of {tuple(clean.shape)}.")
    scores = restoration_scores(restored, clean)
    before = restoration_scores(degraded, clean)
    return {**scores, "psnr_input": before["psnr"], "ssim_input": before["ssim"]}
