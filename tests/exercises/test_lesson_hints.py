"""The hints the lesson review asked for: each named mistake gets its own hint (course_lib/exercises/lessonNN)."""

import numpy as np
import scipy.linalg
import torch
import torch.nn.functional as F

from course_lib.data import augment
from course_lib.exercises import lesson01, lesson02, lesson03, lesson04, lesson06


def test_lesson01_in_place_cutout_float64_and_a_height_width_mix_up_fail():
    def in_place(x, top, left, size):
        x[..., max(top, 0):top + size, max(left, 0):left + size] = -1
        return x

    assert "changed its input in place" in lesson01.check_cutout(in_place).message
    assert "float64" in lesson01.check_to_signed(lambda im: im.double().div(127.5).sub(1).unsqueeze(1)).message

    def mixed(x, dx, dy):  # checks the shift against the wrong side: only a non-square image shows it
        h, w = x.shape[-2:]
        return torch.full_like(x, -1.0) if abs(dx) >= h or abs(dy) >= w else augment.translate(x, dx, dy)

    assert not lesson01.check_translate(mixed).passed


def test_lesson02_concatenated_d_call_and_log_sigmoid_eps():
    def concatenated(generator, discriminator, opt_d, real, z):
        with torch.no_grad():
            fake = generator(z)
        logits = discriminator(torch.cat([real, fake]))
        loss = F.softplus(-logits[: real.size(0)]).mean() + F.softplus(logits[real.size(0):]).mean()
        opt_d.zero_grad()
        loss.backward()
        opt_d.step()
        return loss.detach()

    message = lesson02.check_d_step(concatenated).message
    assert "concatenation" in message and "sigmoid" not in message
    message = lesson02.check_non_saturating_loss(lambda x: -torch.log(torch.sigmoid(x) + 1e-8).mean()).message
    assert "An eps inside the log" in message


def test_lesson03_mean_projection_and_one_plus_gain():
    assert "inner product, a sum" in lesson03.check_projection(lambda phi, e, y: (phi * e[y]).mean(1)).message
    message = lesson03.check_conditional_norm(
        lambda x, g, b, y: x * (1 + g[y])[:, :, None, None] + b[y][:, :, None, None]).message
    assert "without the 1 +" in message


def penalty(critic, real, fake, eps, weight=10.0, reduce="sum", fresh=False):
    e = (torch.rand(len(eps)) if fresh else eps).reshape(-1, 1, 1, 1)
    x = (e * real + (1 - e) * fake).requires_grad_(True)
    scores = critic(x)
    (grad,) = torch.autograd.grad(scores.sum() if reduce == "sum" else scores.mean(), x, create_graph=True)
    return weight * (grad.flatten(1).norm(dim=1) - 1).pow(2).mean()


def test_lesson04_mean_of_scores_and_a_fresh_eps():
    assert lesson04.check_gradient_penalty(penalty).passed
    assert "critic(x_hat).mean()" in lesson04.check_gradient_penalty(
        lambda c, r, f, e, weight=10.0: penalty(c, r, f, e, weight, reduce="mean")).message
    assert "use the eps passed in" in lesson04.check_gradient_penalty(
        lambda c, r, f, e, weight=10.0: penalty(c, r, f, e, weight, fresh=True)).message


def test_lesson06_covariance_over_the_wrong_axis():
    def rows(f1, f2):
        f1, f2 = f1.double().numpy(), f2.double().numpy()
        s1, s2 = np.cov(f1), np.cov(f2)
        return float(((f1.mean(0) - f2.mean(0)) ** 2).sum() + np.trace(s1 + s2 - 2 * scipy.linalg.sqrtm(s1 @ s2).real))

    assert "rowvar=False" in lesson06.check_fid(rows).message
