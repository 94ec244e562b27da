"""course_lib.metrics.nearest: exact nearest neighbours, batch-size independent, clear errors."""

import pytest
import torch

from course_lib.metrics.nearest import nearest_neighbours


def test_finds_planted_copies_and_matches_brute_force():
    references = torch.randn(50, 1, 4, 4, generator=torch.Generator().manual_seed(0))
    queries = torch.cat([references[[7, 3]], torch.randn(5, 1, 4, 4, generator=torch.Generator().manual_seed(1))])
    distances, indices = nearest_neighbours(queries, references, batch_size=3)
    assert indices[:2].tolist() == [7, 3]
    brute = ((queries.flatten(1)[:, None] - references.flatten(1)[None]) ** 2).sum(-1).sqrt()
    torch.testing.assert_close(distances, brute.min(dim=1).values, atol=1e-5, rtol=1e-5)
    assert distances[:2].tolist() == [0.0, 0.0]  # exact copies: the distance is recomputed, not cdist's
    assert torch.equal(indices, brute.argmin(dim=1))
    torch.testing.assert_close(nearest_neighbours(queries, references, batch_size=100)[0], distances)


def test_mismatched_sizes():
    with pytest.raises(ValueError, match="same size per item"):
        nearest_neighbours(torch.zeros(2, 5), torch.zeros(3, 4))
