"""PSNR and SSIM against scikit-image's reference implementations, per image and per batch."""

import math

import numpy as np
import pytest
import torch
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from course_lib.editing.scores import mean_psnr, psnr, restoration_scores, ssim


def image_pairs(n=5, channels=1, height=28, width=28, noise=0.1, dtype=torch.float64):
    g = torch.Generator().manual_seed(0)
    x = torch.rand(n, channels, height, width, generator=g, dtype=torch.float64)
    x[:, :, :6] = 0.0  # flat black background, as in product photos
    y = (x + noise * torch.randn(x.shape, generator=g, dtype=torch.float64)).clamp(0, 1)
    return x.to(dtype), y.to(dtype)


@pytest.mark.parametrize("height, width", [(28, 28), (32, 32), (27, 30)])
def test_psnr_matches_skimage(height, width):
    x, y = image_pairs(height=height, width=width)
    expected = [peak_signal_noise_ratio(a[0], b[0], data_range=1) for a, b in zip(x.numpy(), y.numpy())]
    torch.testing.assert_close(psnr(x, y), torch.tensor(expected, dtype=torch.float64), atol=1e-10, rtol=0)


@pytest.mark.parametrize("height, width", [(28, 28), (32, 32), (27, 30), (11, 11)])
@pytest.mark.parametrize("noise", [0.02, 0.3])
def test_ssim_matches_skimage_with_wang_et_al_settings(height, width, noise):
    x, y = image_pairs(height=height, width=width, noise=noise)
    expected = [structural_similarity(a[0], b[0], data_range=1, gaussian_weights=True, sigma=1.5,
                                      use_sample_covariance=False) for a, b in zip(x.numpy(), y.numpy())]
    torch.testing.assert_close(ssim(x, y), torch.tensor(expected, dtype=torch.float64), atol=1e-10, rtol=0)


def test_ssim_matches_skimage_defaults_with_a_uniform_window():
    x, y = image_pairs()
    expected = [structural_similarity(a[0], b[0], data_range=1) for a, b in zip(x.numpy(), y.numpy())]
    got = ssim(x, y, gaussian_weights=False)
    torch.testing.assert_close(got, torch.tensor(expected, dtype=torch.float64), atol=1e-10, rtol=0)


def test_float32_inputs_match_to_1e_4_and_keep_their_dtype():
    x, y = image_pairs(dtype=torch.float32)
    a, b = x.double().numpy()[:, 0], y.double().numpy()[:, 0]
    ref_ssim = [structural_similarity(p, q, data_range=1, gaussian_weights=True, sigma=1.5,
                                      use_sample_covariance=False) for p, q in zip(a, b)]
    ref_psnr = [peak_signal_noise_ratio(p, q, data_range=1) for p, q in zip(a, b)]
    got_ssim, got_psnr = ssim(x, y), psnr(x, y)
    assert got_ssim.dtype == torch.float32 and got_psnr.dtype == torch.float32
    torch.testing.assert_close(got_ssim, torch.tensor(ref_ssim, dtype=torch.float32), atol=1e-4, rtol=0)
    torch.testing.assert_close(got_psnr, torch.tensor(ref_psnr, dtype=torch.float32), atol=1e-4, rtol=0)


def test_colour_images_average_the_channels_like_channel_axis():
    x, y = image_pairs(n=2, channels=3)
    for i in range(2):
        a, b = x[i].numpy(), y[i].numpy()
        expected_ssim = structural_similarity(a, b, data_range=1, channel_axis=0, gaussian_weights=True,
                                              sigma=1.5, use_sample_covariance=False)
        assert ssim(x, y)[i].item() == pytest.approx(expected_ssim, abs=1e-10)
        assert psnr(x, y)[i].item() == pytest.approx(peak_signal_noise_ratio(a, b, data_range=1), abs=1e-10)


def test_scores_do_not_depend_on_the_batch():
    x, y = image_pairs(n=6)
    whole = ssim(x, y)
    parts = torch.cat([ssim(x[:2], y[:2]), ssim(x[2:], y[2:])])
    torch.testing.assert_close(whole, parts, atol=1e-12, rtol=0)


def test_identical_images():
    x, _ = image_pairs()
    assert torch.isinf(psnr(x, x)).all()
    torch.testing.assert_close(ssim(x, x), torch.ones(5, dtype=torch.float64), atol=1e-12, rtol=0)


def test_minus_one_to_one_images_are_rejected_with_the_fix():
    x, y = image_pairs()
    with pytest.raises(ValueError, match=r"\[0, 1\] scale.*\(x \+ 1\) / 2"):
        psnr(x * 2 - 1, y)
    with pytest.raises(ValueError, match="same shape"):
        ssim(x, y[:, :, :20])
    with pytest.raises(ValueError, match="at least 11x11"):
        ssim(x[:, :, :10, :10], y[:, :, :10, :10])


def test_restoration_scores_convert_from_minus_one_to_one():
    x, y = image_pairs(dtype=torch.float32)
    scores = restoration_scores(x * 2 - 1, y * 2 - 1)
    torch.testing.assert_close(scores["psnr"], psnr(x, y), atol=1e-4, rtol=0)
    torch.testing.assert_close(scores["ssim"], ssim(x, y), atol=1e-6, rtol=0)


def test_mean_psnr_caps_perfect_images():
    assert mean_psnr(torch.tensor([20.0, math.inf])) == pytest.approx(60.0)
    assert mean_psnr(torch.tensor([20.0, 30.0]), cap=100) == pytest.approx(25.0)
    assert np.isnan(mean_psnr(torch.tensor([])))
