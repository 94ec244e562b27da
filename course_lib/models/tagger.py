"""The attribute tagger (商品属性标注): one CNN trunk, one linear head per attribute.

images (N, channels, 28, 28) in [-1, 1] -> 28 => 14 (w) => 7 (2w) => 3 (4w) features, pooled and shared by
every head; ``forward`` returns {head: logits (N, values)}. Heads share the trunk, so what one head learns
can leak into another (a head for width may learn "dresses are wide"): lesson 07 measures it.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class TaggerConfig:
    """heads: ((name, number of values), ...), e.g. (('category', 10), ('colour', 8), ...)."""

    heads: tuple[tuple[str, int], ...]
    width: int = 32
    channels: int = 3

    def __post_init__(self):
        heads = tuple((str(name), int(size)) for name, size in self.heads)  # JSON gives lists
        if not heads or any(size < 2 for _, size in heads):
            raise ValueError(f"TaggerConfig.heads must be ((name, values >= 2), ...), got {self.heads!r}.")
        object.__setattr__(self, "heads", heads)


def block(c_in: int, c_out: int) -> list[nn.Module]:
    """conv 3x3, batch norm, GELU, halve the side."""
    return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.GELU(), nn.MaxPool2d(2)]


class Tagger(nn.Module):
    """A multi-head classifier of category and attributes."""

    def __init__(self, cfg: TaggerConfig):
        super().__init__()
        self.cfg, w = cfg, cfg.width
        self.trunk = nn.Sequential(*block(cfg.channels, w), *block(w, 2 * w), *block(2 * w, 4 * w),
                                   nn.Flatten(), nn.Linear(4 * w * 3 * 3, 128), nn.GELU())
        self.heads = nn.ModuleDict({name: nn.Linear(128, size) for name, size in cfg.heads})

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        """images (N, channels, 28, 28) -> {head: logits (N, values)}."""
        h = self.trunk(images)
        return {name: head(h) for name, head in self.heads.items()}
