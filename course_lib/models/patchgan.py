"""The conditional PatchGAN discriminator of pix2pix (Isola et al. 2017), sized for 28-32 px images.

It sees the degraded input and a candidate restoration side by side (concatenated channels) and
returns one logit per overlapping patch, a map (N, 1, h, w): "is this patch a plausible clean version
of that degraded patch?". Judging patches instead of the whole image pushes the generator towards
sharp local texture, while the L1 term takes care of the low frequencies.

Layers follow pix2pix's ``n_layers`` PatchGAN (4x4 convolutions, padding 1, LeakyReLU 0.2, BatchNorm
except on the first layer): ``num_downsamples`` stride-2 convolutions, then a stride-1 convolution
and a stride-1 convolution to one channel. pix2pix uses 3 downsamplings on 256 px (a 70x70 patch);
at 28 px one downsampling gives 16x16 patches, a similar fraction of the picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class PatchGANConfig:
    """PatchGAN size.

    in_channels: image channels (the degraded input and the candidate each have this many).
    cond_channels: extra maps next to them (e.g. the inpainting mask); 0 for none.
    width: channels of the first layer, doubled by each later layer up to 8 * width.
    num_downsamples: stride-2 layers; sets the patch size (see ``receptive_field``).
    """

    in_channels: int = 1
    cond_channels: int = 1
    width: int = 64
    num_downsamples: int = 1

    def __post_init__(self):
        if self.in_channels < 1 or self.cond_channels < 0 or self.width < 1 or self.num_downsamples < 1:
            raise ValueError(f"PatchGANConfig needs in_channels >= 1, cond_channels >= 0, width >= 1 and "
                             f"num_downsamples >= 1, got {self}.")


def receptive_field(cfg: PatchGANConfig) -> int:
    """Side in pixels of the input patch that one output logit sees."""
    side = 4 + 3  # the two stride-1 4x4 layers at the end
    for _ in range(cfg.num_downsamples):
        side = (side - 1) * 2 + 4
    return side


def output_size(size: int, cfg: PatchGANConfig) -> int:
    """Side of the logit map for an input of side ``size`` (each 4x4 layer with padding 1)."""
    for _ in range(cfg.num_downsamples):
        size = (size + 2 - 4) // 2 + 1  # stride 2: 28 -> 14
    return size - 2  # two stride-1 layers: -1 each


class PatchGAN(nn.Module):
    """(degraded, image[, cond]) -> patch logits (N, 1, h, w); no sigmoid (losses take logits)."""

    def __init__(self, cfg: PatchGANConfig = PatchGANConfig()):
        super().__init__()
        self.cfg = cfg
        c_in = 2 * cfg.in_channels + cfg.cond_channels
        layers, c = [], cfg.width
        # first layer: no normalisation (as in pix2pix); (N, c_in, S, S) -> (N, w, S/2, S/2)
        layers += [nn.Conv2d(c_in, c, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]
        for _ in range(cfg.num_downsamples - 1):  # (N, c, s, s) -> (N, 2c, s/2, s/2)
            c_next = min(2 * c, 8 * cfg.width)
            layers += [nn.Conv2d(c, c_next, 4, stride=2, padding=1, bias=False),
                       nn.BatchNorm2d(c_next), nn.LeakyReLU(0.2)]
            c = c_next
        c_next = min(2 * c, 8 * cfg.width)  # stride 1: (N, c, s, s) -> (N, 2c, s-1, s-1)
        layers += [nn.Conv2d(c, c_next, 4, stride=1, padding=1, bias=False),
                   nn.BatchNorm2d(c_next), nn.LeakyReLU(0.2)]
        layers += [nn.Conv2d(c_next, 1, 4, stride=1, padding=1)]  # (N, 2c, s-1, s-1) -> (N, 1, s-2, s-2)
        self.net = nn.Sequential(*layers)

    def forward(self, degraded: torch.Tensor, image: torch.Tensor,
                cond: torch.Tensor | None = None) -> torch.Tensor:
        """degraded, image: (N, C, H, W) in [-1, 1]; cond: (N, cond_channels, H, W) -> logits (N, 1, h, w)."""
        cfg = self.cfg
        if degraded.shape != image.shape or image.dim() != 4 or image.shape[1] != cfg.in_channels:
            raise ValueError(f"degraded and image must both be (N, {cfg.in_channels}, H, W), got "
                             f"{tuple(degraded.shape)} and {tuple(image.shape)}.")
        parts = [degraded, image]
        if cfg.cond_channels:
            if cond is None or cond.shape[1] != cfg.cond_channels or cond.shape[2:] != image.shape[2:]:
                got = None if cond is None else tuple(cond.shape)
                raise ValueError(f"this PatchGAN expects cond of shape (N, {cfg.cond_channels}, "
                                 f"{image.shape[2]}, {image.shape[3]}), got {got}.")
            parts.append(cond.to(image.dtype))
        return self.net(torch.cat(parts, dim=1))  # (N, 2C+K, H, W) -> (N, 1, h, w)
