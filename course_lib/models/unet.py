"""A small U-Net for image-to-image editing (denoise, inpaint, deblur, enhance) of product photos.

Encoder and decoder joined by skip connections (Ronneberger et al. 2015), as in pix2pix's generator
(Isola et al. 2017). Any input size works: the input is padded up to a multiple of ``2**depth``
(edge pixels repeated) and the output is cropped back, so 28x28, 32x32, 27x27 or 30x30 go in and
come out unchanged in size.

Output in [-1, 1] through a tanh: ``out = tanh(r)``. With ``residual=True`` the network predicts a
correction to the input *in tanh's pre-activation space* instead: ``out = tanh(atanh(x) + r)``,
with the last layer starting at zero, so an untrained model is the identity (to ``IDENTITY_EPS`` at
pixels of exactly +-1) and the output stays in [-1, 1] without a gradient-stopping clamp. The idea
(DnCNN, Zhang et al. 2017): when most of the output is the input, learn only the change.

Measured (width 16, 1000 steps of batch 64, L1, Adam 1e-3, PSNR at strength 0.5 on 1000 test
images): residual helps deblur (28.60 vs 27.76 dB) and enhance (34.10 vs 32.66 dB) and hurts
denoise (21.88 vs 23.34 dB) and inpaint (28.30 vs 29.13 dB). atanh is steep near -1, where half of
Fashion-MNIST's pixels lie (50.2% of training pixels are 0): a noisy background pixel at -0.9 needs a
correction of -2.3 and one clipped to -1 none, so the correction is a jagged function of the
noise. Plain output is therefore the default; ``course_lib.editing.pix2pix.unet_config`` picks per task.

Lesson 10's flow model uses the same network with two options: ``embed_dim`` (a vector per image, the time and
the text, that scales and shifts every block's channels: FiLM, Perez et al. 2018, as diffusion U-Nets condition
on time) and ``linear_output`` (no tanh: a velocity is not bounded to [-1, 1]). With neither, the network and its
weights are exactly lesson 05's.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

IDENTITY_EPS = 1e-3  # x is clamped to [-1 + eps, 1 - eps] before atanh (atanh(+-1) is infinite)


@dataclass(frozen=True)
class UNetConfig:
    """U-Net size and wiring.

    in_channels: image channels (1 for Fashion-MNIST); the output has the same number.
    cond_channels: extra input maps concatenated to the image (e.g. the inpainting mask, a task one-hot).
    width: channels at full resolution, doubled at each of the ``depth`` downsamplings.
    depth: number of 2x downsamplings (2: 28 -> 14 -> 7).
    residual: predict a correction to the input (see the module docstring) instead of a new image.
    groups: GroupNorm groups (batch-independent statistics: the same output in train and eval mode).
    embed_dim: size of the per-image vector ``emb`` that scales and shifts each block's output (0: none).
    linear_output: return the last layer's output as it is (no tanh), e.g. a velocity.
    """

    in_channels: int = 1
    cond_channels: int = 1
    width: int = 16
    depth: int = 2
    residual: bool = False
    groups: int = 8
    embed_dim: int = 0
    linear_output: bool = False

    def __post_init__(self):
        if self.in_channels < 1 or self.cond_channels < 0:
            raise ValueError(f"in_channels must be >= 1 and cond_channels >= 0, got {self.in_channels} "
                             f"and {self.cond_channels}.")
        if self.depth < 1 or self.width < 1:
            raise ValueError(f"depth and width must be >= 1, got depth={self.depth}, width={self.width}.")
        if self.width % self.groups:
            raise ValueError(f"width ({self.width}) must be a multiple of groups ({self.groups}); "
                             "e.g. width=16, groups=8.")
        if self.embed_dim < 0 or (self.linear_output and self.residual):
            raise ValueError(f"embed_dim must be >= 0 (got {self.embed_dim}), and a residual U-Net corrects its "
                             "input through a tanh, so it cannot have linear_output.")


def double_conv(c_in: int, c_out: int, groups: int) -> nn.Sequential:
    """Two 3x3 convolutions (same size): (N, c_in, H, W) -> (N, c_out, H, W)."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1), nn.GroupNorm(groups, c_out), nn.SiLU(),
        nn.Conv2d(c_out, c_out, 3, padding=1), nn.GroupNorm(groups, c_out), nn.SiLU())


