"""``python -m course_lib evaluate CHECKPOINT [--n 10000] [--json]``: every metric of a trained model.

The file's ``kind`` entry picks the evaluator in ``EVALUATORS``. An evaluator is
``function(path, args) -> (payload, text)``: ``payload`` a JSON-ready dict with at least ``n``, ``seed``
and ``metrics`` (a flat dict of numbers), ``text`` the readable report. ``run`` adds ``kind``,
``checkpoint`` and ``seconds`` and prints one or the other. Adding a kind (the editing U-Net) is one entry.

The GAN evaluator (dcgan, cgan, wgan-gp; training checkpoints or slim pretrained files, EMA weights) runs
``course_lib.metrics.evaluate``: FID, KID, IS, precision/recall and per-class FID against the real test
split in the course classifier's features, plus GAN-test/GAN-train accuracy for conditional generators.
"""

from __future__ import annotations

import functools
import json
import math
import sys
import time
from pathlib import Path

from ..checkpoint import read_torch_file
from ..cli import UserError
from ..data import CLASS_NAMES
from ..device import configure_cpu_threads, select_device

METRIC_ROWS = (  # (key in payload["metrics"], label, how to read it)
    ("fid", "FID", "lower is better; 0 = same feature mean and covariance as the real test set"),
    ("kid_mean", "KID", "lower is better; unbiased, so ~0 (even slightly < 0) for real images"),
    ("is_mean", "IS", "higher is better, at most 10 (classes): confident and varied predictions"),
    ("precision", "precision", "share of samples inside the real images' k-NN balls (fidelity)"),
    ("recall", "recall", "share of real images inside the samples' k-NN balls (coverage)"),
    ("gan_test_accuracy", "GAN-test accuracy", "classifier agrees with the label asked for"),
    ("gan_train_accuracy", "GAN-train accuracy", "classifier trained on samples only, tested on real images"),
    ("fid_inception", "Inception FID", "FID in Inception-v3 features (the papers' scale)"),
)
CALIBRATION_KEYS = ("fid", "kid_mean", "is_mean", "precision", "recall")


def register(subparsers) -> None:
    """Add the ``evaluate`` subcommand."""
    p = subparsers.add_parser("evaluate", help="FID, KID, IS, precision/recall, per-class FID (GAN-test/train "
                              "for conditional models) of a checkpoint")
    p.add_argument("checkpoint", help="a checkpoint.pt written by `train`, or a pretrained file (checkpoints/KIND.pt)")
    p.add_argument("--n", type=int, default=None, help="number of samples (GANs: default 10000, the real side is "
                   "min(n, 10000) test images; unet: test images restored, default 1000, as its classical baselines "
                   "are slow)")
    p.add_argument("--seed", type=int, default=0, help="seed of the samples and of the metrics' random subsets")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the text report")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or mps")
    p.add_argument("--no-gan-train", action="store_true",
                   help="conditional models: skip GAN-train accuracy (it trains a small classifier)")
    p.add_argument("--calibration", action="store_true",
                   help="also score the calibration points (real floor, noise, blur, one class) at the same n "
                   "and seed, to read the numbers against (four more evaluations)")
    p.add_argument("--inception-weights", default=None, metavar="FILE",
                   help="a local Inception-v3 weights file: adds the Inception FID (slow on a CPU; no download)")
    p.set_defaults(run=run)


def checkpoint_kind(path: Path) -> str:
    """The ``kind`` entry of a course_lib model file; UserError saying what the file is instead."""
    if path.is_dir():
        raise UserError(f"{path} is a folder; pass the file inside it, e.g. {path / 'checkpoint.pt'}.")
    obj = read_torch_file(path, "model file", missing_hint="`python -m course_lib train KIND --out DIR` writes "
                          "DIR/checkpoint.pt, and the repository ships checkpoints/KIND.pt.")
    kind = obj.get("kind") if isinstance(obj, dict) else None
    if not isinstance(kind, str):
        raise UserError(f"{path} is a torch file but names no model kind; pass a checkpoint.pt written by "
                        "`train` or a file written by course_lib.pretrained.save_pretrained.")
    if kind not in EVALUATORS:
        raise UserError(f"{path} holds a model of kind {kind!r}, which `evaluate` does not know; it evaluates "
                        f"{', '.join(sorted(EVALUATORS))}.")
    return kind


def finite_or_none(value):
    """float(value), or None for None and NaN (strict JSON has no NaN)."""
    return None if value is None or math.isnan(value) else float(value)


def gan_payload(result, obj: dict, args) -> dict:
    """The JSON-ready dict of one ``Evaluation`` of a generator file ``obj``."""
    metrics = {key: finite_or_none(getattr(result, key)) for key in (
        "fid", "kid_mean", "kid_std", "is_mean", "is_std", "precision", "recall",
        "gan_test_accuracy", "gan_train_accuracy", "fid_inception")}
    step = obj["step"] if "step" in obj else obj.get("extra", {}).get("step")
    return {"n": result.num_generated, "seed": args.seed, "num_real": result.num_real,
            "file": "training checkpoint" if "ema" in obj else "pretrained generator",
            "step": None if step is None else int(step), "weights": "EMA", "metrics": metrics,
            "per_class_by": result.per_class_by,
            "per_class_fid": {name: finite_or_none(v) for name, v in zip(CLASS_NAMES, result.per_class_fid)},
            "per_class_count": dict(zip(CLASS_NAMES, result.per_class_count)),
            "kid_subset_size": result.kid_subset_size, "extractor_sha256": result.extractor_sha256}


