"""A course-sized CLIP: a small transformer text encoder and a small CNN image encoder into one space.

Text: token embedding + learned position embedding -> ``layers`` pre-norm transformer blocks (``Block``:
attention with ``F.scaled_dot_product_attention``, then an MLP; 3x faster here than ``nn.TransformerEncoder``
at this size) -> mean over the real tokens -> linear -> L2-normalised (N, embed_dim). Characters of Chinese
words need their neighbours (色 after 红 is a colour, after 深 a tone), which attention gives and a bag of
embeddings does not.
Image: 28 => 14 (w) => 7 (2w) strided convolutions, flattened -> linear -> L2-normalised (N, embed_dim).
``logit_scale`` is CLIP's learned inverse temperature, started at 1 / 0.07 and capped at 100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from .checks import require_positive


@dataclass(frozen=True)
class ClipConfig:
    """Sizes of the text and image encoders; vocab_size comes from the tokenizer."""

    vocab_size: int
    max_tokens: int = 32
    dim: int = 64
    layers: int = 2
    heads: int = 4
    embed_dim: int = 64
    image_width: int = 32
    channels: int = 3

    def __post_init__(self):
        require_positive(self, ("vocab_size", "max_tokens", "dim", "layers", "heads", "embed_dim", "image_width",
                                "channels"), "ClipConfig")
        if self.dim % self.heads:
            raise ValueError(f"ClipConfig.dim ({self.dim}) must be a multiple of heads ({self.heads}).")


class Block(nn.Module):
    """x + attention(LN(x)), then + MLP(LN(x)): x (N, L, dim), mask (N, L) bool (True = a real token)."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        n, length, dim = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(n, length, 3, self.heads, dim // self.heads).permute(2, 0, 3, 1, 4)
        attended = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask[:, None, None, :])
        x = x + self.proj(attended.transpose(1, 2).reshape(n, length, dim))  # padding is never attended to
        return x + self.mlp(self.norm2(x))


class TextEncoder(nn.Module):
    """(ids (N, L) int64, mask (N, L) bool, True = real token) -> embeddings (N, embed_dim), unit length."""

    def __init__(self, cfg: ClipConfig):
        super().__init__()
        self.cfg = cfg
        self.tokens = nn.Embedding(cfg.vocab_size, cfg.dim, padding_idx=0)
        self.positions = nn.Parameter(torch.randn(cfg.max_tokens, cfg.dim) * 0.02)
        self.blocks = nn.ModuleList(Block(cfg.dim, cfg.heads) for _ in range(cfg.layers))
        self.out = nn.Sequential(nn.LayerNorm(cfg.dim), nn.Linear(cfg.dim, cfg.embed_dim))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        ids, mask = ids[:, :self.cfg.max_tokens], mask[:, :self.cfg.max_tokens]
        h = self.tokens(ids) + self.positions[: ids.shape[1]]  # (N, L, dim)
        for block in self.blocks:
            h = block(h, mask)
        weight = mask.unsqueeze(-1).float()
        pooled = (h * weight).sum(1) / weight.sum(1).clamp(min=1.0)  # (N, dim): mean of the real tokens
        return nn.functional.normalize(self.out(pooled), dim=-1)


class ImageEncoder(nn.Module):
    """images (N, channels, 28, 28) in [-1, 1] -> embeddings (N, embed_dim), unit length."""

    def __init__(self, cfg: ClipConfig):
        super().__init__()
        w = cfg.image_width
        self.net = nn.Sequential(
            nn.Conv2d(cfg.channels, w, 4, stride=2, padding=1), nn.GELU(),  # 28 => 14
            nn.Conv2d(w, 2 * w, 4, stride=2, padding=1), nn.GELU(),  # 14 => 7
            nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.GELU(), nn.Flatten(),
            nn.Linear(2 * w * 7 * 7, cfg.embed_dim))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return nn.functional.normalize(self.net(images), dim=-1)


def scaled_cosine(logit_scale: torch.Tensor, text: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
    """exp(logit_scale), capped at 100, times text (N, D) @ image (M, D).T of unit embeddings -> (N, M)."""
    return logit_scale.clamp(max=math.log(100.0)).exp() * text @ image.T


class Clip(nn.Module):
    """Both encoders and the learned temperature: ``logits(text, image)`` (N_text, N_image)."""

    def __init__(self, cfg: ClipConfig):
        super().__init__()
        self.cfg = cfg
        self.text, self.image = TextEncoder(cfg), ImageEncoder(cfg)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def logits(self, text: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        """Scaled cosine similarities of unit embeddings text (N, D) and image (M, D) -> (N, M)."""
        return scaled_cosine(self.logit_scale, text, image)


class LockedTextClip(nn.Module):
    """CLIP with a locked, pretrained text tower (the mirror image of LiT, Zhai et al. 2022, who lock the image
    tower and report that locking the text tower works poorly): the frozen sentence vectors (N, text_dim) pass
    through a trainable linear map to (N, embed_dim); the image tower is ``ImageEncoder``."""

    def __init__(self, text_dim: int, cfg: ClipConfig):
        super().__init__()
        if text_dim < 1:
            raise ValueError(f"text_dim must be positive, got {text_dim}.")
        self.cfg = cfg
        self.head, self.image = nn.Linear(text_dim, cfg.embed_dim), ImageEncoder(cfg)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def text(self, vectors: torch.Tensor) -> torch.Tensor:
        """Frozen sentence vectors (N, text_dim) -> unit embeddings (N, embed_dim)."""
        return nn.functional.normalize(self.head(vectors), dim=-1)

    def logits(self, text: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        """Scaled cosine similarities (N, M), as ``Clip.logits``."""
        return scaled_cosine(self.logit_scale, text, image)
