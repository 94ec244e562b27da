"""Nearest neighbours for the memorisation check: is each generated image a copy of a training image?

Works on any vectors: flattened pixels (N, H*W) or extractor features (N, D). The reference to read the
distances against is real held-out data: test images are *not* copies of training images, so a generator
whose samples sit much closer to the training set than test images do is copying, not generalising.
"""

from __future__ import annotations

import torch


def nearest_neighbours(queries: torch.Tensor, references: torch.Tensor, batch_size: int = 256
                       ) -> tuple[torch.Tensor, torch.Tensor]:
    """Euclidean nearest reference of each query: (distances (Q,), indices (Q,) int64).

    queries (Q, ...) and references (R, ...) are flattened to (Q, D) and (R, D); images (N, 1, H, W) in
    [-1, 1] compare in pixel space. The nearest one is found in float32 batches of ``batch_size`` queries with
    ``torch.cdist``, whose fast matrix-product form is off by up to ~1e-3 near 0 and depends on the batch's
    blocking; the distance to it is then recomputed directly, so an exact copy shows 0 and the result does not
    depend on ``batch_size``.
    """
    q, r = queries.flatten(1).float(), references.flatten(1).float()
    if q.shape[1] != r.shape[1] or r.shape[0] == 0:
        raise ValueError(f"queries {tuple(queries.shape)} and references {tuple(references.shape)} must have the "
                         "same size per item, and references at least one item.")
    distances, indices = [], []
    for batch in q.split(batch_size):
        i = torch.cdist(batch, r).argmin(dim=1)
        distances.append((batch - r[i]).norm(dim=1))
        indices.append(i)
    return torch.cat(distances), torch.cat(indices)
