"""What to expect at 64 px from a few thousand photos: one run of ``train dcgan --data`` scored as it trains.

Makes the synthetic example folder (``data --make-example-folder``: Fashion-MNIST dresses, sneakers and ankle
boots drawn in a colour on white) with ``--per-class`` photos per category, holds ``--held-out`` of them out, and
trains the dcgan recipe at ``--size`` px in colour on the rest, exactly as ``train dcgan --data DIR`` does, for
``--minutes`` of training time. After every ``--every`` epochs it measures, with the clock stopped:

- ``fid_dark``: FID in the course classifier's features between ``--held-out`` samples of the EMA generator and
  the held-out photos, both reduced to the classifier's domain (28x28 grey "darkness": 1 - the darkest channel,
  so a product in any colour on white becomes a light product on black). It scores shapes, not colours; it is a
  proxy that only makes sense for this synthetic folder. ``fid_dark_floor`` is the same FID between as many
  training photos and the held-out ones: what a perfect model would score at this sample size.
- ``d_gap``: the discriminator's mean logit on training photos minus on held-out photos (eval mode). It grows
  when the discriminator memorises its training set, the failure Karras et al. 2020 (ADA) describe for small
  datasets.
- ``nn_ratio``: median pixel distance from each sample to its nearest training photo, divided by the same for
  held-out photos. Far below 1 means the generator copies training photos.

Prints one JSON line per measurement and writes ``--plot`` (curves and sample rows over time).

    OMP_NUM_THREADS=2 python data_scripts/catalog_expectations.py --plot docs/images/catalog_64px.png
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course_lib.data import to_float  # noqa: E402
from course_lib.gan import recipes  # noqa: E402
from course_lib.gan.sampling import sample  # noqa: E402
from course_lib.metrics.features import extract, make_extractor  # noqa: E402
from course_lib.metrics.nearest import nearest_neighbours  # noqa: E402
from course_lib.metrics.scorer import FidScorer  # noqa: E402
from course_lib.photos.folders import load_image_folder, make_example_folder  # noqa: E402
from course_lib.runtime import PRECISIONS, configure_cpu_threads, select_device  # noqa: E402


def darkness(x: torch.Tensor) -> torch.Tensor:
    """Photos (N, C, S, S) in [-1, 1], product on white -> (N, 1, 28, 28) in [-1, 1], product light on black."""
    dark = 1 - (x.float().amin(dim=1, keepdim=True) + 1) / 2
    return (2 * F.interpolate(dark, size=(28, 28), mode="bilinear", antialias=True) - 1).clamp(-1, 1)


def split(images: torch.Tensor, held_out: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 photos (N, S, S, 3) -> (training photos, held-out photos), a seeded random split."""
    order = torch.randperm(images.shape[0], generator=torch.Generator().manual_seed(seed))
    return images[order[held_out:]], images[order[:held_out]]


def d_logit(discriminator, x: torch.Tensor) -> float:
    """The discriminator's mean logit on x (N, C, S, S), in eval mode, batches of 250."""
    discriminator.eval()
    with torch.no_grad():
        mean = torch.cat([discriminator(b).float().flatten() for b in x.split(250)]).mean().item()
    discriminator.train()
    return mean


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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--per-class", type=int, default=1100, help="photos per category (3 categories)")
    p.add_argument("--held-out", type=int, default=500)
    p.add_argument("--size", type=int, default=64, choices=(32, 64, 128))
    p.add_argument("--minutes", type=float, default=15.0, help="training time, scoring excluded")
    p.add_argument("--every", type=int, default=2, help="epochs between measurements")
    p.add_argument("--precision", default="auto", choices=PRECISIONS)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto")
    p.add_argument("--plot", type=Path, default=None)
    args = p.parse_args(argv)
    configure_cpu_threads()
    device = select_device(args.device)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")  # leaves no cache behind
        folder = make_example_folder(Path(tmp) / "shop", per_class=args.per_class, size=160)
        rows = run(args, folder, device)
    if args.plot is not None:
        plot(rows, args.plot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
