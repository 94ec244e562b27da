"""Lesson 03 checks: the reference passes, usual mistakes fail with their hint, an unwritten one says so."""

import torch

from course_lib.exercises.lesson03 import check_conditional_norm, check_projection
from course_lib.models.cgan import ConditionalBatchNorm2d, ProjectionDiscriminator


def unwritten(*args):
    raise NotImplementedError


def test_projection_check():
    assert check_projection(lambda phi, e, y: (phi * e[y]).sum(1))
    assert check_projection(lambda phi, e, y: torch.einsum("nd,nd->n", phi, e[y]))
    assert "not written yet" in repr(check_projection(unwritten))
    for wrong, words in [
        (lambda phi, e, y: phi * e[y], "sum the product over the feature dimension"),
        (lambda phi, e, y: (phi * e[y]).sum(), "One score per image"),
        (lambda phi, e, y: phi @ e[y].T, "the diagonal"),
        (lambda phi, e, y: phi @ e.T, "scored every category"),
        (lambda phi, e, y: phi.sum(1) * e[y].sum(1), "product of two sums"),
    ]:
        result = check_projection(wrong)
        assert not result and words in repr(result), repr(result)


def test_projection_reference_is_what_the_discriminator_adds():
    from course_lib.exercises.lesson03 import reference_projection
    from course_lib.models.cgan import CGANConfig

    discriminator = ProjectionDiscriminator(CGANConfig(width=4)).eval()
    x, labels = torch.randn(3, 1, 28, 28), torch.tensor([1, 8, 8])
    phi = discriminator.features(x)
    torch.testing.assert_close(discriminator(x, labels) - discriminator.psi(phi).squeeze(1),
                               reference_projection(phi, discriminator.embed.tables[0].weight, labels))


def test_conditional_norm_check():
    def right(x_hat, gain, bias, y):
        return x_hat * gain[y][:, :, None, None] + bias[y][:, :, None, None]

    assert check_conditional_norm(right)
    assert "not written yet" in repr(check_conditional_norm(unwritten))
    for wrong, words in [
        (lambda x, g, b, y: x * g[y][:, :, None, None], "shift is missing"),
        (lambda x, g, b, y: x * b[y][:, :, None, None] + g[y][:, :, None, None], "swapped"),
        (lambda x, g, b, y: x * g[y] + b[y], "add two trailing dimensions"),
        (lambda x, g, b, y: x * g[y].mean() + b[y].mean(), "do not average"),
    ]:
        result = check_conditional_norm(wrong)
        assert not result and words in repr(result), repr(result)


def test_conditional_norm_reference_matches_the_layer():
    from course_lib.exercises.lesson03 import reference_conditional_norm

    norm = ConditionalBatchNorm2d(3, (("category", 10),)).eval()
    x, labels = torch.randn(4, 3, 5, 5), torch.tensor([0, 9, 4, 4])
    x_hat = norm.norm(x)
    gain, bias = 1 + norm.gain.tables[0].weight, norm.bias.tables[0].weight
    torch.testing.assert_close(norm(x, labels), reference_conditional_norm(x_hat, gain, bias, labels))
