"""Inception-v3 FID (the number papers quote), only from a local weights file: nothing downloads here.

torch-fidelity's ``inception-v3-compat`` expects uint8 RGB (N, 3, H, W) and resizes to 299x299 itself.
Get ``weights-inception-2015-12-05-6726825d.pth`` once on a machine with internet (URL below) and pass
its path. On a CPU this network is slow: torchvision's Inception-v3 (same architecture) took ~6 min per
1000 images at 299x299 here (1 thread, shared 2-core machine), so 10k + 10k images take hours; use a GPU
or a small n (the real side is cached). Inception FIDs are on another scale than the course extractor's
and are what papers report (e.g. Lucic et al. 2018 on Fashion-MNIST).
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch_fidelity.feature_extractor_inceptionv3 import URL_INCEPTION_V3
from torch_fidelity.metric_fid import KEY_METRIC_FID

from ..data import to_uint8
from .fidelity import calculate_metrics


def to_uint8_rgb(images: torch.Tensor) -> torch.Tensor:
    """(N, 1, H, W) float in [-1, 1] -> (N, 3, H, W) uint8 in [0, 255]."""
    return to_uint8(images).expand(-1, 3, -1, -1).contiguous()


def check_weights_path(path) -> Path:
    """The weights file as a Path, checked to hold only tensors; FileNotFoundError with the fix when it is
    absent, ValueError when it holds anything that unpickling would execute."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"Inception weights file {path} not found. Nothing is downloaded at run time: fetch "
            f"{URL_INCEPTION_V3} on a machine with internet, copy it here and pass its path as "
            "feature_extractor_weights_path, or leave that argument out to skip the Inception FID.")
    try:  # torch-fidelity itself unpickles the file with weights_only=False: refuse anything but tensors first
        torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise ValueError(f"{path} is not a plain weights file: torch.load(weights_only=True) refused it ({err}). "
                         "torch-fidelity would unpickle it with code execution, so it is not used; use the file "
                         f"from {URL_INCEPTION_V3}.") from None
    return path


def inception_fid(generated: torch.Tensor, real: torch.Tensor, weights_path, real_cache_name: str | None = None,
                  cache_root: str | Path | None = None, batch_size: int = 64) -> float:
    """Inception FID of generated vs real, both (N, 1, 28, 28) in [-1, 1].

    real_cache_name: name for torch-fidelity's disk cache of the real features (the weights' sha256 is
    appended by ``course_lib.metrics.fidelity.calculate_metrics``); None disables caching.
    """
    path = check_weights_path(weights_path)
    kwargs = {"cache": real_cache_name is not None, "batch_size": batch_size}
    if real_cache_name is not None:
        kwargs["input2_cache_name"] = real_cache_name
    if cache_root is not None:
        kwargs["cache_root"] = str(cache_root)
    result = calculate_metrics(to_uint8_rgb(generated), to_uint8_rgb(real), fid=True,
                               feature_extractor="inception-v3-compat",
                               feature_extractor_weights_path=str(path), **kwargs)
    return result[KEY_METRIC_FID]
