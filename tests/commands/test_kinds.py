"""course_lib.commands.kinds: one registry of the kinds train, sample and evaluate know."""

import pytest

from course_lib.commands.evaluators import gan_evaluator, unet_evaluator
from course_lib.commands.kinds import KINDS, get_kind
from course_lib.commands.text2img_evaluator import text2img_evaluator
from course_lib.commands.train_flow import train_flow_command
from course_lib.commands.train_gan import train_gan
from course_lib.commands.train_text2img import train_text2img
from course_lib.commands.train_unet import train_unet
from course_lib.editing.pix2pix import FitConfig
from course_lib.editing.training import UNET_RECIPE
from course_lib.gan.recipes import RECIPES


def test_every_gan_recipe_is_a_kind_and_the_unet_has_its_own_runner():
    assert list(KINDS) == [*RECIPES, "unet", "text2img", "flow"]
    assert all(KINDS[k].train is train_gan and KINDS[k].evaluate is gan_evaluator for k in RECIPES)
    text = get_kind("text2img")
    assert text.family == "text" and text.train is train_text2img and text.evaluate is text2img_evaluator
    flow = get_kind("flow")
    assert flow.family == "flow" and flow.train is train_flow_command and flow.evaluate is text2img_evaluator
    unet = get_kind("unet")
    assert unet.train is train_unet and unet.evaluate is unet_evaluator and unet.default_n == 1000
    assert isinstance(UNET_RECIPE.fit, FitConfig) and UNET_RECIPE.model.cond_channels == 1


def test_unknown_kinds_list_the_known_ones():
    with pytest.raises(ValueError, match="unknown model kind 'vae'; known: cgan, dcgan, flow, text2img, unet, wgan-gp"):
        get_kind("vae")
