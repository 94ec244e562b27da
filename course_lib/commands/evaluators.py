"""What ``python -m course_lib evaluate`` runs per model family: ``(payload, text) = evaluator(path, obj, args)``,
``obj`` the file's contents, read once by ``model_file.open_model_file``.

``payload`` is a JSON-ready dict with at least ``n``, ``seed`` and ``metrics`` (a flat dict of numbers),
``text`` the readable report. The GAN evaluator (dcgan, cgan, wgan-gp; training checkpoints or slim
generator files, EMA weights) runs ``course_lib.metrics.evaluate_generator``: FID, KID, IS,
precision/recall and per-class FID against the real test split in the course classifier's features, plus
GAN-test/GAN-train accuracy for conditional generators. The U-Net evaluator scores every task model
against the classical baselines (``course_lib.editing.evaluation``).
"""

from __future__ import annotations

import functools
import math
import sys
from pathlib import Path

from ..categories import CLASS_NAMES
from ..editing.evaluation import evaluate_unet, flat_metrics, format_unet_report
from ..gan.checkpoint import generator_from
from ..gan.sampling import sample
from ..runtime import select_device
from . import UserError

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
    from ..metrics import EvaluationConfig, calibration_points

    points = calibration_points(n=min(args.n, 10_000), seed=args.seed,
                                config=EvaluationConfig(device=args.device, progress=sys.stderr.isatty()))
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


def gan_evaluator(path: Path, obj: dict, args) -> tuple[dict, str]:
    """Evaluator of the noise-to-image kinds: rebuild the EMA generator, sample, score everything."""
    from ..metrics import EvaluationConfig, evaluate_generator

    generator = generator_from(obj, path, device=select_device(args.device))
    if not judgeable(generator.cfg):
        return photo_evaluation(path, generator, obj, args)
    folder = getattr(args, "data", None)
    if folder is not None:
        raise UserError(f"--data is for generators of photos (`train --data`); {path} draws 28x28 catalog "
                        "thumbnails, which are scored against the catalog's test split: drop --data.")
    conditional = bool(getattr(generator, "num_classes", None))
    config = EvaluationConfig(n=args.n, conditional=conditional, seed=args.seed, gan_train=not args.no_gan_train,
                              inception_weights_path=args.inception_weights, device=args.device,
                              progress=sys.stderr.isatty())
    result = evaluate_generator(functools.partial(sample, generator), config)
    payload = gan_payload(result, obj, args)
    payload["calibration"] = calibration_payload(args) if args.calibration else None
    return payload, gan_report(payload, obj["kind"])


def judgeable(cfg) -> bool:
    """True for 28/32-px grey generators, which the course classifier can judge."""
    return getattr(cfg, "image_size", 28) in (28, 32) and getattr(cfg, "channels", 1) == 1


def photo_evaluation(path: Path, generator, obj: dict, args) -> tuple[dict, str]:
    """Inception FID/KID of a generator of photos against its folder (``--data`` or the one it was trained on)."""
    from ..metrics.photo_metrics import photo_metrics, resolve_weights
    from ..photos.folders import load_image_folder

    cfg = generator.cfg
    trained_on = (obj.get("extra") or {}).get("data", {}).get("folder")
    folder = getattr(args, "data", None) or trained_on
    if folder is None:
        raise UserError(f"{path} draws {cfg.image_size}-px photos; pass the folder of real photos to compare with: "
                        "--data DIR.")
    try:
        weights = resolve_weights(args.inception_weights)
        real = load_image_folder(folder, size=cfg.image_size, channels=cfg.channels, progress=False).images
    except (FileNotFoundError, ValueError) as err:
        raise UserError(str(err)) from None
    fake = sample(generator, args.n, seed=args.seed).cpu()
    metrics = photo_metrics(fake, real, weights)
    payload = {"metrics": metrics, "num_samples": args.n, "num_real": len(real), "data": str(folder),
               "features": "inception-v3-compat (torch-fidelity)"}
    text = (f"{obj['kind']} at {cfg.image_size} px, {cfg.channels} channel(s): {args.n} samples against {len(real)} "
            f"photos of {folder}, torch-fidelity's Inception-v3 features (the papers' scale, not the course "
            f"classifier's)\n  Inception FID {metrics['fid_inception']:.2f}\n  Inception KID "
            f"{metrics['kid_inception_mean']:.4f} ± {metrics['kid_inception_std']:.4f}")
    return payload, text


def unet_evaluator(path: Path, obj: dict, args) -> tuple[dict, str]:
    """Evaluator of editing U-Net files: PSNR/SSIM of every task against the classical baselines.

    Uses ``args.n`` (at most the 10000 test images), ``args.seed`` and ``args.device``."""
    result = evaluate_unet(path, n=min(args.n, 10_000), seed=args.seed, device=select_device(args.device), obj=obj)
    return {**result, "metrics": flat_metrics(result)}, format_unet_report(result)
