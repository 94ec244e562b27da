"""Degradations: seeded, in range, identity at strength 0, the documented physical parameters, errors."""

import math

import numpy as np
import pytest
import torch
from scipy.ndimage import gaussian_filter

from course_lib.editing.degrade import HOLE_FILL, TASKS, degrade, physical_parameters, rectangle_mask, stroke_mask
from course_lib.editing.scores import score_restoration


def clean_batch(n=6, size=28):
    """Images in [-1, 1] with exact -1 and 1 pixels, as Fashion-MNIST has."""
    images = torch.rand(n, 1, size, size) * 2 - 1
    images[:, :, :3] = -1.0
    images[:, :, -2:] = 1.0
    return images


CASES = [(task, hole) for task in TASKS for hole in (("rectangle", "strokes") if task == "inpaint"
                                                     else ("rectangle",))]


@pytest.mark.parametrize("task, hole", CASES)
def test_same_seed_same_output_and_range(task, hole):
    clean = clean_batch()
    a, mask_a = degrade(clean, task, 0.7, seed=3, hole=hole)
    b, mask_b = degrade(clean, task, 0.7, seed=3, hole=hole)
    assert torch.equal(a, b)
    assert a.shape == clean.shape and a.dtype == clean.dtype
    assert a.min() >= -1 and a.max() <= 1
    assert not torch.equal(a, clean)
    if task == "inpaint":
        assert torch.equal(mask_a, mask_b) and mask_a.shape == (6, 1, 28, 28)
    else:
        assert mask_a is None


@pytest.mark.parametrize("task, hole", [("denoise", "rectangle"), ("inpaint", "rectangle"),
                                        ("inpaint", "strokes")])
def test_different_seeds_differ(task, hole):
    clean = clean_batch()
    a, _ = degrade(clean, task, 0.5, seed=0, hole=hole)
    b, _ = degrade(clean, task, 0.5, seed=1, hole=hole)
    assert not torch.equal(a, b)


@pytest.mark.parametrize("task, hole", CASES)
@pytest.mark.parametrize("size", [28, 32, 27])
def test_strength_zero_is_the_identity(task, hole, size):
    clean = clean_batch(size=size)
    degraded, mask = degrade(clean, task, 0.0, seed=5, hole=hole)
    assert torch.equal(degraded, clean)
    if task == "inpaint":
        assert mask.sum() == 0


def test_noise_sigma_is_on_the_unit_scale():
    clean = torch.zeros(64, 1, 28, 28)  # mid-grey: no clipping at sigma 0.1
    degraded, _ = degrade(clean, "denoise", 0.25, seed=0)
    assert physical_parameters("denoise", 0.25) == {"sigma": 0.1}
    std = ((degraded - clean) / 2).std().item()  # back to the [0, 1] scale
    assert 0.098 < std < 0.102
    assert physical_parameters("denoise", 0.5)["sigma"] == pytest.approx(0.2)


def test_blur_is_a_gaussian_of_the_documented_sigma():
    clean = clean_batch(2, 32)
    blurred, _ = degrade(clean, "deblur", 0.5, seed=0)
    sigma = physical_parameters("deblur", 0.5)["blur_sigma_px"]
    assert sigma == 1.0
    reference = np.stack([gaussian_filter(img.numpy().astype(np.float64), sigma, truncate=3.0)
                          for img in clean[:, 0]])
    inner = slice(3, -3)  # away from the borders, where the two libraries pad differently
    torch.testing.assert_close(blurred[:, 0, inner, inner].double(),
                               torch.from_numpy(reference)[:, inner, inner], atol=1e-5, rtol=0)


