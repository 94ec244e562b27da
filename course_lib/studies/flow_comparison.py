"""Lesson 10's comparison: the text GAN against the flow model, on the same catalog, judge and CPU.

Both models read the captions through the same frozen encoder (lesson 07's ``text2img.pt``) and are scored by the
same evaluation (``text2img.evaluation.generated_scores``: the course classifier's category, the measured
attributes, variety within one prompt, FID on the course scale), on the same test prompts:

- ``gan_run``: lesson 07's GAN phase retrained on the base's encoder (fp32, as the flow model), its EMA generator
  written every k steps with its training seconds (``training.snapshots_to``), the last one as a text2img file;
- ``curve``: quality against training seconds, from a run's snapshots;
- ``steps_sweep`` and ``guidance_sweep``: the flow model's quality against sampling steps and guidance scale;
- ``ms_per_image``: sampling time per image, timed on a batch.
"""

from __future__ import annotations

import dataclasses
import statistics
from pathlib import Path

import torch

from ..metrics.scorer import FidScorer
from ..models.registry import rebuild
from ..models.text_gan import TextGANConfig
from ..runtime import resolve_device
from ..serialization import read_torch_file
from ..text2img.catalog import edition
from ..text2img.evaluation import generated_scores
from ..text2img.flow import FlowGenerator
from ..text2img.model import TextToImage, save
from ..text2img.text_gan import GANRun, text_gan_loop
from ..text2img.training import RECIPE, run_resumable, snapshots_to
from .timing import timed

STEPS = (1, 2, 4, 8, 16, 32, 64)
GUIDANCE = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0)
ATTRIBUTES = ("colour", "tone", "width", "pattern")


def with_generator(base: TextToImage, generator: torch.nn.Module, kind: str) -> TextToImage:
    """``base``'s encoder, tagger and thresholds with another generator (a copy of the model, networks shared)."""
    return dataclasses.replace(base, generator=generator, kind=kind, gan_state=None)


def gan_run(base: TextToImage, out, steps: int, every: int, mismatch: bool = True, seed: int = 0,
            device="auto", progress: bool = True) -> TextToImage:
    """Retrain lesson 07's GAN phase (its recipe's batch, lr and width; seed + 2 as in ``train text2img``) on
    ``base``'s frozen encoder in fp32 for ``steps`` steps, snapshots every ``every`` into ``out/snapshots``;
    writes ``out/checkpoint.pt`` and returns the model."""
    device, out = resolve_device(device), Path(out)
    run = GANRun(steps, RECIPE.gan_batch, RECIPE.lr, seed + 2, mismatch, "fp32")
    data = edition("train", base.thresholds)
    loop = text_gan_loop(data, base.clip, base.tokenizer, run,
                         TextGANConfig(embed_dim=base.clip.cfg.embed_dim, width=RECIPE.gan_width), device)
    model = with_generator(base, None, "text2img")
    model.extra = {"recipe": {**dataclasses.asdict(RECIPE), "gan_steps": steps, "mismatch": mismatch},
                   "seed": seed, "precision": "fp32", "device": device.type, "phases": {}}
    _, seconds = run_resumable(model, loop, steps, lambda m: None, progress,
                               snapshots_to(out / "snapshots", every, "text_gan.generator"))
    model.generator, model.gan_state = loop.update.ema.module, None
    model.extra["phases"]["gan"] = {"seconds": round(seconds, 1)}
    save(out / "checkpoint.pt", model)
    return model


def quality(model: TextToImage, n: int = 400, seed: int = 0, variety_samples: int = 12, device="auto") -> dict:
    """{"fid", "category", the four attributes, "variety", "variety_by_category"} of ``model`` on the first
    ``n`` test prompts (``generated_scores``), variety over ``variety_samples`` samples per prompt."""
    test = edition("test", model.thresholds, n)
    scores, fake, real = generated_scores(model, test, seed, device, variety_samples)
    return {"fid": round(FidScorer(reference_features=real).score_features(fake), 3),
            "category": scores["category_accuracy"],
            **{name: scores["attribute_accuracy"][name] for name in ATTRIBUTES},
            "variety": scores["prompt_diversity"]["mean"],
            "variety_by_category": scores["prompt_diversity"]["by_category"]}


def ms_per_image(model: TextToImage, batch: int = 256, repeats: int = 3) -> float:
    """Milliseconds per image of drawing a batch of one prompt where the model's networks are (the median of
    ``repeats`` timed runs after one warm-up), the text encoder included."""
    device = next(model.generator.parameters()).device
    model.generate("a red dress", n=batch)
    seconds = [timed(model.generate, "a red dress", batch, device=device) for _ in range(repeats)]
    return round(1000 * statistics.median(seconds) / batch, 3)


def snapshot_generator(path) -> tuple[dict, torch.nn.Module]:
    """({"step", "seconds"}, the network) of one snapshot file; a flow network comes wrapped in a FlowGenerator
    (set its sampler with ``configure``)."""
    obj = read_torch_file(path, "training snapshot")
    network = rebuild(obj["network"])
    if obj["network"]["arch"] == "flow":
        network = FlowGenerator(network)
    return {"step": int(obj["step"]), "seconds": float(obj["seconds"])}, network


def curve(base: TextToImage, folder, steps: tuple[int, ...], sampler: dict | None = None, **quality_args) -> list:
    """Quality of the snapshots of ``folder`` at the given training ``steps``: rows {"step", "seconds", quality}.
    sampler: ``FlowGenerator.configure``'s settings for a flow run."""
    rows = []
    for step in steps:
        stamp, generator = snapshot_generator(Path(folder) / f"step_{step:06d}.pt")
        kind = "text2img"
        if isinstance(generator, FlowGenerator):
            generator.configure(**(sampler or {}))
            kind = "flow"
        rows.append({**stamp, **quality(with_generator(base, generator, kind), **quality_args)})
    return rows


def steps_sweep(flow: TextToImage, steps=STEPS, guidance: float = 2.0, **quality_args) -> list:
    """Quality and ms per image of the flow model at each number of Euler steps: rows {"steps", "ms", quality}."""
    rows = []
    for k in steps:
        flow.generator.configure(steps=k, guidance=guidance)
        rows.append({"steps": k, "guidance": guidance, "ms": ms_per_image(flow), **quality(flow, **quality_args)})
    return rows


def guidance_sweep(flow: TextToImage, scales=GUIDANCE, steps: int = 16, **quality_args) -> list:
    """Quality of the flow model at each guidance scale: rows {"guidance", quality}."""
    rows = []
    for w in scales:
        flow.generator.configure(steps=steps, guidance=w)
        rows.append({"guidance": w, "steps": steps, **quality(flow, **quality_args)})
    return rows
