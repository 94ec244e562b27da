"""Precision/recall: same numbers as torch-fidelity's prc (input1 = generated, input2 = real), faster."""

import pytest
import torch
from torch_fidelity.metric_prc import prc_features_to_metric

from course_lib.metrics.prc import knn_radii, precision_recall


@pytest.mark.parametrize("shift", [0.0, 0.3, 1.0])
def test_matches_torch_fidelity(shift):
    g = torch.Generator().manual_seed(0)
    generated = torch.randn(1500, 16, generator=g) * 0.8
    real = torch.randn(1200, 16, generator=g) + shift
    theirs = prc_features_to_metric(generated, real, prc_neighborhood=3, verbose=False)
    ours = precision_recall(generated, real, k=3, batch_size=500)
    assert ours == (theirs["precision"], theirs["recall"])


def test_narrow_generator_has_high_precision_and_low_recall():
    g = torch.Generator().manual_seed(1)
    real = torch.randn(2000, 8, generator=g)
    collapsed = torch.randn(2000, 8, generator=g) * 0.2  # all inside the real cloud, covering a little of it
    precision, recall = precision_recall(collapsed, real)
    assert 0.95 <= precision <= 1.0 and 0.0 <= recall <= 0.3


def test_cached_real_radii_give_the_same_answer():
    g = torch.Generator().manual_seed(2)
    generated, real = torch.randn(800, 8, generator=g), torch.randn(900, 8, generator=g)
    radii = knn_radii(real, 3)
    assert precision_recall(generated, real, real_radii=radii) == precision_recall(generated, real)


def test_radii_exclude_the_point_itself():
    points = torch.tensor([[0.0], [1.0], [3.0]])
    torch.testing.assert_close(knn_radii(points, k=1), torch.tensor([1.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="k \\+ 1"):
        knn_radii(points, k=3)
