"""Measure the fine-tuning table of lesson 08 and docs/models.md: N x method x seed, one run each.

Every run fine-tunes the shipped base without ankle boots (checkpoints/dcgan_no_ankle_boot.pt) on N seeded
ankle-boot train images, evaluates the validation FID (1000 samples against 1000 other ankle-boot train images
that no run of the seed uses) every --every steps up to --max-steps, notes where early stopping with --patience
and --min-delta stops and scores that checkpoint on the 1000 ankle-boot test images, then trains on to the budget
(course_lib.studies.few_shot_runs.measure_run). One JSON line per run is appended to --out, so an interrupted
measurement resumes where it stopped; --table prints the summary. --min-delta 0.1 is one standard deviation of
a final checkpoint's validation FID at N = 100 (data_scripts/finetune_floor.py).

    python data_scripts/finetune_table.py      # the table's 84 runs: 28 min on the 2-core AMD EPYC (10-30 s each)
    python data_scripts/finetune_table.py --table              # the markdown table of what is measured
    python data_scripts/finetune_table.py --out course_lib/assets/results/finetune_study_runs.jsonl \
        --n 10 100 --methods "full fine-tune" "full, lr x0.3" ...   # the variants of STUDY_METHODS
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from course_lib.categories import category_index
from course_lib.gan.checkpoint import load_checkpoint
from course_lib.gan.few_shot import FINETUNE_METHODS, METHODS, new_line, report_split
from course_lib.metrics.features import dataset, extract, make_extractor, real_features
from course_lib.runtime import configure_cpu_threads
from course_lib.studies.few_shot_report import format_table, read_runs, shipped_runs
from course_lib.studies.few_shot_runs import measure_run

ROOT = Path(__file__).resolve().parents[1]

BASE = ROOT / "checkpoints" / "dcgan_no_ankle_boot.pt"
RUNS = shipped_runs()  # course_lib/assets/results/finetune_runs.jsonl, which lesson 08 reads


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=RUNS)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--n", type=int, nargs="+", default=[100, 10, 500, 50], help="in the order they are run")
    p.add_argument("--methods", nargs="+", default=list(FINETUNE_METHODS), choices=list(METHODS))
    p.add_argument("--max-steps", type=int, default=600)
    p.add_argument("--every", type=int, default=50)
    p.add_argument("--patience", type=int, default=3)
    p.add_argument("--min-delta", type=float, default=0.1)
    p.add_argument("--table", action="store_true", help="only print the table of the runs in --out")
    args = p.parse_args(argv)
    if args.table:
        print(format_table(read_runs(args.out)))
        return 0
    configure_cpu_threads()
    category = category_index("Ankle boot")
    data, extractor, base = dataset(), make_extractor(), load_checkpoint(BASE)
    test = real_features(extractor, "test", progress=False)
    old = test.features[test.labels != category]
    test_boots = extract(report_split(data, category), extractor, progress=False)[0]
    done = {(r["method"], r["n"], r["seed"]) for r in read_runs(args.out)} if args.out.exists() else set()
    for seed in args.seeds:
        for n in args.n:
            images, validation = new_line(data, category, n, seed)
            for method in args.methods:
                if (method, n, seed) in done:
                    continue
                torch.manual_seed(seed)
                result, _, _ = measure_run(base, images, validation, method, category=category, old_features=old,
                                           test_features=test_boots, max_steps=args.max_steps, every=args.every,
                                           patience=args.patience, min_delta=args.min_delta, seed=seed,
                                           extractor=extractor)
                with args.out.open("a") as f:
                    f.write(json.dumps({**result.row(), "curve": result.curve}) + "\n")
                print(f"{method} N={n} seed={seed}: stop FID {result.stop_fid:.2f} (test {result.stop_test_fid:.2f}) "
                      f"at {result.stop_step} ({result.stop_seconds:.0f} s), best {result.best_fid:.2f} at "
                      f"{result.best_step}", flush=True)
    print(format_table(read_runs(args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
