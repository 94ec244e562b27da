"""Every number of a description-to-image model, on the test split of the colour edition.

- retrieval: text -> image recall@1 and @5 of the encoder, seen and held-out phrasings, English and 中文
  (``encoder_training.retrieval``; a caption per test image naming every attribute, the gallery its images);
- generated images: one prompt per test image naming its category and every attribute (seen phrasings,
  English and Chinese alternately); the samples' category is read by the course classifier from their
  luminance (``colour.luminance_view``), their attributes are *measured* (``attributes.measure``) and
  compared with the prompt, each next to chance and to the tagger's accuracy on the real test images; the
  category accuracy also per category and per colour, each as a ratio to the classifier's accuracy on the real
  test images of that group (``by_group``: a category the generator does not draw shows as a low ratio);
- variety within one prompt (``prompt_diversity``): for every category and colour with enough real test images,
  the mean pairwise distance of the classifier features of 64 samples of the prompt "COLOUR CATEGORY" over that of
  the real test images of that category and colour (their other attributes free); 1 is the real variety, and a
  generator that ignores z for a prompt scores 0;
- FID on the course scale: the course classifier's features of the samples' luminance views against those of
  the real test images of the edition (the same n).

Every network (encoder, generator, tagger, classifier) runs on the ``device`` given; the scores are computed
on the CPU.
"""

from __future__ import annotations

import random

import torch

from ..categories import CLASS_NAMES
from ..data import to_float, to_uint8
from ..metrics.features import extract, make_extractor
from ..metrics.scorer import FidScorer
from ..runtime import resolve_device
from .attributes import VALUES, measure
from .captions import CATEGORY_EN
from .catalog import Edition, edition
from .colour import COLOURS, luminance_view
from .encoder_training import caption_batch, retrieval
from .model import TextToImage
from .tagger import head_accuracy, majority_accuracy, predict
from .text_gan import generate

RETRIEVAL_IMAGES = 1000


def prompts_for(data: Edition, seed: int) -> list[str]:
    """One full prompt per image of ``data``: English for even positions, Chinese for odd ones."""
    rng = random.Random(seed)
    out = []
    for i in range(len(data)):
        language = "en" if i % 2 == 0 else "zh"
        out.append(caption_batch(data, torch.tensor([i]), rng, "seen", language, mention=1.0)[0].text)
    return out


def by_group(fake_hit: torch.Tensor, real_hit: torch.Tensor, groups: torch.Tensor, names) -> dict:
    """{name: {"generated", "real", "ratio", "n"}} of two (N,) bool hit vectors in each group of ``groups`` (N,)
    int64: the share of hits among the samples and the real images of that group, and generated / real."""
    out = {}
    for index, name in enumerate(names):
        chosen = groups == index
        if not chosen.any():
            continue
        generated, real = fake_hit[chosen].float().mean().item(), real_hit[chosen].float().mean().item()
        out[name] = {"generated": round(generated, 4), "real": round(real, 4),
                     "ratio": round(generated / real, 4) if real > 0 else None, "n": int(chosen.sum())}
    return out


def prompt_diversity(model: TextToImage, data: Edition, real_features: torch.Tensor, extractor, seed: int,
                     samples: int = 64, minimum: int = 8) -> dict:
    """{"mean", "min", "max", "prompts", "by_category": {name: mean ratio}} of the per-prompt diversity ratios
    (see the module docstring); real_features: (N, F) of ``data``'s images in order. Pairs of category and colour
    with fewer than ``minimum`` real images are left out (no prompts: the numbers are None)."""
    colours, pairs = data.attributes["colour"], []
    for category in range(len(CLASS_NAMES)):
        for colour in range(len(COLOURS)):
            chosen = (data.labels == category) & (colours == colour)
            if int(chosen.sum()) >= minimum:
                pairs.append((category, colour, chosen))
    if not pairs:
        return {"mean": None, "min": None, "max": None, "prompts": 0, "by_category": {}}
    prompts = [f"{COLOURS[colour]} {CATEGORY_EN[category][0]}" for category, colour, _ in pairs]
    embeddings = model.embed(prompts).repeat_interleave(samples, dim=0)  # (P * samples, E)
    fake = torch.cat([generate(model.generator, embeddings[i:i + 512], seed=seed + i)
                      for i in range(0, len(embeddings), 512)])
    fake_features, _ = extract(to_float(luminance_view(to_uint8(fake))), extractor, progress=False)
    fake_features = fake_features.view(len(pairs), samples, -1)
    ratios = torch.tensor([torch.pdist(fake_features[k].double()).mean().item()
                           / torch.pdist(real_features[chosen].double()).mean().item()
                           for k, (_, _, chosen) in enumerate(pairs)])
    by_category = {CLASS_NAMES[c]: round(ratios[[k for k, p in enumerate(pairs) if p[0] == c]].mean().item(), 4)
                   for c in sorted({p[0] for p in pairs})}
    return {"mean": round(ratios.mean().item(), 4), "min": round(ratios.min().item(), 4),
            "max": round(ratios.max().item(), 4), "prompts": len(pairs), "by_category": by_category}


