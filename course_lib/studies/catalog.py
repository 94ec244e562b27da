"""What to expect at 64 px from a few thousand photos: one run of ``train dcgan --data`` scored as it trains.

The study behind ``data_scripts/catalog_expectations.py`` (which has the measures' definitions and the command)
and docs/your-catalog.md: the synthetic example folder split into training and held-out photos, the dcgan recipe
trained on it in colour, and after every few epochs, with the clock stopped, ``fid_dark`` (and its floor),
``d_gap``, ``d_fake`` and ``nn_ratio``. ``run`` prints one JSON line per measurement; ``plot`` draws them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from ..data import to_float
from ..gan import recipes
from ..gan.sampling import sample
from ..metrics.features import extract, make_extractor
from ..metrics.nearest import nearest_neighbours
from ..metrics.scorer import FidScorer
from ..photos.folders import load_image_folder
from ..runtime import eval_mode
from ..text2img.colour import ink


def darkness(x: torch.Tensor) -> torch.Tensor:
    """Photos (N, C, S, S) in [-1, 1], product on white -> (N, 1, 28, 28) in [-1, 1], product light on black: the
    colour edition's ``ink`` (how far each pixel is from the white page), at the classifier's size."""
    dark = ink((x.float() + 1) * 127.5).unsqueeze(1)
    return (2 * F.interpolate(dark, size=(28, 28), mode="bilinear", antialias=True) - 1).clamp(-1, 1)


def split(images: torch.Tensor, held_out: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 photos (N, S, S, 3) -> (training photos, held-out photos), a seeded random split."""
    order = torch.randperm(images.shape[0], generator=torch.Generator().manual_seed(seed))
    return images[order[held_out:]], images[order[:held_out]]


def d_logit(discriminator, x: torch.Tensor) -> float:
    """The discriminator's mean logit on x (N, C, S, S), in eval mode (its mode restored after), batches of 250."""
    with torch.no_grad(), eval_mode(discriminator):
        return torch.cat([discriminator(b).float().flatten() for b in x.split(250)]).mean().item()


class Judge:
    """The fixed references of one run: held-out and training photos as floats, their darkness features."""

    def __init__(self, train_u8, held_u8, size: int, device):
        self.size, self.device, self.extractor = size, device, make_extractor()
        self.held, self.train = to_float(held_u8, size), to_float(train_u8, size)
        n = self.held.shape[0]
        self.train_sub = self.train[torch.randperm(self.train.shape[0], generator=torch.Generator().manual_seed(1))[:n]]
        self.scorer = FidScorer(reference_features=self.features(self.held), extractor=self.extractor)
        self.floor = self.scorer.score_features(self.features(self.train_sub))
        self.held_nn = nearest_neighbours(self.held, self.train)[0].median().item()

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return extract(darkness(x), self.extractor, progress=False)[0]

    def measure(self, trainer) -> tuple[dict, torch.Tensor]:
        """The scores of the trainer's EMA generator now, and its (n, C, S, S) samples."""
        fake = sample(trainer.ema.module, self.held.shape[0], seed=0).cpu()
        d = trainer.discriminator
        scores = {"fid_dark": round(self.scorer.score_features(self.features(fake)), 2),
                  "fid_dark_floor": round(self.floor, 2),
                  "d_gap": round(d_logit(d, self.train_sub.to(self.device)) - d_logit(d, self.held.to(self.device)), 3),
                  "d_fake": round(d_logit(d, fake.to(self.device)), 3),
                  "nn_ratio": round(nearest_neighbours(fake, self.train)[0].median().item() / self.held_nn, 3)}
        return scores, fake


def run(args, folder: Path, device) -> list[dict]:
    data = load_image_folder(folder, size=args.size, channels=3)
    train_u8, held_u8 = split(data.images, args.held_out, args.seed)
    recipe = recipes.get_recipe("dcgan")
    model_cfg = dataclasses.replace(recipe.model, image_size=args.size, channels=3)
    train_cfg = dataclasses.replace(recipe.train, seed=args.seed)
    trainer = recipes.make_trainer("dcgan", model_cfg, train_cfg, train_u8, None, device, log_every=10**9,
                                   precision=args.precision)
    judge, rows, trained, epoch_steps = Judge(train_u8, held_u8, args.size, device), [], 0.0, len(trainer.batches)
    print(json.dumps({"photos": len(data.images), "skipped": len(data.skipped), "training": len(train_u8),
                      "held_out": len(held_u8), "steps_per_epoch": epoch_steps, "precision": trainer.precision,
                      "device": str(device), "threads": torch.get_num_threads()}), flush=True)
    while not rows or trained < 60 * args.minutes:  # at least one measurement
        start = time.perf_counter()
        trainer.run(args.every * epoch_steps, progress=False)
        trainer.flush()
        trained += time.perf_counter() - start
        scores, fake = judge.measure(trainer)
        row = {"step": trainer.step, "epochs": round(trainer.step / epoch_steps, 1), "train_s": round(trained, 1),
               **scores, "load_average": round(os.getloadavg()[0], 2)}
        rows.append({**row, "samples": fake[:8]})
        print(json.dumps(row), flush=True)
    return rows


def plot(rows: list[dict], path: Path) -> None:
    """FID and discriminator gap against training minutes, and 8 samples at up to 5 moments."""
    import matplotlib.pyplot as plt
    from torchvision.utils import make_grid

    picks = [rows[round(i * (len(rows) - 1) / 4)] for i in range(5)] if len(rows) >= 5 else rows
    fig = plt.figure(figsize=(11, 3.2 + 1.3 * len(picks)))
    grid = fig.add_gridspec(1 + len(picks), 2, height_ratios=[2.4] + [1] * len(picks))
    minutes = [r["train_s"] / 60 for r in rows]
    ax = fig.add_subplot(grid[0, 0])
    ax.plot(minutes, [r["fid_dark"] for r in rows], "o-", label="samples vs held-out photos")
    ax.axhline(rows[0]["fid_dark_floor"], color="grey", ls="--", label="training vs held-out photos (floor)")
    ax.set(xlabel="training minutes", ylabel="FID (course classifier, darkness)", yscale="log")
    ax.legend(fontsize=8)
    ax = fig.add_subplot(grid[0, 1])
    ax.plot(minutes, [r["d_gap"] for r in rows], "o-", color="C3")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xlabel="training minutes", ylabel="D logit: training - held-out photos")
    for i, r in enumerate(picks):
        ax = fig.add_subplot(grid[1 + i, :])
        row = make_grid((r["samples"].float() + 1) / 2, nrow=8, padding=2, pad_value=1)
        ax.imshow(row.permute(1, 2, 0).clamp(0, 1))
        ax.set_axis_off()
        ax.set_title(f"{r['train_s'] / 60:.1f} min, epoch {r['epochs']:g}, FID {r['fid_dark']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
