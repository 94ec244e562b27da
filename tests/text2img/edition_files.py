"""A small constructed colour edition for the text2img tests: rectangles of known colour, width and tone."""

import copy

import torch

from course_lib.models.clip import ClipConfig
from course_lib.models.text_gan import TextGANConfig
from course_lib.text2img.attributes import fit_thresholds, measure
from course_lib.text2img.captions import training_corpus
from course_lib.text2img.catalog import Edition
from course_lib.text2img.colour import assign_colours, tint
from course_lib.text2img.encoder_training import train_clip
from course_lib.text2img.tokenizer import train_tokenizer


def constructed_edition(n: int = 240, seed: int = 0, categories: int = 2) -> Edition:
    """n products in ``categories`` categories (rectangles starting lower for each), random width and
    brightness, balanced colours."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % categories
    grey = torch.zeros(n, 28, 28, dtype=torch.uint8)
    for i in range(n):
        width = int(torch.randint(4, 24, (1,), generator=g))
        top = 2 + 2 * int(labels[i])
        grey[i, top:24, 14 - width // 2:14 - width // 2 + width] = int(torch.randint(90, 256, (1,), generator=g))
    images = tint(grey, assign_colours(labels, seed=seed))
    return Edition(images, labels, measure(images, labels, fit_thresholds(images, labels, num_classes=categories)))


_TRAINED = {}  # seed -> (model, data): one training per seed and test session, each caller gets its own copy


def tiny_model(seed: int = 0, save=None):
    """A text2img model trained with the fast recipe on 10 constructed categories (a few seconds; trained once
    per seed and session and copied, unless ``save`` asks to watch the training)."""
    from course_lib.text2img.training import FAST_RECIPE, train_phases

    if save is None and seed in _TRAINED:
        model, data = _TRAINED[seed]
        return copy.deepcopy(model), data
    data = constructed_edition(320, categories=10)
    thresholds = fit_thresholds(data.images, data.labels)
    model = train_phases(data, thresholds, FAST_RECIPE, seed, save=save or (lambda m: None), progress=False)
    if save is None:
        _TRAINED[seed] = (copy.deepcopy(model), data)
    return model, data


def tiny_text_gan_setup():
    """(edition, tokenizer, a 3-step CLIP, a tiny TextGANConfig) for text-GAN tests."""
    data, tokenizer = constructed_edition(), train_tokenizer(training_corpus())
    clip, _ = train_clip(data, tokenizer, steps=3, batch_size=16, progress=False,
                         cfg=ClipConfig(vocab_size=tokenizer.get_vocab_size(), dim=16, layers=1, heads=2,
                                        embed_dim=8, image_width=4))
    return data, tokenizer, clip, TextGANConfig(embed_dim=8, latent_dim=8, width=8)


def tiny_flow(base, data, steps: int = 6, seed: int = 0, save=lambda m: None, **recipe):
    """A flow model (lesson 10) of ``steps`` fast-recipe steps on ``base``'s encoder and ``data`` (a second)."""
    import dataclasses

    from course_lib.text2img.flow_training import FAST_RECIPE, flow_model, train_flow

    recipe = dataclasses.replace(FAST_RECIPE, steps=steps, **recipe)
    return train_flow(flow_model(base, {"seed": seed}), data, recipe, seed, "fp32", save, progress=False,
                      device="cpu")
