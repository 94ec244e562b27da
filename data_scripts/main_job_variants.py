"""Which dcgan recipe reaches the real + noise(sigma 0.1) line soonest: each variant trained for the same seconds,
scored with the time-to-quality benchmark's FID (course_lib.studies.quality) at the same marks.

    OMP_NUM_THREADS=2 python data_scripts/main_job_variants.py --seconds 84 --out runs/main_job_variants.jsonl

One JSON line per variant (its settings, the curve, the calibration lines); run it on an idle machine, since
the clock decides how far each variant gets. Used to choose the README main job's recipe (docs/performance.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

VARIANTS = {  # name: changes to the dcgan recipe's TrainConfig
    "default (batch 64, lr 5e-4)": {},
    "batch 32, lr 5e-4": {"batch_size": 32},
    "batch 64, lr 1e-3": {"lr_g": 1e-3, "lr_d": 1e-3},
    "batch 128, lr 1e-3": {"batch_size": 128, "lr_g": 1e-3, "lr_d": 1e-3},
    "batch 64, lr 5e-4, EMA 0.998": {"ema_decay": 0.998},
}


def main() -> None:
    import torch

    from course_lib.data import load_fashion_mnist
    from course_lib.gan.recipes import get_recipe, make_trainer
    from course_lib.gan.sampling import sample
    from course_lib.metrics.scorer import FidScorer
    from course_lib.runtime import configure_cpu_threads, resolve_precision
    from course_lib.studies import quality as bench_quality

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=84.0)
    parser.add_argument("--marks", type=float, nargs="+", default=[30, 45, 60, 75, 84])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "main_job_variants.jsonl")
    args = parser.parse_args()
    configure_cpu_threads()
    images, labels = load_fashion_mnist().split("train")
    score = FidScorer()
    lines = bench_quality.calibration(score, images, args.n, seed=1)
    recipe, precision = get_recipe("dcgan"), resolve_precision("auto", torch.device("cpu"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for name in args.variants:
        train_cfg = dataclasses.replace(recipe.train, **VARIANTS[name])
        trainer = make_trainer("dcgan", recipe.model, train_cfg, images, labels, "cpu", precision=precision)
        curve = bench_quality.fid_curve(lambda k, t=trainer: t.run(k, progress=False),
                                        lambda t=trainer: sample(t.ema.module, args.n, seed=1), score, args.marks,
                                        args.seconds, 10, torch.device("cpu"))
        row = {"variant": name, "train": dataclasses.asdict(train_cfg), "precision": precision, "n": args.n,
               "threads": torch.get_num_threads(), "curve": curve, "calibration": lines}
        print(name, [(p["train_seconds"], p["steps"], round(p["fid"], 2)) for p in curve], flush=True)
        with args.out.open("a") as f:
            f.write(json.dumps(row) + "\n")
    print("target line (real + noise sigma=0.1):", round(lines["real + noise sigma=0.1"], 2))


if __name__ == "__main__":
    main()
