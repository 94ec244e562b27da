"""Train the shipped GAN checkpoints with the CLI, score every seed, and export the one that ships.

For each kind and seed this runs exactly

    python -m course_lib train KIND --epochs EPOCHS --seed SEED --out RUNS/KIND_eEPOCHS_sSEED

(skipped when that folder already holds a finished checkpoint, resumed when it holds an unfinished one),
scores the EMA generator with ``course_lib.metrics.evaluation`` at n samples against the test split,
writes RUNS/KIND_eEPOCHS_sSEED/metrics.json, prints a markdown table of mean ± std over the seeds (the
model card's numbers, docs/models.md) and exports the first seed's EMA generator to
checkpoints/KIND.pt (``course_lib.gan.checkpoint.export_checkpoint``).

    OMP_NUM_THREADS=1 python data_scripts/train_pretrained.py --kinds dcgan cgan wgan-gp --epochs 8 --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import functools
import json
import subprocess
import sys
import time
from pathlib import Path

from course_lib.studies.tables import mean_std as studies_mean_std

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("fid", "kid_mean", "is_mean", "precision", "recall", "gan_test_accuracy", "gan_train_accuracy")


def run_dir(runs: Path, kind: str, epochs: float, seed: int) -> Path:
    """RUNS/KIND_eEPOCHS_sSEED (epochs printed without a trailing .0)."""
    return runs / f"{kind}_e{epochs:g}_s{seed}"


def train(kind: str, epochs: float, seed: int, out: Path, precision: str = "fp32") -> float | None:
    """Run the CLI unless ``out`` holds a scored run (metrics.json); resumes an unfinished checkpoint.

    Returns the wall seconds of this call (of the resumed part only, after an interruption), or None when
    nothing ran. Training logs its own steps/s; the machine's load changes both, so note it with them.
    """
    if (out / "metrics.json").is_file() and (out / "checkpoint.pt").is_file():
        return None
    command = [sys.executable, "-m", "course_lib", "train", kind, "--epochs", f"{epochs:g}", "--seed", str(seed),
               "--precision", precision,  # fp32: how the shipped dcgan and cgan were trained
               "--out", str(out)] + (["--resume"] if (out / "checkpoint.pt").is_file() else [])
    print("$", " ".join(command[1:]), flush=True)
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    return time.perf_counter() - start


def score(ckpt: Path, n: int) -> dict:
    """metrics.evaluate on the EMA generator of a checkpoint: a JSON-able dict of the scalar metrics."""
    from course_lib.gan.checkpoint import read_generator
    from course_lib.gan.sampling import sample
    from course_lib.metrics import EvaluationConfig, evaluate_generator
    from course_lib.models import get_model_kind

    generator, obj = read_generator(ckpt)
    config = EvaluationConfig(n=n, seed=0, conditional=get_model_kind(obj["kind"]).conditional, progress=False)
    result = evaluate_generator(functools.partial(sample, generator), config)
    return {"kind": obj["kind"], "step": int(obj["step"]), "n": n, "seconds": result.seconds,
            **{k: getattr(result, k) for k in COLUMNS}}


def mean_std(values: list[float]) -> str:
    """'m ± s' (sample std over seeds) with 3 significant decimals; one value prints alone."""
    return studies_mean_std(values, "{:.2f}" if abs(values[0]) >= 1 else "{:.3f}")


def table(rows: dict[str, list[dict]]) -> str:
    """Markdown: one line per kind, mean ± std over its seeds of every metric it has."""
    lines = ["| model | seeds | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 2) + "|"]
    for kind, results in rows.items():
        cells = [mean_std([r[c] for r in results]) if results[0][c] is not None else "–" for c in COLUMNS]
        lines.append(f"| {kind} | {len(results)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="+", default=["dcgan", "cgan", "wgan-gp"])
    parser.add_argument("--epochs", type=float, default=8.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n", type=int, default=10_000, help="samples per evaluation")
    parser.add_argument("--precision", default="fp32", choices=["auto", "fp32", "bf16"],
                        help="of training (default fp32, as the shipped dcgan and cgan were trained; the shipped "
                        "wgan-gp used auto)")
    parser.add_argument("--runs", type=Path, default=ROOT / "runs" / "pretrained")
    parser.add_argument("--export", type=Path, default=ROOT / "checkpoints", help="where KIND.pt goes")
    args = parser.parse_args(argv)

    from course_lib.gan.checkpoint import export_checkpoint
    from course_lib.gan.zoo import pretrained_path

    rows: dict[str, list[dict]] = {}
    for kind in args.kinds:
        rows[kind] = []
        for seed in args.seeds:
            out = run_dir(args.runs, kind, args.epochs, seed)
            seconds = train(kind, args.epochs, seed, out, args.precision)
            metrics_file = out / "metrics.json"
            if seconds is not None or not metrics_file.is_file():
                result = score(out / "checkpoint.pt", args.n) | {"seed": seed, "command_seconds": seconds}
                metrics_file.write_text(json.dumps(result, indent=1))
            result = json.loads(metrics_file.read_text())
            print(json.dumps(result), flush=True)
            rows[kind].append(result)
        shipped = export_checkpoint(run_dir(args.runs, kind, args.epochs, args.seeds[0]) / "checkpoint.pt",
                                    pretrained_path(kind, args.export))
        print(f"exported seed {args.seeds[0]} of {kind} to {shipped} ({shipped.stat().st_size:,} bytes)")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
