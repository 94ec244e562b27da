"""sample(): seeded, gradient-free, eval mode, model left as it was."""

import pytest
import torch
from torch import nn

from course_lib.gan.sampling import default_labels, latent_noise, sample
from course_lib.models.dcgan import DCGANConfig, Generator
from course_lib.runtime import eval_mode


def test_sample_is_seeded_in_range_and_restores_train_mode():
    generator = Generator(DCGANConfig(latent_dim=4, width=4, image_size=32)).train()
    stats = generator.project[2].running_mean.clone()
    a, b, c = sample(generator, 10, seed=1), sample(generator, 10, seed=1), sample(generator, 10, seed=2)
    assert a.shape == (10, 1, 32, 32) and a.min() >= -1 and a.max() <= 1 and not a.requires_grad
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert generator.training and torch.equal(generator.project[2].running_mean, stats)  # eval: BN untouched
    torch.testing.assert_close(sample(generator, 10, seed=1, batch_size=3), a)
    torch.testing.assert_close(sample(generator, 2, z=latent_noise(10, 4, 1)[:2]), a[:2])


def test_eval_mode_restores_each_models_mode():
    a, b = nn.Linear(1, 1).train(), nn.Linear(1, 1).eval()
    with eval_mode(a, b):
        assert not a.training and not b.training
    assert a.training and not b.training


class Conditional(nn.Module):
    latent_dim, num_classes = 2, 3

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(()))

    def forward(self, z, labels):
        return (labels.float() * self.weight).reshape(-1, 1, 1, 1).expand(-1, 1, 2, 2)


def test_conditional_generators_get_labels():
    images = sample(Conditional(), 5)
    assert images[:, 0, 0, 0].tolist() == [0.0, 1.0, 2.0, 0.0, 1.0]
    assert torch.equal(default_labels(4, 3), torch.tensor([0, 1, 2, 0]))
    assert sample(Conditional(), 2, labels=torch.tensor([2, 2]))[:, 0, 0, 0].tolist() == [2.0, 2.0]
    with pytest.raises(ValueError, match="not conditional"):
        sample(Generator(DCGANConfig(latent_dim=4, width=4)), 2, labels=torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="n must be at least 1"):
        sample(Conditional(), 0)
