"""The velocity network of lesson 10's flow-matching model: lesson 05's U-Net told the time and the text.

``VelocityNet(x_t, t, e)`` predicts the velocity of the straight path from noise to image at time t for the
caption embedding e (lesson 07's text encoder). The time goes in as sinusoidal features (as in the Transformer
and DDPM) through a small MLP; the text through one linear layer; their sum scales and shifts every block of the
U-Net (``UNetConfig.embed_dim``, FiLM). For classifier-free guidance (Ho & Salimans 2022) the network also holds
one learned "no caption" embedding, ``null``: where ``drop`` is True, e is replaced by it. The loss and the
sampler are ``course_lib.text2img.flow``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from .checks import require_positive
from .unet import UNet, UNetConfig


@dataclass(frozen=True)
class FlowConfig:
    """text_dim: the caption embedding's size; width, depth, groups: the U-Net's; time_dim: the conditioning
    vector's size; channels and image_size: the images'."""

    text_dim: int = 64
    width: int = 16
    depth: int = 2
    groups: int = 8
    time_dim: int = 64
    channels: int = 3
    image_size: int = 28

    def __post_init__(self):
        require_positive(self, ("text_dim", "time_dim", "channels", "image_size"), "FlowConfig")
        if self.time_dim % 2:
            raise ValueError(f"FlowConfig.time_dim must be even (sine and cosine pairs), got {self.time_dim}.")
        self.unet_config()  # the U-Net's own checks (width, depth, groups)

    def unet_config(self) -> UNetConfig:
        return UNetConfig(in_channels=self.channels, cond_channels=0, width=self.width, depth=self.depth,
                          groups=self.groups, embed_dim=self.time_dim, linear_output=True)


def time_features(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal features (N, dim) of times t (N,) in [0, 1]: sin and cos of 1000 t at dim/2 frequencies from 1
    to 1/10000 (Vaswani et al. 2017; the 1000 as in DDPM's step index)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10_000) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    angles = 1000 * t.float()[:, None] * freqs[None]  # (N, half)
    return torch.cat([angles.sin(), angles.cos()], dim=1)


class VelocityNet(nn.Module):
    """(x_t (N, C, H, W), t (N,), e (N, text_dim) or None, drop (N,) bool or None) -> velocity (N, C, H, W)."""

    def __init__(self, cfg: FlowConfig = FlowConfig()):
        super().__init__()
        self.cfg = cfg
        self.unet = UNet(cfg.unet_config())
        self.time = nn.Sequential(nn.Linear(cfg.time_dim, cfg.time_dim), nn.SiLU(),
                                  nn.Linear(cfg.time_dim, cfg.time_dim))
        self.text = nn.Linear(cfg.text_dim, cfg.time_dim)
        self.null = nn.Parameter(torch.zeros(cfg.text_dim))  # the "no caption" embedding

    @property
    def latent_shape(self) -> tuple[int, int, int]:
        """The shape of one noise image (C, H, W): the flow starts from it."""
        return self.cfg.channels, self.cfg.image_size, self.cfg.image_size

    def forward(self, x: torch.Tensor, t: torch.Tensor, e: torch.Tensor | None,
                drop: torch.Tensor | None = None) -> torch.Tensor:
        """The velocity at (x, t) for captions e; e None (or drop True for an image) means no caption."""
        if t.shape != (len(x),):
            raise ValueError(f"t must hold one time per image, shape ({len(x)},), got {tuple(t.shape)}.")
        null = self.null.expand(len(x), -1)
        if e is None:
            e = null
        elif drop is not None:
            e = torch.where(drop[:, None], null.to(e.dtype), e)
        emb = self.time(time_features(t, self.cfg.time_dim).to(x.dtype)) + self.text(e.to(x.dtype))  # (N, time_dim)
        return self.unet(x, emb=emb)