class UNet(nn.Module):
    """Degraded image (+ conditioning maps) -> restored image of the same size."""

    def __init__(self, cfg: UNetConfig = UNetConfig()):
        super().__init__()
        self.cfg = cfg
        w, g = cfg.width, cfg.groups
        ch = [w * 2 ** i for i in range(cfg.depth + 1)]  # channels per level: w, 2w, 4w, ...
        self.stem = nn.Conv2d(cfg.in_channels + cfg.cond_channels, w, 3, padding=1)
        self.encoders = nn.ModuleList(double_conv(ch[i], ch[i], g) for i in range(cfg.depth))
        self.downs = nn.ModuleList(nn.Conv2d(ch[i], ch[i + 1], 3, stride=2, padding=1)
                                   for i in range(cfg.depth))
        self.bottleneck = double_conv(ch[-1], ch[-1], g)
        # nearest-neighbour upsampling + conv instead of a transposed conv: no checkerboard artefacts
        self.ups = nn.ModuleList(nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"),
                                               nn.Conv2d(ch[i + 1], ch[i], 3, padding=1))
                                 for i in range(cfg.depth))
        self.decoders = nn.ModuleList(double_conv(2 * ch[i], ch[i], g) for i in range(cfg.depth))
        self.head = nn.Conv2d(w, cfg.in_channels, 1)
        if cfg.embed_dim:  # FiLM: per block, a scale and a shift of its channels from emb, starting at the identity
            block_channels = ch[:cfg.depth] + [ch[-1]] + ch[:cfg.depth][::-1]
            self.films = nn.ModuleList(nn.Linear(cfg.embed_dim, 2 * c) for c in block_channels)
            for film in self.films:
                nn.init.zeros_(film.weight)
                nn.init.zeros_(film.bias)
        if cfg.residual:  # start as the identity: r = 0
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)

    def forward(self, x: torch.Tensor, cond: torch.Tensor | None = None,
                emb: torch.Tensor | None = None) -> torch.Tensor:
        """x: (N, C, H, W) in [-1, 1]; cond: (N, cond_channels, H, W) or None; emb: (N, embed_dim) when
        ``embed_dim`` -> (N, C, H, W), in [-1, 1] unless ``linear_output``."""
        cfg = self.cfg
        if bool(cfg.embed_dim) != (emb is not None) or (emb is not None and emb.shape != (len(x), cfg.embed_dim)):
            got = None if emb is None else tuple(emb.shape)
            raise ValueError(f"this U-Net takes emb of shape (N, {cfg.embed_dim}) (none when embed_dim is 0), "
                             f"got {got}.")
        if x.dim() != 4 or x.shape[1] != cfg.in_channels:
            raise ValueError(f"x must be (N, {cfg.in_channels}, H, W), got {tuple(x.shape)}.")
        if cfg.cond_channels and (cond is None or cond.shape[1] != cfg.cond_channels
                                  or cond.shape[2:] != x.shape[2:]):
            got = None if cond is None else tuple(cond.shape)
            raise ValueError(f"this U-Net expects cond of shape (N, {cfg.cond_channels}, "
                             f"{x.shape[2]}, {x.shape[3]}) next to x, got {got}; build it with "
                             "course_lib.editing.pix2pix.conditioning(mask, task, cfg.cond_channels, x).")
        if not cfg.cond_channels and cond is not None:
            raise ValueError("this U-Net was built with cond_channels=0 and takes no cond; pass None or "
                             "build it with UNetConfig(cond_channels=...).")
        h, w = x.shape[2:]
        inp = x if not cfg.cond_channels else torch.cat([x, cond.to(x.dtype)], dim=1)  # (N, C+K, H, W)
        m = 2 ** cfg.depth  # every level halves the size, so pad H and W up to a multiple of m
        ph, pw = -h % m, -w % m
        top, left = ph // 2, pw // 2
        inp = F.pad(inp, (left, pw - left, top, ph - top), mode="replicate")  # (N, C+K, H', W')

        films = iter(self.films) if cfg.embed_dim else None
        feat = self.stem(inp)  # (N, w, H', W')
        skips = []
        for encode, down in zip(self.encoders, self.downs):
            feat = self.film(encode(feat), films, emb)  # level i: (N, w*2^i, H'/2^i, W'/2^i)
            skips.append(feat)
            feat = down(feat)  # (N, w*2^i, s, s) -> (N, w*2^(i+1), s/2, s/2)
        feat = self.film(self.bottleneck(feat), films, emb)  # (N, w*2^depth, H'/2^depth, W'/2^depth)
        for i in reversed(range(cfg.depth)):
            feat = self.ups[i](feat)  # (N, w*2^(i+1), s, s) -> (N, w*2^i, 2s, 2s)
            feat = self.film(self.decoders[i](torch.cat([feat, skips[i]], dim=1)), films, emb)  # (N, w*2^i, ..)
        r = self.head(feat)[:, :, top: top + h, left: left + w]  # (N, C, H', W') -> (N, C, H, W)

        if cfg.linear_output:
            return r
        if cfg.residual:
            return torch.tanh(torch.atanh(x.clamp(-1 + IDENTITY_EPS, 1 - IDENTITY_EPS)) + r)
        return torch.tanh(r)

    @staticmethod
    def film(feat: torch.Tensor, films, emb: torch.Tensor | None) -> torch.Tensor:
        """feat (N, c, h, w) scaled and shifted per channel by the next FiLM layer of emb (N, E); as it is when the
        U-Net has no embedding (films is None)."""
        if films is None:
            return feat
        scale, shift = next(films)(F.silu(emb)).to(feat.dtype).chunk(2, dim=1)  # (N, c) each
        return feat * (1 + scale[:, :, None, None]) + shift[:, :, None, None]
