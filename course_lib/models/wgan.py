"""WGAN-GP (Gulrajani et al. 2017) sized for 28x28 and 32x32 grey images: the DCGAN generator and a critic.

The critic mirrors the DCGAN discriminator but returns an unbounded score, not a logit for a sigmoid, and
has **no batch norm**: the gradient penalty constrains the gradient of the critic for each input on its
own, and batch norm makes one image's score depend on the rest of the batch. ``norm='layer'`` normalises
each sample on its own (what Gulrajani et al. recommend); ``'none'`` uses no normalisation at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .dcgan import DCGANConfig, Generator, down_layers, levels

CRITIC_NORMS = ("layer", "none")


@dataclass(frozen=True)
class WGANConfig:
    """Sizes of one WGAN-GP. image_size: 28, 32, 64 or 128; width: channels of the widest-resolution layer;
    norm: the critic's normalisation, 'layer' (per sample) or 'none' (never batch norm)."""

    image_size: int = 28
    latent_dim: int = 64
    width: int = 64
    channels: int = 1
    norm: str = "layer"

    def __post_init__(self):
        if self.norm not in CRITIC_NORMS:
            raise ValueError(f"critic norm must be one of {CRITIC_NORMS} (batch norm breaks the per-sample "
                             f"gradient penalty), got {self.norm!r}.")
        self.generator_config()  # validates image_size, latent_dim, width, channels

    def generator_config(self) -> DCGANConfig:
        """The DCGAN config of the generator (the same architecture as lesson 02's)."""
        return DCGANConfig(image_size=self.image_size, latent_dim=self.latent_dim, width=self.width,
                           channels=self.channels)


class Critic(nn.Module):
    """images (N, channels, S, S) in [-1, 1] -> scores (N,), unbounded (higher = "more real")."""

    def __init__(self, cfg: WGANConfig):
        super().__init__()
        self.cfg = cfg
        s0, num_levels = levels(cfg.image_size)
        # GroupNorm(1, C): layer norm over (C, H, W) of each sample; 28 px: 28 => 14 (w) => 7 (2w), flattened
        norm = (lambda c: nn.GroupNorm(1, c)) if cfg.norm == "layer" else (lambda c: nn.Identity())
        self.features = nn.Sequential(*down_layers(cfg.channels, cfg.width, num_levels, norm, bias=True,
                                                   inplace=False))
        self.score = nn.Linear(cfg.width * 2 ** (num_levels - 1) * s0 * s0, 1)  # one score per image, no sigmoid

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, channels, S, S) -> scores (N,)."""
        return self.score(self.features(x)).squeeze(1)


def build_wgan(cfg: WGANConfig) -> tuple[Generator, Critic]:
    """A freshly initialised (generator, critic); seed torch first for a repeatable init.

    The generator uses the DCGAN init; the critic keeps PyTorch's default (He-style) init, as in
    Gulrajani et al.'s code.
    """
    return Generator(cfg.generator_config()), Critic(cfg)
