"""Conditional GAN: label dependence, batch independence in eval mode, projection, attributes."""

import dataclasses

import pytest
import torch

from course_lib.models import GAN_KINDS, build_models, model_config
from course_lib.models.cgan import (
    CGANConfig,
    ConditionalBatchNorm2d,
    ConditionEmbedding,
    ProjectionDiscriminator,
    build_cgan,
    condition_vector,
)

TINY = CGANConfig(latent_dim=8, width=4)


@pytest.mark.parametrize("image_size", [28, 32])
@pytest.mark.parametrize("d_norm", ["batch", "spectral", "none"])
def test_shapes_ranges_and_registry(image_size, d_norm):
    cfg = dataclasses.replace(TINY, image_size=image_size, d_norm=d_norm)
    generator, discriminator = build_models("cgan", cfg)
    labels = torch.tensor([0, 3, 9, 3, 5])
    fake = generator(torch.randn(5, 8), labels)
    assert fake.shape == (5, 1, image_size, image_size) and fake.min() >= -1 and fake.max() <= 1
    assert discriminator(fake, labels).shape == (5,)
    assert generator.latent_dim == 8 and generator.num_classes == discriminator.num_classes == 10
    assert GAN_KINDS["cgan"].conditional


def test_generator_output_changes_with_the_label():
    generator, _ = build_cgan(TINY)
    generator.eval()
    z = torch.randn(1, 8).repeat(10, 1)  # one z, every category
    fake = generator(z, torch.arange(10))
    for k in range(1, 10):
        assert (fake[k] - fake[0]).abs().max() > 1e-4
    torch.testing.assert_close(generator(z[:1], torch.tensor([4])), fake[4:5])  # same (z, label) -> same image


def test_generator_in_eval_mode_ignores_the_rest_of_the_batch():
    generator, _ = build_cgan(TINY)
    generator.train()
    generator(torch.randn(16, 8), torch.arange(16) % 10)  # move the running statistics off their init
    generator.eval()
    z, labels = torch.randn(6, 8), torch.tensor([1, 2, 3, 4, 5, 6])
    alone = torch.cat([generator(z[i: i + 1], labels[i: i + 1]) for i in range(6)])
    other = torch.cat([z[:3], torch.randn(5, 8)]), torch.cat([labels[:3], torch.tensor([9, 9, 9, 9, 9])])
    torch.testing.assert_close(generator(z, labels), alone)
    torch.testing.assert_close(generator(*other)[:3], alone[:3])


def test_conditional_batch_norm_is_batch_norm_plus_per_class_gain_and_bias():
    norm = ConditionalBatchNorm2d(3, (("category", 4),)).train()
    with torch.no_grad():
        norm.gain.tables[0].weight.copy_(torch.arange(12.0).view(4, 3) / 10)
        norm.bias.tables[0].weight.copy_(-torch.arange(12.0).view(4, 3))
    x, labels = torch.randn(5, 3, 2, 2), torch.tensor([0, 1, 2, 3, 1])
    x_hat = torch.nn.functional.batch_norm(x, None, None, training=True)
    gain = 1 + torch.arange(12.0).view(4, 3)[labels] / 10
    expected = x_hat * gain[:, :, None, None] - torch.arange(12.0).view(4, 3)[labels][:, :, None, None]
    torch.testing.assert_close(norm(x, labels), expected)


def test_projection_discriminator_is_psi_plus_inner_product():
    discriminator = ProjectionDiscriminator(TINY).eval()
    x, labels = torch.randn(4, 1, 28, 28), torch.tensor([0, 7, 7, 2])
    phi = discriminator.features(x)
    assert phi.shape == (4, discriminator.feature_dim) == (4, 2 * 4 * 7 * 7)
    table = discriminator.embed.tables[0].weight  # (10, feature_dim): V
    expected = discriminator.psi(phi).squeeze(1) + (phi * table[labels]).sum(1)
    torch.testing.assert_close(discriminator(x, labels), expected)
    with torch.no_grad():
        table.zero_()  # no projection: the label cannot matter
    torch.testing.assert_close(discriminator(x, labels), discriminator(x, (labels + 1) % 10))


def test_condition_vector_and_embedding_with_two_attributes():
    attributes = (("category", 10), ("colour", 3))
    labels = torch.tensor([[3, 0], [9, 2]])
    y = condition_vector(labels, attributes)
    assert y.shape == (2, 13)
    torch.testing.assert_close(y[0], torch.eye(13)[3] + torch.eye(13)[10])
    embed = ConditionEmbedding(attributes, 5)
    stacked = torch.cat([t.weight for t in embed.tables])  # (13, 5)
    torch.testing.assert_close(embed(labels), y @ stacked)  # the lookups are V y

    cfg = dataclasses.replace(TINY, attributes=attributes)
    generator, discriminator = build_cgan(cfg)
    fake = generator(torch.randn(2, 8), labels)
    assert discriminator(fake, labels).shape == (2,) and generator.num_classes == 10
    with pytest.raises(ValueError, match=r"do not fit the attributes \['category', 'colour'\]"):
        generator(torch.randn(2, 8), torch.tensor([3, 9]))


def test_config_round_trips_through_its_dict_and_rejects_bad_values():
    cfg = dataclasses.replace(TINY, attributes=(("category", 10), ("colour", 3)))
    as_lists = {**dataclasses.asdict(cfg), "attributes": [["category", 10], ["colour", 3]]}  # as JSON gives it
    assert model_config("cgan", as_lists) == cfg
    for bad, message in (({"attributes": ()}, "attributes"), ({"attributes": (("category", 1),)}, "attributes"),
                         ({"d_norm": "layer"}, "d_norm"), ({"width": 0}, "width"),
                         ({"image_size": 48}, r"one of \(28, 32, 64, 128\)")):
        with pytest.raises(ValueError, match=message):
            CGANConfig(**bad)