def generated_scores(model: TextToImage, data: Edition, seed: int, device="auto",
                     variety_samples: int = 64) -> tuple[dict, torch.Tensor, torch.Tensor]:
    """(scores of samples drawn from ``data``'s prompts, their classifier features, the real features); the
    classifier runs on ``device``, the model's networks where they are; variety_samples: samples per prompt of
    ``prompt_diversity``."""
    prompts = prompts_for(data, seed)
    embeddings = torch.cat([model.embed(prompts[i:i + 500]) for i in range(0, len(prompts), 500)])
    fake = torch.cat([generate(model.generator, embeddings[i:i + 500], seed=seed + i)
                      for i in range(0, len(embeddings), 500)])
    pixels = to_uint8(fake)
    found = measure(pixels, data.labels, model.thresholds)
    extractor = make_extractor(device=device)
    fake_features, logits = extract(to_float(luminance_view(pixels)), extractor, progress=False)
    real_features, real_logits = extract(to_float(luminance_view(data.images)), extractor, progress=False)
    fake_hit, real_hit = logits.argmax(1) == data.labels, real_logits.argmax(1) == data.labels
    scores = {"category_accuracy": round(fake_hit.float().mean().item(), 4),
              "category_accuracy_real": round(real_hit.float().mean().item(), 4),
              "category_accuracy_by_category": by_group(fake_hit, real_hit, data.labels, CLASS_NAMES),
              "category_accuracy_by_colour": by_group(fake_hit, real_hit, data.attributes["colour"], COLOURS),
              "attribute_accuracy": {name: round((found[name] == data.attributes[name]).float().mean().item(), 4)
                                     for name in VALUES}}
    if model.tagger is not None:
        tagged = predict(model.tagger, fake)
        truth = {"category": data.labels, **data.attributes}
        scores["tagger_on_generated"] = {name: round((tagged[name] == truth[name]).float().mean().item(), 4)
                                         for name in tagged}
    scores["prompt_diversity"] = prompt_diversity(model, data, real_features, extractor, seed, variety_samples)
    return scores, fake_features, real_features


def evaluate_text2img(model: TextToImage, n: int = 2000, seed: int = 0, train: Edition | None = None,
                      device="auto") -> dict:
    """Every metric above, with every network on ``device`` (the model's are moved there); n test images
    (prompts), at most 10000. ``train`` (for the majority baseline) is the first 10000 training images when None."""
    device = resolve_device(device)
    model.to(device)
    test = edition("test", model.thresholds, min(n, 10_000))
    recall = retrieval(model.clip, model.tokenizer, test.subset(slice(0, RETRIEVAL_IMAGES)), seed)
    scores, fake_features, real_features = generated_scores(model, test, seed, device)
    train = train if train is not None else edition("train", model.thresholds, 10_000)
    chance = {name: round(1 / len(values), 4) for name, values in VALUES.items()}
    out = {"n": len(test), "seed": seed,
           "retrieval_recall_at_1": {key: r["1"] for key, r in recall.items()},
           "retrieval_recall_at_5": {key: r["5"] for key, r in recall.items()},
           **scores, "attribute_chance": chance, "majority_baseline": majority_accuracy(train, test),
           "fid_course": round(FidScorer(reference_features=real_features).score_features(
               fake_features), 3)}
    if model.tagger is not None:
        out["tagger_on_real"] = head_accuracy(model.tagger, test)
    return out
