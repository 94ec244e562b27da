"""FID and KID of a generator of photos (``train --data``) against the user's own folder, in torch-fidelity's
Inception-v3 features: the scale papers use, and the only judge here for colour or 64/128-px images (the
course classifier knows 28x28 grey catalog thumbnails only).

The weights are never fetched behind the user's back. ``resolve_weights``: a local file given by path; else
the copy torch-fidelity keeps in torch's hub cache after an earlier download; else, only when asked with
``"download"``, torch-fidelity fetches it (internet needed). Without any of these, a FileNotFoundError says how
to get one, and that no other metric is computed instead (no silent change of scale).
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch_fidelity.feature_extractor_inceptionv3 import URL_INCEPTION_V3
from torch_fidelity.metric_fid import KEY_METRIC_FID
from torch_fidelity.metric_kid import KEY_METRIC_KID_MEAN, KEY_METRIC_KID_STD

from .fidelity import calculate_metrics
from .inception import check_weights_path, to_uint8_rgb

WEIGHTS_NAME = URL_INCEPTION_V3.rsplit("/", 1)[-1]


def hub_copy() -> Path | None:
    """torch-fidelity's earlier download of the weights in torch's hub cache, or None."""
    path = Path(torch.hub.get_dir()) / "checkpoints" / WEIGHTS_NAME
    return path if path.is_file() else None


def resolve_weights(weights: str | None) -> str | None:
    """The weights file to use (None: let torch-fidelity download it, only for ``weights == "download"``)."""
    if weights == "download":
        return None
    if weights is not None:
        return str(check_weights_path(weights))
    found = hub_copy()
    if found is None:
        raise FileNotFoundError(
            "FID/KID of photos use torch-fidelity's Inception-v3 and no weights file was found (looked in "
            f"{Path(torch.hub.get_dir()) / 'checkpoints'}). With internet, add `--inception-weights download` "
            f"once (torch-fidelity fetches {URL_INCEPTION_V3} into that cache); offline, copy that file here from "
            "a machine with internet and pass `--inception-weights FILE`. No other metric is computed instead: "
            "the course classifier judges only 28x28 grey thumbnails.")
    return str(check_weights_path(found))


def folder_rgb(images: torch.Tensor) -> torch.Tensor:
    """A folder's uint8 images (N, S, S) grey or (N, S, S, 3) colour -> (N, 3, S, S) uint8, as Inception wants."""
    x = images.permute(0, 3, 1, 2) if images.dim() == 4 else images.unsqueeze(1)
    return x.expand(-1, 3, -1, -1).contiguous()


def photo_metrics(fake: torch.Tensor, real: torch.Tensor, weights: str | None, batch_size: int = 64) -> dict:
    """Inception FID and KID of ``fake`` (N, C, S, S) in [-1, 1] against a folder's uint8 images ``real``.

    Returns {'fid_inception', 'kid_inception_mean', 'kid_inception_std'}. KID's subset size adapts to the
    smaller set (at most 1000).
    """
    kwargs = {} if weights is None else {"feature_extractor_weights_path": weights}
    result = calculate_metrics(to_uint8_rgb(fake), folder_rgb(real), fid=True, kid=True, batch_size=batch_size,
                               feature_extractor="inception-v3-compat", **kwargs)
    return {"fid_inception": float(result[KEY_METRIC_FID]), "kid_inception_mean": float(result[KEY_METRIC_KID_MEAN]),
            "kid_inception_std": float(result[KEY_METRIC_KID_STD])}
