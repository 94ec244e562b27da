"""Calibration points: known damages score worse than the real-vs-real floor; the damages themselves."""

import pytest
import torch

from course_lib.data import to_float
from course_lib.data.corrupt import add_noise
from course_lib.metrics import EvaluationConfig, blur_3x3, calibration_points


def test_noise_is_sigma_on_the_zero_one_scale_and_clipped():
    images = torch.zeros(200, 1, 28, 28)  # mid-grey: no clipping at sigma 0.1 except far tails
    noisy = add_noise(images, sigma=0.1, seed=0)
    on_unit_scale = (noisy - images) / 2
    assert 0.098 <= on_unit_scale.std().item() <= 0.102
    assert noisy.min() >= -1 and noisy.max() <= 1
    torch.testing.assert_close(add_noise(images, 0.1, seed=0), noisy)
    assert add_noise(-torch.ones(10, 1, 28, 28), 0.1).min() == -1  # black background stays in range


def test_blur_keeps_shape_range_and_flat_areas():
    images = to_float(torch.randint(0, 256, (4, 28, 28), dtype=torch.uint8))
    blurred = blur_3x3(images)
    assert blurred.shape == images.shape and blurred.min() >= -1 and blurred.max() <= 1
    torch.testing.assert_close(blur_3x3(torch.full((1, 1, 28, 28), 0.25)), torch.full((1, 1, 28, 28), 0.25))
    assert (blurred - images).abs().mean() > 0.05


@pytest.mark.slow
def test_every_damage_scores_worse_than_the_floor(tmp_path):
    points = calibration_points(n=1000, config=EvaluationConfig(progress=False, device="cpu", kid_subsets=20,
                                                                cache_dir=tmp_path))
    names = list(points)
    assert len(names) == 4 and names[0].startswith("real train subset")
    floor = points[names[0]]
    for name in names[1:]:
        assert points[name].fid > 3 * floor.fid, name
        assert points[name].kid_mean > floor.kid_mean, name
    one_class = points[names[3]]
    assert one_class.recall < 0.3 < floor.recall  # a single class covers little of the real data
    assert one_class.num_generated == 1000
