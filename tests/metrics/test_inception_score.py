"""course_lib.metrics.inception_score in its closed-form cases: C confident, balanced classes give C; one class,
or no confidence at all, gives 1."""

import pytest
import torch

from course_lib.metrics.inception_score import inception_score


def test_confident_and_balanced_predictions_score_the_number_of_classes():
    logits = torch.full((100, 10), -50.0, dtype=torch.float64)
    logits[torch.arange(100), torch.arange(100) % 10] = 50.0
    mean, std = inception_score(logits, splits=1)
    assert mean == pytest.approx(10.0, rel=1e-6) and std == 0.0


def test_one_class_or_no_confidence_scores_one():
    one_class = torch.zeros(50, 10, dtype=torch.float64)
    one_class[:, 3] = 50.0
    assert inception_score(one_class, splits=1)[0] == pytest.approx(1.0, rel=1e-6)
    assert inception_score(torch.zeros(50, 10, dtype=torch.float64), splits=1)[0] == pytest.approx(1.0, rel=1e-9)


def test_splits_never_exceed_the_samples():
    logits = torch.randn(4, 10, generator=torch.Generator().manual_seed(0))
    assert inception_score(logits, splits=10) == inception_score(logits, splits=4)
