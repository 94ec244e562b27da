"""DCGAN (Radford et al. 2016) sized for 28x28 and 32x32 grey images.

The generator projects z with a Linear layer to a (2*width, S/4, S/4) map and doubles the resolution
twice with stride-2 transposed convolutions; the discriminator mirrors it with stride-2 convolutions
and returns one logit per image (no sigmoid: losses take logits).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

NORMS = ("batch", "layer", "none")


@dataclass(frozen=True)
class DCGANConfig:
    """Sizes of one DCGAN. image_size: 28 or 32; width: channels of the widest-resolution layer.

    d_norm: normalisation in the discriminator: 'batch' (DCGAN), 'layer' (per-sample, what a
    gradient penalty needs, Gulrajani et al. 2017) or 'none'.
    """

    image_size: int = 28
    latent_dim: int = 64
    width: int = 64
    channels: int = 1
    d_norm: str = "batch"

    def __post_init__(self):
        if self.image_size not in (28, 32):
            raise ValueError(f"DCGAN image_size must be 28 or 32, got {self.image_size}.")
        for name in ("latent_dim", "width", "channels"):
            if getattr(self, name) < 1:
                raise ValueError(f"DCGAN {name} must be a positive integer, got {getattr(self, name)}.")
        if self.d_norm not in NORMS:
            raise ValueError(f"d_norm must be one of {NORMS}, got {self.d_norm!r}.")


def init_dcgan_weights(module: nn.Module) -> None:
    """DCGAN init, for ``model.apply``: conv/linear weights N(0, 0.02), norm scales N(1, 0.02), biases 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d, nn.GroupNorm)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def d_norm_layer(kind: str, channels: int) -> nn.Module:
    """The discriminator's normalisation for ``channels`` feature maps."""
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "layer":
        return nn.GroupNorm(1, channels)  # one group = layer norm over (C, H, W), per sample
    return nn.Identity()


class Generator(nn.Module):
    """z (N, latent_dim) ~ N(0, I) -> images (N, channels, S, S) in [-1, 1]."""

    def __init__(self, cfg: DCGANConfig):
        super().__init__()
        self.cfg, self.latent_dim = cfg, cfg.latent_dim
        w, s = cfg.width, cfg.image_size // 4
        self.project = nn.Sequential(  # z => 2w x S/4 x S/4 (7x7 or 8x8)
            nn.Linear(cfg.latent_dim, 2 * w * s * s, bias=False),
            nn.Unflatten(1, (2 * w, s, s)),
            nn.BatchNorm2d(2 * w),
            nn.ReLU(inplace=True),
        )
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(2 * w, w, 4, stride=2, padding=1, bias=False),  # 7x7 => 14x14 (8x8 => 16x16)
            nn.BatchNorm2d(w),
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(w, cfg.channels, 4, stride=2, padding=1),  # 14x14 => 28x28 (16x16 => 32x32)
            nn.Tanh(),  # pixels in [-1, 1], like the data
        )
        self.apply(init_dcgan_weights)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """z: (N, latent_dim) -> (N, channels, S, S) in [-1, 1]."""
        return self.upsample(self.project(z))


class Discriminator(nn.Module):
    """images (N, channels, S, S) in [-1, 1] -> logits (N,) (positive = "real")."""

    def __init__(self, cfg: DCGANConfig):
        super().__init__()
        self.cfg = cfg
        w, s = cfg.width, cfg.image_size // 4
        self.features = nn.Sequential(
            nn.Conv2d(cfg.channels, w, 4, stride=2, padding=1),  # 28x28 => 14x14 (32x32 => 16x16)
            nn.LeakyReLU(0.2, inplace=True),  # no norm on the first layer (DCGAN)
            nn.Conv2d(w, 2 * w, 4, stride=2, padding=1, bias=cfg.d_norm == "none"),  # 14x14 => 7x7
            d_norm_layer(cfg.d_norm, 2 * w),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Flatten(),  # 2w x 7 x 7 => 49*2w (8x8: 64*2w)
        )
        self.classify = nn.Linear(2 * w * s * s, 1)  # one logit per image
        self.apply(init_dcgan_weights)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, channels, S, S) -> logits (N,)."""
        return self.classify(self.features(x)).squeeze(1)


def build_dcgan(cfg: DCGANConfig) -> tuple[Generator, Discriminator]:
    """A freshly initialised (generator, discriminator) pair; seed torch first for a repeatable init."""
    return Generator(cfg), Discriminator(cfg)
