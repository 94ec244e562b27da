"""One discriminator step touches only D, one generator step only G; fakes are detached in the D step."""

import pytest
import torch
from torch import nn

from course_lib.gan.losses import get_loss
from course_lib.gan.steps import d_step, frozen, g_step, grad_norm
from course_lib.models.dcgan import DCGANConfig, build_dcgan

LOSS = get_loss("non_saturating")


def setup(width=8):
    generator, discriminator = build_dcgan(DCGANConfig(latent_dim=4, width=width))
    opt_g = torch.optim.Adam(generator.parameters(), lr=1e-3)
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=1e-3)
    return generator, discriminator, opt_g, opt_d


def params(module):
    return [p.detach().clone() for p in module.parameters()]


def changed(before, module):
    return [not torch.equal(a, b) for a, b in zip(before, module.parameters())]


def test_d_step_changes_only_the_discriminator():
    generator, discriminator, _, opt_d = setup()
    g_before, d_before = params(generator), params(discriminator)
    stats = d_step(generator, discriminator, opt_d, torch.rand(6, 1, 28, 28) * 2 - 1, torch.randn(6, 4), LOSS)
    assert not any(changed(g_before, generator))
    assert all(changed(d_before, discriminator))
    assert all(p.grad is None for p in generator.parameters())  # the fakes were detached
    assert set(stats) == {"d_loss", "d_real", "d_fake", "d_acc", "d_grad_norm"}
    assert all(v.dim() == 0 and not v.requires_grad for v in stats.values())


def test_g_step_changes_only_the_generator_and_unfreezes_the_discriminator():
    generator, discriminator, opt_g, _ = setup()
    g_before, d_before = params(generator), params(discriminator)
    stats = g_step(generator, discriminator, opt_g, torch.randn(6, 4), LOSS)
    assert all(changed(g_before, generator))
    assert not any(changed(d_before, discriminator))
    assert all(p.grad is None and p.requires_grad for p in discriminator.parameters())
    assert set(stats) == {"g_loss", "g_grad_norm"}


def test_fakes_reach_the_discriminator_step_detached_and_batch_size_follows_real():
    generator, discriminator, _, opt_d = setup()
    seen = {}

    def regularizer(d, real, fake, labels):
        seen.update(real=real, fake=fake, labels=labels, d=d)
        return torch.zeros(())

    stats = d_step(generator, discriminator, opt_d, torch.zeros(3, 1, 28, 28), torch.randn(3, 4), LOSS,
                   regularizer=regularizer)
    assert seen["fake"].grad_fn is None and not seen["fake"].requires_grad
    assert seen["fake"].shape == (3, 1, 28, 28) and seen["d"] is discriminator and seen["labels"] is None
    assert stats["d_penalty"].item() == 0.0


def test_regularizer_is_added_to_the_discriminator_loss():
    results = []
    for weight in (0.0, 1.0):
        torch.manual_seed(0)
        generator, discriminator, _, opt_d = setup()
        penalty = lambda d, real, fake, labels, w=weight: w * sum(p.pow(2).sum() for p in d.parameters())  # noqa: E731
        d_step(generator, discriminator, opt_d, torch.zeros(3, 1, 28, 28), torch.randn(3, 4), LOSS, regularizer=penalty)
        results.append(params(discriminator))
    assert any(not torch.equal(a, b) for a, b in zip(*results))


def test_augment_is_applied_to_real_and_fake_in_both_steps():
    generator, discriminator, opt_g, opt_d = setup()
    calls = []

    def augment(x):
        calls.append(x.requires_grad)
        return x.flip(-1)

    d_step(generator, discriminator, opt_d, torch.zeros(2, 1, 28, 28), torch.randn(2, 4), LOSS, augment=augment)
    assert calls == [False, False]
    g_step(generator, discriminator, opt_g, torch.randn(2, 4), LOSS, augment=augment)
    assert calls == [False, False, True]  # the G step's fake carries gradients through the augmentation


class TinyConditional(nn.Module):
    """A conditional pair small enough to check which labels go where."""

    def __init__(self, out):
        super().__init__()
        self.embed, self.latent_dim, self.num_classes, self.seen = nn.Embedding(3, out), 2, 3, []
        self.linear = nn.Linear(2 if out == 4 else 4, out)

    def forward(self, x, labels):
        self.seen.append(labels.clone())
        out = self.linear(x.flatten(1)) + self.embed(labels)
        return out.squeeze(1) if out.shape[1] == 1 else out  # the critic returns logits (N,)


def test_conditional_models_get_their_labels():
    generator, critic = TinyConditional(4), TinyConditional(1)
    opt = torch.optim.SGD(critic.parameters(), lr=0.1)
    labels, fake_labels = torch.tensor([0, 1]), torch.tensor([2, 2])
    d_step(generator, critic, opt, torch.randn(2, 4), torch.randn(2, 2), LOSS, labels, fake_labels)
    assert torch.equal(generator.seen[0], fake_labels)
    assert [t.tolist() for t in critic.seen] == [[0, 1], [2, 2]]


def test_frozen_restores_flags_and_grad_norm_is_the_global_norm():
    layer = nn.Linear(2, 2)
    layer.bias.requires_grad_(False)
    with frozen(layer):
        assert not layer.weight.requires_grad
    assert layer.weight.requires_grad and not layer.bias.requires_grad
    layer.weight.grad = torch.full((2, 2), 3.0)
    torch.testing.assert_close(grad_norm(layer), torch.tensor(6.0))


@pytest.mark.parametrize("loss", ["hinge", "least_squares", "wasserstein", "minimax"])
def test_every_loss_trains_a_step(loss):
    generator, discriminator, opt_g, opt_d = setup()
    d = d_step(generator, discriminator, opt_d, torch.zeros(4, 1, 28, 28), torch.randn(4, 4), get_loss(loss))
    g = g_step(generator, discriminator, opt_g, torch.randn(4, 4), get_loss(loss))
    assert torch.isfinite(d["d_loss"]) and torch.isfinite(g["g_loss"])
