"""Time one epoch of real data of each default GAN recipe, one after the other on this machine.

Each kind trains on the full Fashion-MNIST train split with its recipe from ``course_lib/gan/recipes.py``;
after ``--warmup`` steps, one epoch's generator steps (``steps_for_epochs``: the WGAN-GP eats ``n_critic``
batches per generator step) are timed. Prints one JSON line per kind; docs/models.md quotes them to compare
what the shipped models cost.

    OMP_NUM_THREADS=1 python data_scripts/epoch_cost.py --kinds dcgan wgan-gp
"""

from __future__ import annotations

import argparse
import json
import os

from course_lib.data import training_data
from course_lib.gan import recipes
from course_lib.runtime import PRECISIONS, configure_cpu_threads
from course_lib.studies.timing import timed_steps


def epoch_seconds(kind: str, images, labels, precision: str, warmup: int) -> dict:
    recipe = recipes.get_recipe(kind)
    trainer = recipes.make_trainer(kind, recipe.model, recipe.train, images, labels, "auto", precision=precision)
    steps = recipes.steps_for_epochs(trainer, 1)
    timed_steps(trainer, warmup, trainer.device)
    seconds = timed_steps(trainer, steps, trainer.device)
    return {"kind": kind, "precision": trainer.precision, "generator_steps": steps,
            "epoch_s": round(seconds, 1), "load_average": round(os.getloadavg()[0], 2)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kinds", nargs="+", default=["dcgan", "wgan-gp"], choices=sorted(recipes.RECIPES))
    p.add_argument("--precision", default="auto", choices=PRECISIONS)
    p.add_argument("--warmup", type=int, default=5)
    args = p.parse_args(argv)
    configure_cpu_threads()
    images, labels = training_data(fast=False)
    for kind in args.kinds:
        print(json.dumps(epoch_seconds(kind, images, labels, args.precision, args.warmup)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