def test_enhance_follows_its_tone_curve():
    unit = torch.tensor([0.0, 0.25, 0.5, 1.0])
    clean = (unit * 2 - 1).view(1, 1, 1, 4).expand(1, 1, 2, 4).contiguous()
    degraded, _ = degrade(clean, "enhance", 0.5)
    expected = 0.1 + 0.6 * unit ** 1.5
    torch.testing.assert_close((degraded[0, 0, 0] + 1) / 2, expected, atol=1e-6, rtol=0)
    assert physical_parameters("enhance", 0.5) == {"black": 0.1, "white": 0.7, "gamma": 1.5}


def test_inpaint_hole_size_position_and_fill():
    clean = clean_batch(50)
    degraded, mask = degrade(clean, "inpaint", 0.5, seed=2)
    assert physical_parameters("inpaint", 0.5) == {"hole_side_px": 8}
    assert torch.equal(mask.sum(dim=(1, 2, 3)), torch.full((50,), 64.0))
    rows = mask[:, 0].amax(2).nonzero()[:, 1].float()
    assert rows.min() >= 28 // 4 - 4 and rows.max() <= 3 * 28 // 4 + 4  # centres in the central half
    assert torch.equal(degraded[mask.expand_as(clean) == 1], torch.full((50 * 64,), HOLE_FILL))
    assert torch.equal(degraded[mask.expand_as(clean) == 0], clean[mask.expand_as(clean) == 0])


def test_rectangle_mask_at_a_given_position():
    mask = rectangle_mask(2, 6, 7, top=torch.tensor([0, 3]), left=torch.tensor([1, 4]), hole_height=2,
                          hole_width=3)
    expected = torch.zeros(2, 1, 6, 7)
    expected[0, 0, 0:2, 1:4] = 1
    expected[1, 0, 3:5, 4:7] = 1
    assert torch.equal(mask, expected)


def test_stroke_mask_is_binary_and_grows_with_strength():
    g = torch.Generator().manual_seed(0)
    thin = stroke_mask(20, 28, 28, 1, 1.0, g)
    thick = stroke_mask(20, 28, 28, 5, 3.0, torch.Generator().manual_seed(0))
    assert set(thin.unique().tolist()) <= {0.0, 1.0}
    assert 0 < thin.mean() < thick.mean() < 0.6
    assert physical_parameters("inpaint", 1.0, "strokes") == {"num_strokes": 5, "thickness_px": 3.0}


def test_bad_task_strength_or_input_is_explained():
    clean = clean_batch()
    with pytest.raises(ValueError, match="valid tasks: denoise, inpaint, deblur, enhance"):
        degrade(clean, "sharpen", 0.5)
    for bad in (-0.1, 1.5, math.nan):
        with pytest.raises(ValueError, match=r"strength must be in \[0, 1\]"):
            degrade(clean, "denoise", bad)
    with pytest.raises(ValueError, match=r"must be in \[-1, 1\].*to_float"):
        degrade(clean * 255, "denoise", 0.5)
    with pytest.raises(ValueError, match="float tensor"):
        degrade(torch.zeros(2, 1, 28, 28, dtype=torch.uint8), "denoise", 0.5)
    with pytest.raises(ValueError, match="valid: rectangle, strokes"):
        degrade(clean, "inpaint", 0.5, hole="circle")


def test_evaluate_gives_every_method_the_same_inputs():
    clean = clean_batch()
    seen = []

    def identity(degraded, mask):
        seen.append(degraded)
        return degraded

    scores = score_restoration(identity, clean, "denoise", 0.5, seed=4)
    score_restoration(identity, clean, "denoise", 0.5, seed=4)
    assert torch.equal(seen[0], seen[1])
    torch.testing.assert_close(scores["psnr"], scores["psnr_input"], atol=0, rtol=0)
    assert scores["psnr"].shape == (6,) and (scores["ssim"] < 1).all()
    perfect = score_restoration(lambda degraded, mask: clean, clean, "denoise", 0.5, seed=4)
    assert torch.isinf(perfect["psnr"]).all()
    torch.testing.assert_close(perfect["ssim"], torch.ones(6), atol=1e-6, rtol=0)
