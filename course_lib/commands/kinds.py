"""The one registry of model kinds that ``train``, ``sample``, ``evaluate`` and ``finetune`` know.

A kind says how the command line trains it, samples and evaluates a file of it (each gets the file's contents,
read once by ``model_file.open_model_file``), and why ``finetune`` refuses it, if it does. Every GAN recipe in
``course_lib.gan.recipes.RECIPES`` is a kind here (adding a GAN kind is one recipe, plus its architecture
in ``course_lib.models.GAN_KINDS``); another family of models is one ``Kind`` entry in ``OTHER_KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..gan.recipes import RECIPES
from ..models import get_model_kind
from .evaluators import gan_evaluator, unet_evaluator
from .sample_text import sample_prompt
from .samplers import gan_sampler, unet_sampler
from .text2img_evaluator import text2img_evaluator
from .train_flow import train_flow_command
from .train_gan import train_gan
from .train_text2img import train_text2img
from .train_unet import train_unet


@dataclass(frozen=True)
class Kind:
    """family: 'gan' (samples from noise), 'editing', or 'text' and 'flow' (samples from a description);
    train: args -> exit code; sample: (path, obj, args) -> exit code; evaluate: (path, obj, args) -> (payload, text);
    default_n: ``evaluate --n`` when not given; finetune_refusal: why ``finetune`` refuses a file of this kind
    (None: it fine-tunes it)."""

    family: str
    train: Callable
    sample: Callable
    evaluate: Callable
    default_n: int = 10_000
    finetune_refusal: str | None = None


CONDITIONAL = ("is a conditional GAN ({kind}): adding the new line as an eleventh class is not supported yet; "
               "fine-tune an unconditional one (dcgan, wgan-gp).")
OTHER_KINDS: dict[str, Kind] = {
    # the classical baselines are slow, so the U-Net is scored on 1000 test images by default
    "unet": Kind("editing", train_unet, unet_sampler, unet_evaluator, default_n=1000, finetune_refusal=(
        "is an editing U-Net, which restores photos and draws none: fine-tune a GAN (checkpoints/dcgan.pt, "
        "checkpoints/wgan_gp.pt or a `train` checkpoint).")),
    # one prompt per test image, 2000 by default: the encoder's retrieval and the samples' attributes
    "text2img": Kind("text", train_text2img, sample_prompt, text2img_evaluator, default_n=2000, finetune_refusal=(
        "is a text-to-image model: `finetune` adapts an unconditional GAN (checkpoints/dcgan.pt) to a new line; "
        "retrain this one with `python -m course_lib train text2img`.")),
    # lesson 10: the same file format and the same report as text2img, drawn by a sampler of --steps and --guidance
    "flow": Kind("flow", train_flow_command, sample_prompt, text2img_evaluator, default_n=2000, finetune_refusal=(
        "is a flow-matching model: `finetune` adapts an unconditional GAN (checkpoints/dcgan.pt) to a new line; "
        "retrain this one with `python -m course_lib train flow`.")),
}
KINDS: dict[str, Kind] = {
    **{name: Kind("gan", train_gan, gan_sampler, gan_evaluator,
                  finetune_refusal=CONDITIONAL.format(kind=name) if get_model_kind(name).conditional else None)
       for name in RECIPES},
    **OTHER_KINDS}


def get_kind(name: str) -> Kind:
    """The registry entry ``name``; unknown names list the known ones."""
    if name not in KINDS:
        raise ValueError(f"unknown model kind {name!r}; known: {', '.join(sorted(KINDS))}.")
    return KINDS[name]
