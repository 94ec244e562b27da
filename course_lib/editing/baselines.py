"""Classical image processing baselines (scikit-image) for the four editing tasks.

``baseline(task, degraded, mask) -> restored`` on (N, C, H, W) batches in [-1, 1], one image and
channel at a time on the [0, 1] scale. Methods per task (the first is the default):

- denoise: non-local means with the noise level from ``estimate_sigma`` (``nl_means``), total
  variation (``tv``, Chambolle) with a weight proportional to that estimate;
- inpaint: biharmonic interpolation into the hole (``biharmonic``); known pixels stay as they are;
- deblur: unsharp masking (``unsharp``);
- enhance: contrast stretch to the full range then gamma (``stretch_gamma``), adaptive histogram
  equalisation (``clahe``), global histogram equalisation (``equalize``).

``PARAMS`` were tuned with ``tune`` on 64 *training* images (never on the test images) at strength
0.5 of each task (noise sigma 0.2, blur sigma 1 px, exposure s = 0.5), seed 0. Tuned at one strength,
they are at their best there: ``stretch_gamma`` with gamma 0.65 nearly inverts the enhance curve at
s = 0.5 (47.5 dB on 1000 test images) but falls to 29.6 dB at s = 0.25 and 33.5 dB at s = 0.75.
``estimate_sigma`` needs PyWavelets.
"""

from __future__ import annotations

import itertools

import numpy as np
import torch
from skimage import exposure
from skimage.filters import unsharp_mask
from skimage.restoration import denoise_nl_means, denoise_tv_chambolle, estimate_sigma, inpaint_biharmonic

from .degrade import check_task, degrade
from .scores import mean_psnr, restoration_scores

BASELINES = {
    "denoise": ("nl_means", "tv"),
    "inpaint": ("biharmonic",),
    "deblur": ("unsharp",),
    "enhance": ("stretch_gamma", "clahe", "equalize"),
}
PARAMS = {  # tuned on train images, see the module docstring and tune()
    "nl_means": {"h_factor": 0.8, "patch_size": 5, "patch_distance": 7},
    "tv": {"weight_factor": 0.7},
    "biharmonic": {},
    "unsharp": {"radius": 1.0, "amount": 3.0},
    "stretch_gamma": {"gamma": 0.65},
    "clahe": {"kernel_size": 14, "clip_limit": 0.005},
    "equalize": {},
}


def nl_means(image, mask, h_factor, patch_size, patch_distance):
    """Non-local means; filter strength h = h_factor * the estimated noise sigma."""
    sigma = float(estimate_sigma(image))
    return denoise_nl_means(image, h=h_factor * sigma, sigma=sigma, patch_size=patch_size,
                            patch_distance=patch_distance, fast_mode=True)


def tv(image, mask, weight_factor):
    """Total-variation denoising (Chambolle); weight = weight_factor * the estimated noise sigma."""
    return denoise_tv_chambolle(image, weight=max(weight_factor * float(estimate_sigma(image)), 1e-6))


def biharmonic(image, mask):
    """Biharmonic inpainting of the pixels where ``mask`` is True."""
    return inpaint_biharmonic(image, mask)


def unsharp(image, mask, radius, amount):
    """Unsharp masking: image + amount * (image - gaussian(image, radius))."""
    return unsharp_mask(image, radius=radius, amount=amount)


def stretch_gamma(image, mask, gamma):
    """Stretch [min, max] to [0, 1], then brighten mid-tones with x ** gamma (gamma < 1)."""
    stretched = exposure.rescale_intensity(image, in_range=(image.min(), image.max()), out_range=(0.0, 1.0))
    return exposure.adjust_gamma(stretched, gamma)


def clahe(image, mask, kernel_size, clip_limit):
    """Contrast-limited adaptive histogram equalisation over kernel_size x kernel_size tiles."""
    return exposure.equalize_adapthist(image, kernel_size=kernel_size, clip_limit=clip_limit)


def equalize(image, mask):
    """Global histogram equalisation."""
    return exposure.equalize_hist(image)


FUNCTIONS = {"nl_means": nl_means, "tv": tv, "biharmonic": biharmonic, "unsharp": unsharp,
             "stretch_gamma": stretch_gamma, "clahe": clahe, "equalize": equalize}


def baseline(task: str, degraded: torch.Tensor, mask: torch.Tensor | None = None, method: str | None = None,
             **params) -> torch.Tensor:
    """Restore a batch classically: degraded (N, C, H, W) in [-1, 1], mask (N, 1, H, W) (1 = missing,
    inpaint only) -> restored (N, C, H, W) in [-1, 1] on degraded's device. ``params`` override PARAMS."""
    methods = BASELINES[check_task(task)]
    method = methods[0] if method is None else method
    if method not in methods:
        raise ValueError(f"unknown method {method!r} for {task}; valid: {', '.join(methods)}.")
    if degraded.dim() != 4:
        raise ValueError(f"degraded must be (N, C, H, W), got {tuple(degraded.shape)}.")
    if task == "inpaint" and (mask is None or mask.shape[0] != degraded.shape[0]
                              or mask.shape[2:] != degraded.shape[2:]):
        raise ValueError("inpaint needs the mask (N, 1, H, W) returned by degrade(clean, 'inpaint', ...).")
    unknown = set(params) - set(PARAMS[method])
    if unknown:
        raise ValueError(f"{method} takes {sorted(PARAMS[method]) or 'no parameters'}, got {sorted(unknown)}.")
    function, kwargs = FUNCTIONS[method], {**PARAMS[method], **params}
    images = ((degraded.detach().double().cpu() + 1) / 2).clamp(0, 1).numpy()
    holes = None if mask is None else mask.detach().cpu().numpy()[:, 0] > 0.5
    out = np.empty_like(images)
    for i, c in itertools.product(range(images.shape[0]), range(images.shape[1])):
        out[i, c] = function(images[i, c], None if holes is None else holes[i], **kwargs)
    restored = torch.from_numpy(np.clip(out, 0, 1) * 2 - 1).to(degraded.device, degraded.dtype)
    return restored


def tune(task: str, method: str, clean: torch.Tensor, strength: float, grid: dict[str, list],
         seed: int = 0) -> tuple[dict, list[tuple[dict, float]]]:
    """Grid search for the parameters with the best mean PSNR on ``clean`` (N, C, H, W) in [-1, 1]
    (training images!) degraded at ``strength``; returns (best params, [(params, mean PSNR), ...])."""
    degraded, mask = degrade(clean, task, strength, seed)
    table = []
    for values in itertools.product(*grid.values()):
        params = {**PARAMS[method], **dict(zip(grid, values))}
        restored = baseline(task, degraded, mask, method, **params)
        table.append((params, mean_psnr(restoration_scores(restored, clean)["psnr"])))
    return max(table, key=lambda row: row[1])[0], table
