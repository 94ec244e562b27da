"""The one check every metric input goes through: float (N, 1, 28|32, 28|32) in [-1, 1], 32 px cropped to 28."""

from __future__ import annotations

import torch


def prepare_images(images: torch.Tensor, name: str = "images", tolerance: float = 1e-3) -> torch.Tensor:
    """Check images and center-crop 32x32 to 28x28: (N, 1, 28|32, 28|32) float in [-1, 1] -> (N, 1, 28, 28).

    Raises ValueError naming the problem (dtype, shape, NaN, range) and the fix.
    """
    if not isinstance(images, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor (N, 1, 28, 28) in [-1, 1], got {type(images).__name__}.")
    if not images.is_floating_point():
        raise ValueError(f"{name} has dtype {images.dtype}; expected float in [-1, 1]. For uint8 images in "
                         "[0, 255] use course_lib.data.to_float(images) (or images.float() / 127.5 - 1).")
    if images.dim() != 4 or images.shape[1] != 1 or tuple(images.shape[2:]) not in ((28, 28), (32, 32)):
        raise ValueError(f"{name} has shape {tuple(images.shape)}; expected (N, 1, 28, 28) or (N, 1, 32, 32) "
                         "(one grey channel; add it with images.unsqueeze(1), keep RGB out of it).")
    if images.shape[0] == 0:
        raise ValueError(f"{name} is empty (0 images).")
    if not torch.isfinite(images).all():
        raise ValueError(f"{name} contains NaN or inf: the generator diverged or a division went wrong.")
    low, high = images.min().item(), images.max().item()
    if low < -1 - tolerance or high > 1 + tolerance:
        scale = " They look like [0, 255]: divide by 127.5 and subtract 1." if high > 2 else ""
        raise ValueError(f"{name} values lie in [{low:.4g}, {high:.4g}]; expected [-1, 1] (tanh output, or "
                         f"course_lib.data.to_float).{scale}")
    if images.shape[-1] == 32:
        images = images[..., 2:30, 2:30]  # undo the 2-px padding of to_float(..., image_size=32)
    return images.float()
