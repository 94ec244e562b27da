"""CLIP-style training of the text encoder against the image encoder: symmetric InfoNCE.

For a batch of N captions and N images with similarities s_ij = scale * <t_i, v_j> (unit vectors), InfoNCE
asks each caption to pick out its image among the N and each image its caption:

    L = 1/2 [ CE_rows(s, T) + CE_cols(s, T) ],   CE_rows(s, T) = -1/N sum_i sum_j T_ij log softmax_j(s_ij),

with T the targets. CLIP's T is the identity. Here a caption names only some attributes ("a red dress"),
so it matches every image of the batch that agrees with it; T_ij = 1 / (number of such images) over those
(``match_matrix``), which keeps two red dresses from being pushed apart as if they were different products.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .captions import Caption


def info_nce(logits: torch.Tensor, targets: torch.Tensor | None = None) -> torch.Tensor:
    """Symmetric InfoNCE of logits (N, N) (captions x images); targets (N, N) >= 0, identity when None.

    Rows of ``targets`` are normalised for the caption side and its columns for the image side.
    """
    if targets is None:
        targets = torch.eye(len(logits), device=logits.device)
    targets = targets.float()
    rows = targets / targets.sum(1, keepdim=True).clamp(min=1e-12)
    cols = (targets / targets.sum(0, keepdim=True).clamp(min=1e-12)).T
    text_side = -(rows * F.log_softmax(logits, dim=1)).sum(1).mean()
    image_side = -(cols * F.log_softmax(logits.T, dim=1)).sum(1).mean()
    return 0.5 * (text_side + image_side)


def match_matrix(captions: list[Caption], labels: torch.Tensor, attributes: dict[str, torch.Tensor]) -> torch.Tensor:
    """(N_captions, N_images) bool: image j has caption i's category and every attribute caption i names."""
    match = captions_category(captions)[:, None] == labels[None, :]
    for name, values in attributes.items():
        named = torch.tensor([c.mentioned.get(name, -1) for c in captions])
        match &= (named[:, None] == values[None, :]) | (named[:, None] < 0)
    return match


def captions_category(captions: list[Caption]) -> torch.Tensor:
    """(N,) int64 categories of the captions."""
    return torch.tensor([c.category for c in captions], dtype=torch.long)


def recall_at(similarity: torch.Tensor, match: torch.Tensor, k: int) -> float:
    """Text -> image retrieval: the share of captions (rows) with a matching image among their top k.

    similarity, match: (N_captions, N_images); every caption should match at least one image (its own)."""
    top = similarity.topk(min(k, similarity.shape[1]), dim=1).indices
    return match.gather(1, top).any(dim=1).float().mean().item()
