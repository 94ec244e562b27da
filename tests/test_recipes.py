"""Recipes: the default setups and make_trainer."""

import pytest
import torch
from tiny_gan import tiny_images

from course_lib.models.dcgan import DCGANConfig
from course_lib.pix2pix import FitConfig
from course_lib.recipes import RECIPES, get_recipe, make_trainer, steps_for_epochs, train_config_from_dict
from course_lib.train import TrainConfig
from course_lib.unet_runner import run_unet


def test_every_recipe_builds_and_trains_a_step():
    for kind, recipe in RECIPES.items():
        assert recipe.kind == kind and recipe.epochs > 0 and recipe.fast_steps < 100
        if recipe.run is not None:  # its own runner (unet): tested in tests/commands/test_train_unet.py
            continue
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


def test_clear_errors():
    with pytest.raises(ValueError, match="no training recipe for 'vae'; known: .*dcgan"):
        get_recipe("vae")
    with pytest.raises(ValueError, match=r"unknown fields \['momentum'\]"):
        train_config_from_dict({"momentum": 0.9})
    assert train_config_from_dict({"betas": [0.0, 0.9]}).betas == (0.0, 0.9)


def test_the_unet_recipe_has_its_own_runner():
    recipe = get_recipe("unet")
    assert recipe.run is run_unet and isinstance(recipe.train, FitConfig) and recipe.model.cond_channels == 1
    assert [kind for kind, r in RECIPES.items() if r.run is None] == ["dcgan", "cgan", "wgan-gp"]
