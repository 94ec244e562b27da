"""course_lib.data.corrupt: seeded noise with the asked spread on the [0, 1] scale, and a blur that matches the
closed form (a constant image stays constant; the kernel is the sampled, normalised Gaussian)."""

import math

import torch

from course_lib.data.corrupt import add_noise, gaussian_blur


def test_noise_is_seeded_and_has_the_asked_sigma_on_the_unit_scale():
    grey = torch.zeros(8, 1, 28, 28)  # mid-grey: no clamping
    a, b = add_noise(grey, 0.1, seed=3), add_noise(grey, 0.1, seed=3)
    assert torch.equal(a, b) and not torch.equal(a, add_noise(grey, 0.1, seed=4))
    assert abs(float((a / 2).std()) - 0.1) < 0.005  # [-1, 1] spans twice [0, 1]
    generator = torch.Generator().manual_seed(3)
    assert torch.equal(add_noise(grey, 0.1, seed=generator), a)
    assert add_noise(torch.ones(2, 1, 4, 4), 0.5, seed=0).max() <= 1


def test_blur_matches_the_sampled_gaussian():
    constant = torch.full((1, 1, 9, 9), 0.3)
    torch.testing.assert_close(gaussian_blur(constant, 1.0), constant)
    impulse = torch.zeros(1, 1, 15, 15)
    impulse[0, 0, 7, 7] = 1.0
    out = gaussian_blur(impulse, 1.0)  # 7 taps by default: 2 ceil(3 sigma) + 1
    taps = torch.tensor([math.exp(-x * x / 2) for x in range(-3, 4)])
    taps /= taps.sum()
    expected = torch.zeros(15, 15)
    expected[4:11, 4:11] = taps[:, None] * taps[None, :]
    torch.testing.assert_close(out[0, 0], expected, atol=1e-6, rtol=0)
    assert gaussian_blur(impulse, 1.0, kernel_size=3)[0, 0, 5, 5] == 0  # 3 taps reach one pixel only
