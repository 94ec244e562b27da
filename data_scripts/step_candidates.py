"""Measure the training-step speed-ups the time-to-quality issue lists, one at a time, on the default dcgan recipe.

Each candidate is a fresh seeded Trainer changed in one way; rounds alternate over the candidates so a change in
machine load hits all of them; the median round is printed (images/s). Nothing here changes the library: the
candidates are applied from outside, to decide which ones are worth adopting.

- baseline: the Trainer as it is (``--precision``, default auto);
- adam-foreach / adam-fused: the two Adam optimisers rebuilt with ``foreach=True`` / ``fused=True``;
- no-grad-norms: ``gan.steps.grad_norm`` replaced by a constant (what skipping the two norms per step saves);
- channels-last: both networks and every real batch in ``torch.channels_last``;
- torch-compile: both networks through ``torch.compile`` (inductor, default mode); the warm-up steps include the
  compilation, whose seconds are printed apart (``compile_warmup_s``).

    python data_scripts/step_candidates.py            # a few minutes on the 2-core CPU (compilation included)
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import torch

from course_lib.data import training_data
from course_lib.gan import recipes, steps
from course_lib.runtime import configure_cpu_threads, resolve_precision
from course_lib.studies.timing import timed_steps

CANDIDATES = ("baseline", "adam-foreach", "adam-fused", "no-grad-norms", "channels-last", "torch-compile")


def build(candidate: str, images, labels, precision: str):
    recipe = recipes.get_recipe("dcgan")
    trainer = recipes.make_trainer("dcgan", recipe.model, recipe.train, images, labels, "cpu", log_every=10**9,
                                   precision=precision)
    cfg = recipe.train
    if candidate in ("adam-foreach", "adam-fused"):
        option = {"foreach": True} if candidate == "adam-foreach" else {"fused": True}
        trainer.opt_g = torch.optim.Adam(trainer.generator.parameters(), lr=cfg.lr_g, betas=cfg.betas, **option)
        trainer.opt_d = torch.optim.Adam(trainer.discriminator.parameters(), lr=cfg.lr_d, betas=cfg.betas, **option)
    if candidate == "channels-last":
        trainer.generator.to(memory_format=torch.channels_last)
        trainer.discriminator.to(memory_format=torch.channels_last)
        source = trainer.batches
        plain = source.next_batch
        source.next_batch = lambda: (lambda real, lab: (real.contiguous(memory_format=torch.channels_last), lab))(
            *plain())
    if candidate == "torch-compile":  # the EMA and the checkpoint see the same parameters through the wrapper
        trainer.generator = torch.compile(trainer.generator)
        trainer.discriminator = torch.compile(trainer.discriminator)
    return trainer


def timed_round(trainer, candidate: str, count: int) -> float:
    original = steps.grad_norm
    if candidate == "no-grad-norms":
        steps.grad_norm = lambda module: torch.zeros(())
    try:
        return count * trainer.batches.batch_size / timed_steps(trainer, count, trainer.device)
    finally:
        steps.grad_norm = original


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--precision", default="auto")
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    configure_cpu_threads()
    precision = resolve_precision(args.precision, torch.device("cpu"))
    images, labels = training_data(False)
    trainers = {c: build(c, images, labels, precision) for c in CANDIDATES}
    warmup = {}
    for candidate, trainer in trainers.items():
        start = time.perf_counter()
        timed_round(trainer, candidate, 5)  # warm-up (and, for torch-compile, the compilation)
        warmup[candidate] = round(time.perf_counter() - start, 1)
    rates = {c: [] for c in CANDIDATES}
    for _ in range(args.rounds):
        for candidate, trainer in trainers.items():
            rates[candidate].append(timed_round(trainer, candidate, args.steps))
    base = statistics.median(rates["baseline"])
    result = {"precision": precision, "threads": torch.get_num_threads(), "steps": args.steps, "rounds": args.rounds,
              "images_per_s": {c: round(statistics.median(r), 1) for c, r in rates.items()},
              "relative": {c: round(statistics.median(r) / base, 3) for c, r in rates.items()},
              "warmup_s": warmup, "compile_warmup_s": round(warmup["torch-compile"] - warmup["baseline"], 1)}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
