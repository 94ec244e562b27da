"""Measure the experiment behind every predict-then-run (and tune-to-a-target) self-check over seeds x precisions
x thread counts, so that each check knows its noise band (docs/exercise_noise.md has the table).

The CPU kind is a fourth axis: run the script once as it is and once with the other kind's instruction set,
    OMP_NUM_THREADS=2 python data_scripts/prediction_noise.py --out runs/noise/native.jsonl
    ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 python data_scripts/prediction_noise.py --out runs/noise/avx2.jsonl
then `python data_scripts/prediction_noise.py --table runs/noise/*.jsonl` prints the table.
bf16 is torch.autocast("cpu", bfloat16) around the whole experiment (native on AVX512-BF16/AMX, emulated elsewhere).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

import torch

from course_lib.exercises import lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08

# name -> (the statistic of one run as a function of the seed, what the check compares it with). The training
# experiments take bf16 through the library's own autocast (forward passes only); the others run inside
# torch.autocast("cpu", bfloat16) as a whole (inference only)
TRAINED = {
    "01 leak probe": (lambda seed, p: lesson01.leak_probe_accuracy(seed=seed, precision=p), lesson01.LEAK_RULE),
    "02 D lr x10": (lambda seed, p: (lambda base, fast: fast - base)(*lesson02.d_lr_effect(seed=seed, precision=p)),
                    lesson02.D_LR_RULE),
    "04 penalty weight 10": (lambda seed, p: lesson04.toy_gradient_norm(10, seed=seed, precision=p),
                             lesson04.PENALTY_RULE),
    "08 D overfitting": (lambda seed, p: lesson08.overfitting_effect(seed=seed, precision=p), lesson08.OVERFIT_RULE),
    "08 head start": (lambda seed, p: lesson08.head_start_effect(seed=seed, precision=p), lesson08.HEAD_START_RULE),
}
EXPERIMENTS = {
    **{k: v for k, v in TRAINED.items() if k < "03"},
    "03 label path": (lambda seed: lesson03.gan_test_without_labels(seed=seed)[1], lesson03.LABEL_PATH_RULE),
    "04 penalty weight 10": TRAINED["04 penalty weight 10"],
    "05 blur": (lambda seed: lesson05.blur_effect(seed=seed), lesson05.BLUR_RULE),
    "06 FID bias": (lambda seed: lesson06.fid_bias_effect(seed=seed), lesson06.BIAS_RULE),
    "07 weakest attribute": (lambda seed: lesson07.weakest_attribute_margin(seed=seed), lesson07.WEAKEST_RULE),
    "08 D overfitting": TRAINED["08 D overfitting"],
    "08 head start": TRAINED["08 head start"],
}


def isa() -> str:
    """The CPU kind these numbers stand for: the capability ATen dispatches to, and oneDNN's cap if set."""
    return f"{torch.backends.cpu.get_cpu_capability()}, oneDNN max {os.environ.get('ONEDNN_MAX_CPU_ISA', 'native')}"


def measure(names, seeds, out: Path, precisions=("fp32", "bf16"), thread_counts=(1, 2)) -> None:
    """Append one JSON line per (experiment, seed, precision, threads) to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a") as f:
        for name in names:
            run, _ = EXPERIMENTS[name]
            for threads in thread_counts:
                torch.set_num_threads(threads)
                for precision in precisions:
                    whole = precision == "bf16" and name not in TRAINED
                    cast = torch.autocast("cpu", dtype=torch.bfloat16) if whole else contextlib.nullcontext()
                    for seed in seeds:
                        lesson07.attribute_accuracy.cache_clear()  # a cached run would hide the precision's
                        lesson08.overfitting_gap.cache_clear()  # and the threads' effect
                        lesson08.head_start_fids.cache_clear()
                        start = time.perf_counter()
                        with cast:
                            value = float(run(seed, precision) if name in TRAINED else run(seed))
                        row = {"exercise": name, "seed": seed, "precision": precision, "threads": threads,
                               "isa": isa(), "value": value, "seconds": round(time.perf_counter() - start, 2)}
                        print(json.dumps(row), flush=True)
                        f.write(json.dumps(row) + "\n")
                        f.flush()  # a stopped run keeps every finished row


def table(paths) -> str:
    """Markdown: per exercise, the rule, mean ± std, min..max, runs, distance from the boundary in stds."""
    rows = [json.loads(line) for p in paths for line in Path(p).read_text().splitlines() if line.strip()]
    lines = ["| exercise | statistic: boundaries ± band | runs | mean ± std | min .. max | "
             "(mean − nearest boundary) / std | every run outside the band | s per run |",
             "|---|---|---|---|---|---|---|---|"]
    for name, (_, rule) in EXPERIMENTS.items():
        values = [r["value"] for r in rows if r["exercise"] == name]
        if not values:
            continue
        mean, std = statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0
        seconds = statistics.mean(r["seconds"] for r in rows if r["exercise"] == name)
        outside = all(rule.side(v) is not None for v in values)
        near = min(rule.boundaries, key=lambda b: abs(mean - b))
        distance = abs(mean - near) / std if std > 0 else float("inf")
        edges = " / ".join(f"{b:g}" for b in rule.boundaries)
        lines.append(f"| {name} | {rule.statistic}: {edges} ± {rule.band:g} | {len(values)} | "
                     f"{mean:.4g} ± {std:.2g} | {min(values):.4g} .. {max(values):.4g} | {distance:.1f} | "
                     f"{'yes' if outside else 'NO'} | {seconds:.1f} |")
    kinds = sorted({r["isa"] for r in rows})
    return "\n".join(lines) + "\n\nCPU kinds: " + "; ".join(kinds)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exercises", nargs="*", default=list(EXPERIMENTS), choices=list(EXPERIMENTS))
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--precisions", nargs="*", default=["fp32", "bf16"], choices=["fp32", "bf16"],
                        help="emulated bf16 (AVX2) is slow: lesson 07's bf16 runs took 66 s each there")
    parser.add_argument("--threads", nargs="*", type=int, default=[1, 2])
    parser.add_argument("--out", type=Path, default=Path("runs/noise/native.jsonl"))
    parser.add_argument("--table", nargs="*", default=None, help="print the table of these JSONL files and stop")
    args = parser.parse_args(argv)
    if args.table is not None:
        print(table(args.table))
        return 0
    measure(args.exercises, args.seeds, args.out, args.precisions, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
