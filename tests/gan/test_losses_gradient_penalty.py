"""The WGAN-GP gradient penalty and weight clipping (course_lib.gan.losses), against values known in closed form."""

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from course_lib.gan.losses import clip_weights, get_regularizer, gradient_penalty


def linear_critic(w: torch.Tensor):
    """C(x) = w . flatten(x): its input gradient is w everywhere."""
    return lambda x: x.flatten(1) @ w


@pytest.mark.parametrize("norm", [0.3, 1.0, 2.5])
def test_linear_critic_gives_exactly_the_norm_gap(norm):
    w = torch.randn(12, dtype=torch.float64)
    w = w * norm / w.norm()
    real, fake = torch.randn(5, 3, 2, 2, dtype=torch.float64), torch.randn(5, 3, 2, 2, dtype=torch.float64)
    expected = 10.0 * (torch.tensor(norm, dtype=torch.float64) - 1) ** 2
    assert_close(gradient_penalty(linear_critic(w), real, fake).double(), expected)
    assert_close(gradient_penalty(linear_critic(w), real, fake, weight=3.0).double(), expected * 0.3)


def test_norms_are_per_sample_over_all_non_batch_dimensions():
    # C(x) = 1/2 ||x||^2 has gradient x; with real == fake the interpolate is x for any eps.
    scales = torch.tensor([0.1, 0.5, 2.0])
    x = scales.reshape(3, 1, 1, 1) * torch.ones(3, 2, 3, 3)  # sample i: gradient norm scales[i] * sqrt(18)
    penalty = gradient_penalty(lambda v: 0.5 * v.flatten(1).pow(2).sum(1), x, x)
    expected = 10.0 * ((scales * 18 ** 0.5 - 1) ** 2).mean()
    assert_close(penalty, expected)
    whole_batch = 10.0 * (x.norm() - 1) ** 2  # the classic bug gives another number
    assert abs(penalty - whole_batch) > 1.0


def test_eps_mixes_real_and_fake_per_sample():
    critic = lambda v: 0.5 * v.flatten(1).pow(2).sum(1)  # noqa: E731  gradient = the interpolate itself
    real, fake = torch.full((2, 1, 2, 2), 1.0), torch.full((2, 1, 2, 2), -1.0)
    eps = torch.tensor([1.0, 0.25])  # x_hat: all 1 (norm 2), all -0.5 (norm 1)
    assert_close(gradient_penalty(critic, real, fake, eps=eps), torch.tensor(10.0 * (1.0 + 0.0) / 2))
    torch.manual_seed(7)
    a = gradient_penalty(critic, real, fake)
    torch.manual_seed(7)
    assert_close(gradient_penalty(critic, real, fake), a)  # default eps: torch's global generator


def test_penalty_is_differentiable_and_moves_critic_weights():
    critic = nn.Sequential(nn.Flatten(), nn.Linear(4, 1, bias=False))
    with torch.no_grad():
        critic[1].weight.copy_(torch.tensor([[1.0, 2.0, -2.0, 0.5]]))  # ||w|| = 3.0414
    w = critic[1].weight.detach().clone()
    real, fake = torch.randn(6, 1, 2, 2), torch.randn(6, 1, 2, 2)
    penalty = gradient_penalty(lambda x: critic(x).squeeze(1), real, fake)
    assert penalty.requires_grad
    penalty.backward()
    expected = 2 * 10.0 * (w.norm() - 1) * w / w.norm()  # d/dw of 10 (||w|| - 1)^2
    assert_close(critic[1].weight.grad, expected)
    torch.optim.SGD(critic.parameters(), lr=0.01).step()
    assert critic[1].weight.norm() < w.norm()  # the step pulls ||w|| towards 1


def test_conditional_critic_gets_the_labels_and_shapes_must_match():
    seen = []

    def critic(x, labels):
        seen.append(labels)
        return x.flatten(1).sum(1)

    x, labels = torch.randn(3, 1, 2, 2), torch.tensor([0, 4, 9])
    assert_close(gradient_penalty(critic, x, x, labels), torch.tensor(10.0 * (2 - 1) ** 2))  # ||ones(4)|| = 2
    assert seen[0] is labels
    with pytest.raises(ValueError, match="must have the same shape"):
        gradient_penalty(critic, x, x[:2], labels)


def test_registered_as_a_regularizer():
    w = torch.tensor([3.0, 4.0])
    penalty = get_regularizer("gp", 2.0)(linear_critic(w), torch.randn(4, 2), torch.randn(4, 2), None)
    assert_close(penalty, torch.tensor(2.0 * 16.0))


def test_clip_weights_clamps_every_parameter_in_place():
    model = nn.Linear(3, 2)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[0.5, -0.2, 0.001], [-0.003, 0.0, 2.0]]))
    clip_weights(model, 0.01)
    assert_close(model.weight, torch.tensor([[0.01, -0.01, 0.001], [-0.003, 0.0, 0.01]]))
    assert model.bias.abs().max() <= 0.01
    with pytest.raises(ValueError, match="limit must be positive"):
        clip_weights(model, 0.0)
