"""DCGAN (Radford et al. 2016) for 28x28 catalog images and 32/64/128-px photos, grey or colour.

The generator projects z with a Linear layer to a (width * 2^(L-1), s0, s0) map, s0 = 7 for 28 px and 4
otherwise, and doubles the resolution L times with stride-2 transposed convolutions, halving the channels
each time: one block per doubling, as the paper's 64-px network (4x4x1024 -> 8x8x512 -> ... -> 64x64x3 with
width 128). The discriminator mirrors it with stride-2 convolutions and returns one logit per image (no
sigmoid: losses take logits). At 28 px (L = 2) the layers, and so the shipped checkpoints, are those of the
compact catalog model: 7x7x2w -> 14x14xw -> 28x28.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .checks import require_positive

NORMS = ("batch", "layer", "none")
IMAGE_SIZES = (28, 32, 64, 128)


def levels(image_size: int) -> tuple[int, int]:
    """(s0, L): the side of the first feature map and the number of doublings to ``image_size``.

    28 -> (7, 2); 32 -> (4, 3); 64 -> (4, 4); 128 -> (4, 5). ValueError for other sizes.
    """
    if image_size not in IMAGE_SIZES:
        raise ValueError(f"image_size must be one of {IMAGE_SIZES}, got {image_size}.")
    s0 = 7 if image_size == 28 else 4
    return s0, (image_size // s0).bit_length() - 1


def up_layers(width: int, num_levels: int, channels: int) -> list[nn.Module]:
    """The generator's doublings after the projection: (width * 2^(L-1), s0, s0) -> (channels, S, S) in [-1, 1]."""
    layers: list[nn.Module] = []
    for i in range(num_levels - 1):  # each block: s => 2s, channels halved
        c = width * 2 ** (num_levels - 1 - i)
        layers += [nn.ConvTranspose2d(c, c // 2, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(c // 2),
                   nn.ReLU(inplace=True)]
    return layers + [nn.ConvTranspose2d(width, channels, 4, stride=2, padding=1), nn.Tanh()]  # last: s => S


def down_layers(channels: int, width: int, num_levels: int, norm, bias: bool, inplace: bool = True) -> list[nn.Module]:
    """The discriminator's halvings: (channels, S, S) -> (width * 2^(L-1), s0, s0), flattened.

    norm(c): the normalisation after every convolution but the first (none there, as in DCGAN).
    """
    layers: list[nn.Module] = [nn.Conv2d(channels, width, 4, stride=2, padding=1),  # S => S/2
                               nn.LeakyReLU(0.2, inplace=inplace)]
    for i in range(num_levels - 1):  # each block: s => s/2, channels doubled
        c = width * 2 ** i
        layers += [nn.Conv2d(c, 2 * c, 4, stride=2, padding=1, bias=bias), norm(2 * c),
                   nn.LeakyReLU(0.2, inplace=inplace)]
    return layers + [nn.Flatten()]


@dataclass(frozen=True)
class DCGANConfig:
    """Sizes of one DCGAN. image_size: 28, 32, 64 or 128; width: channels of the widest-resolution layer.

    d_norm: normalisation in the discriminator: 'batch' (DCGAN), 'layer' (per-sample, what a
    gradient penalty needs, Gulrajani et al. 2017) or 'none'.
    """

    image_size: int = 28
    latent_dim: int = 64
    width: int = 64
    channels: int = 1
    d_norm: str = "batch"

    def __post_init__(self):
        if self.image_size not in IMAGE_SIZES:
            raise ValueError(f"DCGAN image_size must be one of {IMAGE_SIZES}, got {self.image_size}.")
        require_positive(self, ("latent_dim", "width", "channels"), "DCGAN")
        if self.d_norm not in NORMS:
            raise ValueError(f"d_norm must be one of {NORMS}, got {self.d_norm!r}.")


def init_dcgan_weights(module: nn.Module) -> None:
    """DCGAN init, for ``model.apply``: conv/linear weights N(0, 0.02²), norm scales N(1, 0.02²) (standard
    deviation 0.02), biases 0."""
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
        s0, num_levels = levels(cfg.image_size)
        top = cfg.width * 2 ** (num_levels - 1)  # 2w at 28 px
        self.project = nn.Sequential(  # z => top x s0 x s0 (28 px: 2w x 7 x 7)
            nn.Linear(cfg.latent_dim, top * s0 * s0, bias=False),
            nn.Unflatten(1, (top, s0, s0)),
            nn.BatchNorm2d(top),
            nn.ReLU(inplace=True),
        )
        # 28 px: 7x7 => 14x14 (w channels) => 28x28; tanh: pixels in [-1, 1], like the data
        self.upsample = nn.Sequential(*up_layers(cfg.width, num_levels, cfg.channels))
        self.apply(init_dcgan_weights)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """z: (N, latent_dim) -> (N, channels, S, S) in [-1, 1]."""
        return self.upsample(self.project(z))


class Discriminator(nn.Module):
    """images (N, channels, S, S) in [-1, 1] -> logits (N,) (positive = "real")."""

    def __init__(self, cfg: DCGANConfig):
        super().__init__()
        self.cfg = cfg
        s0, num_levels = levels(cfg.image_size)
        # 28 px: 28x28 => 14x14 (w) => 7x7 (2w), flattened to 49*2w; no norm on the first layer (DCGAN)
        self.features = nn.Sequential(*down_layers(cfg.channels, cfg.width, num_levels,
                                                   lambda c: d_norm_layer(cfg.d_norm, c), bias=cfg.d_norm == "none"))
        self.classify = nn.Linear(cfg.width * 2 ** (num_levels - 1) * s0 * s0, 1)  # one logit per image
        self.apply(init_dcgan_weights)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, channels, S, S) -> logits (N,)."""
        return self.classify(self.features(x)).squeeze(1)


def build_dcgan(cfg: DCGANConfig) -> tuple[Generator, Discriminator]:
    """A freshly initialised (generator, discriminator) pair; seed torch first for a repeatable init."""
    return Generator(cfg), Discriminator(cfg)
