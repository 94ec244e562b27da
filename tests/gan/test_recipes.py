"""Recipes: the default setups and make_trainer."""

import pytest
import torch
from tiny_gan import tiny_images

from course_lib.gan.recipes import RECIPES, get_recipe, make_trainer, steps_for_epochs, train_config_from_dict
from course_lib.gan.trainer import TrainConfig
from course_lib.models.dcgan import DCGANConfig


def test_every_recipe_builds_and_trains_a_step():
    for kind, recipe in RECIPES.items():
        assert recipe.kind == kind and recipe.epochs > 0 and recipe.fast_steps < 100
        cfg = TrainConfig(batch_size=4, seed=recipe.train.seed)
        trainer = make_trainer(kind, recipe.model, cfg, tiny_images(16), torch.arange(16) % 10, "cpu")
        trainer.run(1)
        assert trainer.step == 1


def test_make_trainer_is_seeded_and_places_data_on_the_device():
    cfg = TrainConfig(batch_size=4, seed=5)
    a = make_trainer("dcgan", DCGANConfig(width=4), cfg, tiny_images(16), device="cpu")
    b = make_trainer("dcgan", DCGANConfig(width=4), cfg, tiny_images(16), device=torch.device("cpu"))
    assert torch.equal(next(a.generator.parameters()), next(b.generator.parameters()))
    assert a.batches.device == torch.device("cpu") and a.batches.labels is None  # dcgan ignores labels
    assert steps_for_epochs(a, 2.5) == 10  # 4 batches per epoch


def test_recipes_are_the_gan_kinds():
    assert list(RECIPES) == ["dcgan", "cgan", "wgan-gp"]


def test_clear_errors():
    with pytest.raises(ValueError, match="no training recipe for 'vae'; known: .*dcgan"):
        get_recipe("vae")
    with pytest.raises(ValueError, match=r"unknown fields \['momentum'\]"):
        train_config_from_dict({"momentum": 0.9})
    assert train_config_from_dict({"betas": [0.0, 0.9]}).betas == (0.0, 0.9)
