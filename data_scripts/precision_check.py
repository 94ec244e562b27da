"""Does bf16 autocast cost quality? The default recipes trained in fp32 and in bf16 at equal steps, 3 seeds.

For each kind, seed and precision: train the recipe (its default epochs, or ``--epochs``) on the whole
training split, time it, and score the EMA generator with the course metrics (FID and KID at n = 10,000
against the test split, seed 0). One JSON line per run; the summary gives mean ± std per kind and precision.

    python data_scripts/precision_check.py --kinds dcgan            # about 5 min on the 2-core CPU
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import time
from pathlib import Path

from course_lib.data import training_data
from course_lib.gan import recipes
from course_lib.gan.sampling import sample
from course_lib.metrics import EvaluationConfig, evaluate_generator
from course_lib.runtime import configure_cpu_threads
from course_lib.studies.tables import mean_std


def one_run(kind: str, seed: int, precision: str, epochs: float | None, n: int) -> dict:
    recipe = recipes.get_recipe(kind)
    images, labels = training_data(False)
    train_cfg = dataclasses.replace(recipe.train, seed=seed)
    trainer = recipes.make_trainer(kind, recipe.model, train_cfg, images, labels, "cpu", recipe.log_every,
                                   precision=precision)
    steps = recipes.steps_for_epochs(trainer, recipe.epochs if epochs is None else epochs)
    start = time.perf_counter()
    trainer.run(steps)
    seconds = time.perf_counter() - start
    generator = trainer.ema.module
    conditional = bool(getattr(generator, "num_classes", None))
    config = EvaluationConfig(n=n, conditional=conditional, seed=0, gan_train=False, progress=False)
    result = evaluate_generator(functools.partial(sample, generator), config)
    return {"kind": kind, "seed": seed, "precision": trainer.precision, "steps": steps,
            "train_seconds": round(seconds, 1), "fid": result.fid, "kid_mean": result.kid_mean}


def cell(values: list[float], fmt: str) -> str:
    """mean ± sample std (just the mean for one value)."""
    return mean_std(values, fmt)


def summary(rows: list[dict]) -> str:
    lines = ["| kind | precision | seeds | FID | KID | train s |", "|---|---|---|---|---|---|"]
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["kind"], row["precision"]), []).append(row)
    for (kind, precision), group in groups.items():
        cells = [cell([r[key] for r in group], fmt) for key, fmt in (("fid", "{:.2f}"), ("kid_mean", "{:.4f}"),
                                                                      ("train_seconds", "{:.0f}"))]
        lines.append(f"| {kind} | {precision} | {len(group)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kinds", nargs="+", default=["dcgan"])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--epochs", type=float, default=None)
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--out", type=Path, default=Path("runs/precision_check.jsonl"))
    args = p.parse_args(argv)
    configure_cpu_threads()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    rows = [json.loads(line) for line in args.out.read_text().splitlines()] if args.out.exists() else []
    done = {(r["kind"], r["seed"], r["precision"]) for r in rows}
    for kind in args.kinds:
        for seed in args.seeds:
            for precision in ("fp32", "bf16"):
                if (kind, seed, precision) in done:
                    continue
                row = one_run(kind, seed, precision, args.epochs, args.n)
                rows.append(row)
                with args.out.open("a") as f:
                    f.write(json.dumps(row) + "\n")
                print(json.dumps(row), flush=True)
    print(summary(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