def calibration_payload(args) -> dict[str, dict]:
    """``{point name: {fid, kid_mean, is_mean, precision, recall}}`` at the same n and seed."""
    from ..metrics import calibration_points

    points = calibration_points(n=min(args.n, 10_000), seed=args.seed, device=args.device,
                                progress=sys.stderr.isatty())
    return {name: {key: finite_or_none(getattr(e, key)) for key in CALIBRATION_KEYS} for name, e in points.items()}


def number(value, digits: int) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def gan_report(payload: dict, kind: str) -> str:
    """The text report of ``gan_payload`` (plus its calibration table when there is one)."""
    m = payload["metrics"]
    step = "" if payload["step"] is None else f", step {payload['step']}"
    lines = [f"{kind} {payload['file']}{step}, {payload['weights']} weights: {payload['n']} samples (seed "
             f"{payload['seed']}) vs {payload['num_real']} real test images, course classifier features "
             f"(sha256 {payload['extractor_sha256'][:12]})", ""]
    spread = {"kid_mean": ("kid_std", 4), "is_mean": ("is_std", 2)}
    for key, label, reading in METRIC_ROWS:
        if m[key] is None:
            continue
        digits = 4 if key.startswith("kid") else 3 if key in ("precision", "recall") or "accuracy" in key else 2
        value = number(m[key], digits) + (f" ± {number(m[spread[key][0]], spread[key][1])}" if key in spread else "")
        lines.append(f"  {label:19s} {value:17s} {reading}")
    lines += ["", f"per-class FID (samples grouped by {payload['per_class_by']}; each class has ~n/10 samples, "
              "so compare classes with each other, not with the overall FID):"]
    lines += [f"  {name:12s} {number(fid, 2):>8s}  (n={payload['per_class_count'][name]})"
              for name, fid in payload["per_class_fid"].items()]
    calibration = payload.get("calibration")
    if calibration:
        lines += ["", f"calibration points at n={payload['num_real']} (seed {payload['seed']}):",
                  f"  {'':42s} {'FID':>8s} {'KID':>8s} {'IS':>6s} {'prec.':>6s} {'recall':>6s}"]
        rows = {f"this {kind}": m, **calibration}
        lines += [f"  {name:42s} {number(r['fid'], 2):>8s} {number(r['kid_mean'], 4):>8s} "
                  f"{number(r['is_mean'], 2):>6s} {number(r['precision'], 3):>6s} {number(r['recall'], 3):>6s}"
                  for name, r in rows.items()]
    else:
        lines += ["", "To read these numbers against known references (the real-vs-real floor at this n, real images "
                  "with noise or blur, a single class), add --calibration (four more evaluations) or see "
                  "docs/models.md, 'Calibration points'; lesson 06 explains every metric."]
    return "\n".join(lines)


def evaluate_gan(path: Path, args) -> tuple[dict, str]:
    """Evaluator of the noise-to-image kinds: load the EMA generator, sample, score everything."""
    from ..metrics import evaluate
    from ..pretrained import read_generator
    from ..sampling import sample

    generator, obj = read_generator(path, device=select_device(args.device))
    conditional = bool(getattr(generator, "num_classes", None))
    result = evaluate(functools.partial(sample, generator), n=args.n, conditional=conditional, seed=args.seed,
                      gan_train=not args.no_gan_train, inception_weights_path=args.inception_weights,
                      device=args.device, progress=sys.stderr.isatty())
    payload = gan_payload(result, obj, args)
    payload["calibration"] = calibration_payload(args) if args.calibration else None
    return payload, gan_report(payload, obj["kind"])


def evaluate_unet(path: Path, args) -> tuple[dict, str]:
    """Evaluator of editing U-Net files: PSNR/SSIM of every task against the classical baselines."""
    from ..unet_evaluation import unet_evaluator

    return unet_evaluator(path, args)


EVALUATORS = {"dcgan": evaluate_gan, "cgan": evaluate_gan, "wgan-gp": evaluate_gan, "unet": evaluate_unet}
DEFAULT_N = {"unet": 1000}  # every other kind: 10000


def run(args) -> int:
    """Check the arguments, dispatch on the file's kind, print text or JSON."""
    if args.n is not None and args.n < 2:
        raise UserError(f"--n must be at least 2 (FID needs a covariance), got {args.n}; 10000 is the standard.")
    start = time.perf_counter()
    path = Path(args.checkpoint)
    kind = checkpoint_kind(path)
    if args.n is None:
        args.n = DEFAULT_N.get(kind, 10_000)
    configure_cpu_threads()
    payload, text = EVALUATORS[kind](path, args)
    result = {"kind": kind, "checkpoint": str(path), **payload, "seconds": round(time.perf_counter() - start, 2)}
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print(f"{text}\n\n{kind} evaluated in {result['seconds']:.1f} s")
    return 0
