"""A small Fashion-MNIST classifier: the frozen feature extractor behind FID, KID, IS and precision/recall.

The shipped weights (``course_lib/assets/fashion_classifier.pt``, a plain state_dict of the default
``ClassifierConfig``) come from ``data_scripts/train_feature_extractor.py``; their sha256 is checked on
every load, so a damaged or swapped file fails loudly instead of silently changing every metric.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from ..serialization import file_sha256

WEIGHTS_PATH = Path(__file__).resolve().parents[1] / "assets" / "fashion_classifier.pt"
WEIGHTS_SHA256 = "0ca7ee0f687058861ee46c459c7211fcf308001832942520dffb900a5dc82746"
WEIGHTS_FIX = ("Fixes: reinstall the package (`pip install -e .` from the repository, or restore the file "
               "with git), or re-create it with `python data_scripts/train_feature_extractor.py` (the exact "
               "command is in docs/models.md; a different torch version or thread count gives different "
               "bits, so then also update WEIGHTS_SHA256 in course_lib/models/classifier.py).")


@dataclass(frozen=True)
class ClassifierConfig:
    """Sizes of the classifier; the shipped weights use the defaults."""

    width: int = 32          # channels of the first conv block, doubled by the second
    feature_dim: int = 128   # penultimate features: what FID, KID and precision/recall compare
    body_dropout: float = 0.25  # on the flattened conv maps
    dropout: float = 0.3        # on the features, before the last layer
    num_classes: int = 10


def conv_block(c_in: int, c_out: int, kernel_size: int, stride: int) -> nn.Sequential:
    """Conv (no bias: BN follows) -> BatchNorm -> ReLU."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size, stride=stride, padding=kernel_size // 2, bias=False),
        nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


class FashionClassifier(nn.Module):
    """Three conv blocks and a two-layer head; strided convs instead of max-pooling.

    Strided convs, not conv + max-pool, because on a laptop CPU a 1-channel 3x3 conv and a max-pool at
    28x28 cost ~7x more than one 5x5 stride-2 conv (measured; see docs/models.md): feature extraction
    speed is what makes a 10k-image evaluation take seconds.
    """

    def __init__(self, cfg: ClassifierConfig = ClassifierConfig()):
        super().__init__()
        self.cfg = cfg
        w = cfg.width
        self.body = nn.Sequential(
            conv_block(1, w, 5, stride=2),           # 28x28 => 14x14
            conv_block(w, 2 * w, 3, stride=2),       # 14x14 => 7x7
            conv_block(2 * w, 2 * w, 3, stride=1),   # 7x7 => 7x7
            nn.Flatten(),
            nn.Dropout(cfg.body_dropout),
            nn.Linear(2 * w * 7 * 7, cfg.feature_dim, bias=False),
            nn.BatchNorm1d(cfg.feature_dim), nn.ReLU(inplace=True))
        self.head = nn.Sequential(nn.Dropout(cfg.dropout), nn.Linear(cfg.feature_dim, cfg.num_classes))

    def forward_features(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x: (N, 1, 28, 28) in [-1, 1] -> (features (N, feature_dim) >= 0, logits (N, num_classes))."""
        features = self.body(x)
        return features, self.head(features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, 1, 28, 28) in [-1, 1] -> logits (N, num_classes)."""
        return self.forward_features(x)[1]


class WeightsChecksumError(ValueError):
    """A weights file does not have the sha256 it must have."""


def load_classifier(path: str | Path | None = None, expected_sha256: str | None = WEIGHTS_SHA256,
                    cfg: ClassifierConfig = ClassifierConfig(), device: str | torch.device = "cpu"
                    ) -> FashionClassifier:
    """The classifier with weights read from ``path`` (the shipped file by default), frozen, in eval mode.

    expected_sha256: checked before loading (None skips the check, for weights you trained yourself).
    Raises FileNotFoundError or WeightsChecksumError with the fix.
    """
    path = Path(WEIGHTS_PATH if path is None else path)
    if not path.is_file():
        raise FileNotFoundError(f"Classifier weights {path} not found. {WEIGHTS_FIX}")
    if expected_sha256 is not None:
        got = file_sha256(path)
        if got != expected_sha256:
            raise WeightsChecksumError(
                f"Classifier weights {path} are damaged or not the shipped ones: sha256 expected "
                f"{expected_sha256}, got {got}. {WEIGHTS_FIX}")
    model = FashionClassifier(cfg)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.requires_grad_(False).eval().to(device)
