"""The one registry of model kinds that ``train``, ``sample`` and ``evaluate`` know.

A kind says how the command line trains it and evaluates a file of it. Every GAN recipe in
``course_lib.gan.recipes.RECIPES`` is a kind here (adding a GAN kind is one recipe, plus its architecture
in ``course_lib.models.GAN_KINDS``); another family of models is one ``Kind`` entry in ``OTHER_KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..gan.recipes import RECIPES
from .evaluators import gan_evaluator, unet_evaluator
from .text2img_evaluator import text2img_evaluator
from .train_gan import train_gan
from .train_text2img import train_text2img
from .train_unet import train_unet


@dataclass(frozen=True)
class Kind:
    """family: 'gan' (samples from noise), 'editing' or 'text' (samples from a description);
    train: args -> exit code; evaluate:
    (path, args) -> (payload, text); default_n: ``evaluate --n`` when not given."""

    family: str
    train: Callable
    evaluate: Callable
    default_n: int = 10_000


OTHER_KINDS: dict[str, Kind] = {
    # the classical baselines are slow, so the U-Net is scored on 1000 test images by default
    "unet": Kind("editing", train_unet, unet_evaluator, default_n=1000),
    # one prompt per test image, 2000 by default: the encoder's retrieval and the samples' attributes
    "text2img": Kind("text", train_text2img, text2img_evaluator, default_n=2000),
}
KINDS: dict[str, Kind] = {**{name: Kind("gan", train_gan, gan_evaluator) for name in RECIPES}, **OTHER_KINDS}


def get_kind(name: str) -> Kind:
    """The registry entry ``name``; unknown names list the known ones."""
    if name not in KINDS:
        raise ValueError(f"unknown model kind {name!r}; known: {', '.join(sorted(KINDS))}.")
    return KINDS[name]
