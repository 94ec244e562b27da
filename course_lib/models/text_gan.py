"""A text-conditioned DCGAN: the condition is a sentence embedding e (N, E), not a category index.

Generator: lesson 03's conditional batch norm with the lookup tables replaced by linear maps of e
(gain(e) = 1 + A e, bias(e) = B e per channel), so the description enters at every resolution; z and a
projection of e start the 7x7 map. 28 px: (z, e) => 7x7x2w => 14x14xw => 28x28x3.
Discriminator: a projection discriminator on the embedding (Miyato & Koyama 2018),
D(x, e) = psi(phi(x)) + <V e, phi(x)>, with spectral norm on every weight (no batch norm, so the real,
mismatched and generated pairs of the matching-aware loss are scored independently).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from .cgan import ModulatedBatchNorm2d, init_weights
from .checks import require_positive
from .dcgan import down_layers, init_dcgan_weights, levels


@dataclass(frozen=True)
class TextGANConfig:
    """Sizes of one text-conditioned GAN (28 px). embed_dim: the text encoder's output size."""

    embed_dim: int = 64
    latent_dim: int = 64
    width: int = 48
    channels: int = 3
    image_size: int = 28

    def __post_init__(self):
        require_positive(self, ("embed_dim", "latent_dim", "width", "channels"), "TextGANConfig")
        levels(self.image_size)  # ValueError for sizes the DCGAN blocks do not reach


class TextBatchNorm2d(ModulatedBatchNorm2d):
    """Modulated by a text embedding e (N, E): x_hat * (1 + A e) + B e per sample and channel."""

    def __init__(self, channels: int, embed_dim: int):
        gain, bias = (nn.Linear(embed_dim, channels, bias=False) for _ in range(2))
        super().__init__(channels, gain, bias)


class TextGenerator(nn.Module):
    """(z (N, latent_dim) ~ N(0, I), e (N, embed_dim)) -> images (N, channels, S, S) in [-1, 1]."""

    def __init__(self, cfg: TextGANConfig):
        super().__init__()
        self.cfg, self.latent_dim, self.embed_dim = cfg, cfg.latent_dim, cfg.embed_dim
        s0, self.num_levels = levels(cfg.image_size)
        top = cfg.width * 2 ** (self.num_levels - 1)
        self.project = nn.Sequential(  # [z | e] => top x s0 x s0
            nn.Linear(cfg.latent_dim + cfg.embed_dim, top * s0 * s0, bias=False), nn.Unflatten(1, (top, s0, s0)))
        self.norm0 = TextBatchNorm2d(top, cfg.embed_dim)
        for i in range(1, self.num_levels):  # s => 2s, channels halved
            c = top // 2 ** (i - 1)
            self.add_module(f"up{i}", nn.ConvTranspose2d(c, c // 2, 4, stride=2, padding=1, bias=False))
            self.add_module(f"norm{i}", TextBatchNorm2d(c // 2, cfg.embed_dim))
        self.add_module(f"up{self.num_levels}", nn.ConvTranspose2d(cfg.width, cfg.channels, 4, stride=2, padding=1))
        self.apply(init_weights)  # DCGAN init; the norms' gain and bias come from e

    def forward(self, z: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        """z: (N, latent_dim), e: (N, embed_dim) -> (N, channels, S, S)."""
        h = torch.relu(self.norm0(self.project(torch.cat([z, e], dim=1)), e))
        for i in range(1, self.num_levels):
            h = torch.relu(getattr(self, f"norm{i}")(getattr(self, f"up{i}")(h), e))
        return torch.tanh(getattr(self, f"up{self.num_levels}")(h))


class TextDiscriminator(nn.Module):
    """(images (N, channels, S, S) in [-1, 1], e (N, embed_dim)) -> logits (N,) (positive = "real and matching")."""

    def __init__(self, cfg: TextGANConfig):
        super().__init__()
        self.cfg = cfg
        s0, num_levels = levels(cfg.image_size)
        self.feature_dim = cfg.width * 2 ** (num_levels - 1) * s0 * s0
        self.features = nn.Sequential(*down_layers(cfg.channels, cfg.width, num_levels, lambda c: nn.Identity(),
                                                   bias=True))
        self.psi = nn.Linear(self.feature_dim, 1)
        self.embed = nn.Linear(cfg.embed_dim, self.feature_dim, bias=False)  # V
        self.apply(init_dcgan_weights)
        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                spectral_norm(module)

    def forward(self, x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        """x: (N, channels, S, S), e: (N, embed_dim) -> psi(phi(x)) + <V e, phi(x)>, (N,)."""
        phi = self.features(x)  # (N, feature_dim)
        return self.psi(phi).squeeze(1) + (self.embed(e) * phi).sum(dim=1)


def build_text_gan(cfg: TextGANConfig) -> tuple[TextGenerator, TextDiscriminator]:
    """A freshly initialised (generator, discriminator) pair; seed torch first for a repeatable init."""
    return TextGenerator(cfg), TextDiscriminator(cfg)
