"""Features of the frozen extractor, and a real split's features and FID statistics cached in memory and on disk.

The cache key is the sha256 of the extractor's weights plus the split, so new weights never reuse old
features. Disk files carry a format marker (``course_lib.real_features``, version 1), are written atomically and
read with ``read_torch_file`` (``torch.load(weights_only=True)``); a file that is not what it should be (another
format, an older cache without the marker, the wrong counts) is recomputed, never trusted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import torch
from torch_fidelity.metric_fid import fid_features_to_statistics
from tqdm.auto import tqdm

from ..data import FashionMNIST, load_fashion_mnist, to_float
from ..runtime import resolve_device
from ..serialization import CheckpointError, atomic_save, cache_dir, check_format, read_torch_file
from .fidelity import EXTRACTOR_NAME, FEATURES, FashionFeatureExtractor
from .prc import knn_radii

FORMAT, VERSION = "course_lib.real_features", 1
KEYS = ("features", "logits", "labels", "mu", "sigma")


@dataclass(frozen=True)
class RealFeatures:
    """features (N, D) float32, logits (N, 10) float32, labels (N,) int64 of one real split, and the features'
    FID statistics: mu (D,) and sigma (D, D), float64, torch-fidelity's (computed here when not given)."""

    features: torch.Tensor
    logits: torch.Tensor
    labels: torch.Tensor
    mu: torch.Tensor | None = field(default=None, repr=False)
    sigma: torch.Tensor | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.mu is None or self.sigma is None:
            stats = fid_features_to_statistics(self.features.cpu())
            object.__setattr__(self, "mu", torch.from_numpy(stats["mu"]))
            object.__setattr__(self, "sigma", torch.from_numpy(stats["sigma"]))

    @property
    def statistics(self) -> dict:
        """{'mu', 'sigma'} as torch-fidelity's FID formula takes them (float64 arrays)."""
        return {"mu": self.mu.numpy(), "sigma": self.sigma.numpy()}


_MEMORY: dict[tuple[str, str], RealFeatures] = {}  # (weights sha256, split) -> features
_RADII: dict[tuple[str, int], torch.Tensor] = {}  # (weights sha256, k) -> k-NN radii of the test split


def make_extractor(weights_path=None, device: str | torch.device = "auto") -> FashionFeatureExtractor:
    """The extractor torch-fidelity would build, on ``device``: weights read (and checksummed) from the file now.
    ``extract`` feeds it on its device and returns the features on the CPU."""
    extractor = FashionFeatureExtractor(EXTRACTOR_NAME, list(FEATURES), feature_extractor_weights_path=weights_path)
    return extractor.requires_grad_(False).eval().to(resolve_device(device))


@lru_cache(maxsize=1)
def dataset() -> FashionMNIST:
    """Fashion-MNIST, loaded once per process."""
    return load_fashion_mnist()


def extract(images: torch.Tensor, extractor: FashionFeatureExtractor, batch_size: int = 500,
            progress: bool = True, desc: str = "features") -> tuple[torch.Tensor, torch.Tensor]:
    """images (N, 1, 28|32, 28|32) in [-1, 1] -> (features (N, D), logits (N, 10)), float32 on the CPU."""
    device = next(extractor.parameters()).device
    features, logits = [], []
    with torch.no_grad():
        for batch in tqdm(images.split(batch_size), desc=desc, disable=not progress, leave=False):
            f, lg = extractor(batch.to(device))
            features.append(f.float().cpu())
            logits.append(lg.float().cpu())
    return torch.cat(features), torch.cat(logits)


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/course_lib/features`` (``~/.cache/...`` when unset)."""
    return cache_dir("features")


def read_cache(path: Path, count: int) -> RealFeatures | None:
    """The cached features at ``path``, or None when missing or not what they should be."""
    try:
        saved = check_format(read_torch_file(path, "feature cache"), path, FORMAT, VERSION, KEYS, "feature cache",
                             "it is recomputed")
        f, lg, lb, mu, sigma = (saved[key] for key in KEYS)
    except (FileNotFoundError, CheckpointError):
        return None
    if not all(isinstance(t, torch.Tensor) for t in (f, lg, lb, mu, sigma)):
        return None
    d = f.shape[-1] if f.dim() == 2 else -1
    if not (d > 0 and f.shape[0] == count and lg.shape[0] == count and lb.shape == (count,) and mu.shape == (d,)
            and sigma.shape == (d, d) and torch.isfinite(f).all()):
        return None
    return RealFeatures(f, lg, lb, mu, sigma)


def write_cache(path: Path, real: RealFeatures) -> None:
    """Save atomically (write a temporary file, then rename), so readers never see half a file."""
    atomic_save({"format": FORMAT, "version": VERSION, "features": real.features, "logits": real.logits,
                 "labels": real.labels, "mu": real.mu, "sigma": real.sigma}, path)


def real_features(extractor: FashionFeatureExtractor, split: str = "test", batch_size: int = 500,
                  disk_cache: bool = True, cache_dir: str | Path | None = None,
                  progress: bool = True) -> RealFeatures:
    """Features of a whole real split, from memory, else disk, else computed (and then cached)."""
    key = (extractor.weights_sha256, split)
    if key in _MEMORY:
        return _MEMORY[key]
    images, labels = dataset().split(split)
    path = Path(cache_dir or default_cache_dir()) / f"fashion-mnist-{split}-{extractor.weights_sha256[:16]}.pt"
    real = read_cache(path, images.shape[0]) if disk_cache else None
    if real is None:
        features, logits = extract(to_float(images), extractor, batch_size, progress, desc=f"real {split}")
        real = RealFeatures(features, logits, labels.clone())
        if disk_cache:
            write_cache(path, real)
    _MEMORY[key] = real
    return real


def full_split_radii(extractor: FashionFeatureExtractor, real: RealFeatures, k: int) -> torch.Tensor:
    """k-NN radii (N,) of the whole real test split, computed once per process (precision needs them)."""
    key = (extractor.weights_sha256, k)
    if key not in _RADII:
        _RADII[key] = knn_radii(real.features, k)
    return _RADII[key]
