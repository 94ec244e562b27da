"""Lesson 10's measured comparison of the text GAN and the flow model (``course_lib.studies.flow_comparison``).

    python -m course_lib train flow --seed 0 --out runs/flow_s0 --snapshot-every 400 --precision fp32
    python data_scripts/flow_comparison.py gan --out runs            # runs/gan_s0 (5000 steps), runs/plain_s0
    python data_scripts/flow_comparison.py measure --runs runs       # writes the package's flow_comparison.json
    python data_scripts/flow_comparison.py timing --device cuda      # ms per image of the shipped models (JSON)
    python data_scripts/flow_comparison.py tables                    # the model card's tables of the JSON

``gan`` retrains lesson 07's GAN phase on the shipped encoder in fp32, with snapshots every 500 steps, and the GAN
without mismatched pairs (3000 steps, the recipe's). ``measure`` scores both runs' snapshots against their training
seconds, sweeps the flow model's sampling steps and guidance scale, places the shipped GAN and the plain one beside
them, and times sampling per image; it writes ``course_lib/assets/results/flow_comparison.json`` (lesson 10 and
docs/models.md read it) unless ``--json`` names another file, and prints the tables. ``--n``: test prompts per
score (default 400); ``--variety-samples``: samples per prompt of the variety score (default 12). The comparison
runs on the CPU (it compares CPU budgets). ``timing`` prints one JSON line: milliseconds per image of the shipped
GAN and of the shipped flow model at each number of steps (guidance 2), on ``--device`` (``gpu_check.sh`` runs it
on CUDA).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from course_lib.runtime import configure_cpu_threads, cpu_model
from course_lib.serialization import atomic_save, shipped_dir
from course_lib.studies import flow_comparison as study
from course_lib.studies.few_shot_report import shipped_runs
from course_lib.text2img.model import load

FLOW_STEPS = (400, 800, 1600, 2400, 3200, 4000)
GAN_STEPS = (500, 1000, 1500, 2000, 3000, 4000, 5000)


def train_gans(out: Path) -> None:
    base = load(shipped_dir() / "text2img.pt", device="cpu")
    study.gan_run(base, out / "gan_s0", steps=GAN_STEPS[-1], every=500)
    study.gan_run(base, out / "plain_s0", steps=3000, every=3000, mismatch=False)


def measure(runs: Path, n: int, variety: int) -> dict:
    start = time.perf_counter()
    args = {"n": n, "variety_samples": variety, "device": "cpu"}
    gan = load(shipped_dir() / "text2img.pt", device="cpu")
    flow = load(runs / "flow_s0" / "checkpoint.pt", device="cpu")
    plain = load(runs / "plain_s0" / "checkpoint.pt", device="cpu")
    result = {
        "cpu": cpu_model(), "n": n, "variety_samples": variety,
        "flow_training_seconds": flow.extra["phases"]["flow"]["seconds"],
        "gan": {"ms": study.ms_per_image(gan), **study.quality(gan, **args)},
        "plain_gan": study.quality(plain, **args),
        "flow_curve": study.curve(gan, runs / "flow_s0" / "snapshots", FLOW_STEPS, {"steps": 16, "guidance": 2.0},
                                  **args),
        "gan_curve": study.curve(gan, runs / "gan_s0" / "snapshots", GAN_STEPS, **args),
        "steps": study.steps_sweep(flow, **args),
        "guidance": study.guidance_sweep(flow, **args)}
    result["seconds"] = round(time.perf_counter() - start, 1)
    return result


def timing(device: str) -> dict:
    gan = load(shipped_dir() / "text2img.pt", device=device)
    flow = load(shipped_dir() / "flow.pt", device=device)
    steps = {}
    for k in study.STEPS:
        flow.generator.configure(steps=k, guidance=2.0)
        steps[k] = study.ms_per_image(flow)
    return {"device": str(next(gan.generator.parameters()).device), "gan_ms": study.ms_per_image(gan),
            "flow_ms_by_steps": steps}


COLUMNS = ("fid", "category", "colour", "tone", "width", "pattern", "variety")


def table(rows: list, first: str, label: str | None = None) -> str:
    """A markdown table of ``rows``, ``first`` its first column (``label`` adds a column before it)."""
    keys = ((label,) if label else ()) + (first,) + COLUMNS
    lines = ["| " + " | ".join(k if k != label else "model" for k in keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(label_of(row, k, label) for k in keys) + " |" for row in rows]
    return "\n".join(lines)


def label_of(row: dict, key: str, label: str | None) -> str:
    if key == label:
        return label
    value = row.get(key)
    return f"{value:.3f}" if isinstance(value, float) and key in COLUMNS else str(value)


def tables(result: dict) -> str:
    """The model card's tables of a measurement."""
    curves = table(result["gan_curve"], "seconds", "GAN").split("\n")
    curves += table(result["flow_curve"], "seconds", "flow").split("\n")[2:]
    gan = {**result["gan"], "steps": f"GAN, one pass ({result['gan']['ms']:.2f} ms)"}
    steps = [{**row, "steps": f"{row['steps']} ({row['ms']:.1f} ms)"} for row in result["steps"]]
    points = [{**result["gan"], "guidance": "GAN, matching-aware D"},
              {**result["plain_gan"], "guidance": "GAN, plain D"}]
    return "\n\n".join(["\n".join(curves), table([*steps, gan], "steps"),
                         table([*result["guidance"], *points], "guidance")])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("stage", choices=("gan", "measure", "timing", "tables"))
    p.add_argument("--out", "--runs", dest="runs", default="runs", help="the runs folder (default runs)")
    p.add_argument("--n", type=int, default=400)
    p.add_argument("--variety-samples", type=int, default=12)
    p.add_argument("--json", default=None, help="JSON file (default: the package's flow_comparison.json)")
    p.add_argument("--device", default="auto", help="timing: where to draw (default auto)")
    args = p.parse_args(argv)
    configure_cpu_threads()
    if args.stage == "gan":
        train_gans(Path(args.runs))
        return 0
    if args.stage == "timing":
        print(json.dumps(timing(args.device)))
        return 0
    if args.stage == "tables":
        print(tables(json.loads(Path(args.json or shipped_runs("flow_comparison.json")).read_text())))
        return 0
    result = measure(Path(args.runs), args.n, args.variety_samples)
    out = args.json or shipped_runs("flow_comparison.json")
    atomic_save(result, out, write=lambda obj, f: f.write(json.dumps(obj, indent=1).encode()))
    print(tables(result))
    print(f"\nwrote {out} in {result['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
