"""Classical baselines: shapes and ranges, PSNR gains on simple smooth products, errors, tuning."""

import pytest
import torch

from course_lib.editing.baselines import BASELINES, PARAMS, baseline, tune
from course_lib.editing.degrade import degrade
from course_lib.editing.scores import mean_psnr, restoration_scores


def simple_products(n=4, size=28):
    """Hard-edged ellipses with smooth shading on a black background, (n, 1, size, size) in [-1, 1]."""
    rows, cols = torch.meshgrid(torch.arange(size).float(), torch.arange(size).float(), indexing="ij")
    images = []
    for i in range(n):
        r2 = (rows - size / 2 - i) ** 2 / (6 + i) ** 2 + (cols - size / 2 + i) ** 2 / (9 - i) ** 2
        shade = 0.2 + 0.6 * cols / size  # lit from the right
        images.append(torch.where(r2 <= 1, shade, torch.full_like(shade, -1.0)))
    return torch.stack(images).unsqueeze(1)


ALL = [(task, method) for task, methods in BASELINES.items() for method in methods]


@pytest.mark.parametrize("task, method", ALL)
def test_shape_range_dtype_and_device(task, method):
    clean = simple_products(3, 27)
    degraded, mask = degrade(clean, task, 0.5, seed=0)
    restored = baseline(task, degraded, mask, method=method)
    assert restored.shape == clean.shape and restored.dtype == clean.dtype
    assert restored.min() >= -1 and restored.max() <= 1


@pytest.mark.parametrize("task, method", [("denoise", "nl_means"), ("denoise", "tv"), ("inpaint", "biharmonic"),
                                          ("deblur", "unsharp"), ("enhance", "stretch_gamma"),
                                          ("enhance", "clahe")])
def test_defaults_improve_psnr_on_simple_products(task, method):
    clean = simple_products()
    degraded, mask = degrade(clean, task, 0.5, seed=0)
    before = mean_psnr(restoration_scores(degraded, clean)["psnr"])
    after = mean_psnr(restoration_scores(baseline(task, degraded, mask, method=method), clean)["psnr"])
    assert after > before + 1.0, (before, after)


def test_inpainting_changes_only_the_hole():
    clean = simple_products()
    degraded, mask = degrade(clean, "inpaint", 0.5, seed=1)
    restored = baseline("inpaint", degraded, mask)
    known = mask.expand_as(clean) == 0
    torch.testing.assert_close(restored[known], degraded[known], atol=1e-6, rtol=0)


def test_bad_requests_are_explained():
    clean = simple_products(2)
    degraded, _ = degrade(clean, "denoise", 0.5)
    with pytest.raises(ValueError, match="valid: nl_means, tv"):
        baseline("denoise", degraded, method="biharmonic")
    with pytest.raises(ValueError, match="needs the mask"):
        baseline("inpaint", degraded)
    with pytest.raises(ValueError, match="valid tasks"):
        baseline("sharpen", degraded)
    with pytest.raises(ValueError, match=r"takes \['weight_factor'\], got \['radius'\]"):
        baseline("denoise", degraded, method="tv", radius=2)


def test_tune_picks_the_best_of_the_grid():
    clean = simple_products()
    best, table = tune("deblur", "unsharp", clean, 0.5, {"amount": [0.0, 1.0], "radius": [1.0]})
    assert len(table) == 2 and best == max(table, key=lambda row: row[1])[0]
    assert best["amount"] == 1.0  # sharpening beats doing nothing on a blurred image
    assert set(best) == set(PARAMS["unsharp"])
