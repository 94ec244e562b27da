"""course_lib.editing.ambiguity: nearest answers on the known pixels, mean/median optima, sharpness."""

import pytest
import torch

from course_lib.editing.ambiguity import fit_prediction, loss_optima, plausible_answers, sharpness, with_fill


def test_plausible_answers_compare_only_the_known_pixels():
    catalog = torch.zeros(4, 1, 4, 4)
    catalog[1, :, 0, 0] = 1.0  # differs from the input outside the hole: far
    catalog[2, :, 3, 3] = 5.0  # differs only inside the hole: as close as an exact match
    catalog[3] = -0.5
    mask = torch.zeros(1, 1, 4, 4)
    mask[..., 2:, 2:] = 1
    degraded = torch.zeros(1, 1, 4, 4)
    answers = plausible_answers(degraded, mask, catalog, k=2)
    assert {int(answers[i, 0, 3, 3]) for i in range(2)} == {0, 5}
    with pytest.raises(ValueError, match="1 <= k <= M"):
        plausible_answers(degraded, mask, catalog, k=5)


def test_optima_are_mean_median_and_a_sample_and_gradient_descent_agrees():
    answers = torch.tensor([-1.0, -0.8, 0.9, 1.0, 1.0]).view(5, 1, 1, 1).expand(5, 1, 2, 2).contiguous()
    optima = loss_optima(answers)
    torch.testing.assert_close(optima["L2: mean"], torch.full((1, 1, 2, 2), 0.22), rtol=0, atol=1e-6)
    torch.testing.assert_close(optima["L1: median"], torch.full((1, 1, 2, 2), 0.9), rtol=0, atol=0)
    assert torch.equal(optima["adversarial: one answer"], answers[:1])
    torch.testing.assert_close(fit_prediction(answers, "l2"), optima["L2: mean"], rtol=0, atol=0.02)
    torch.testing.assert_close(fit_prediction(answers, "l1"), optima["L1: median"], rtol=0, atol=0.02)


def test_sharpness_and_fill():
    flat, stripes = torch.zeros(1, 1, 4, 4), torch.tensor([-1.0, 1.0]).repeat(8).view(1, 1, 4, 4)
    assert sharpness(flat).item() == 0.0
    assert sharpness(stripes).item() == pytest.approx(1.0)  # 2 across every column pair, 0 down: mean 1
    mask = torch.zeros(1, 1, 4, 4)
    mask[..., :, :2] = 1
    # in the hole: 4 horizontal pairs differ by 2, 6 vertical pairs by 0: 8 / 10
    torch.testing.assert_close(sharpness(stripes, mask), torch.tensor([0.8]), rtol=0, atol=1e-6)
    filled = with_fill(flat, mask, stripes)
    assert torch.equal(filled[..., :2], stripes[..., :2]) and torch.equal(filled[..., 2:], flat[..., 2:])
    assert sharpness((stripes + flat) / 2) < sharpness(stripes)  # a blend is smoother
