"""Score editing U-Nets against the classical baselines on the same seeded test images.

For every task and strength the clean test images are degraded once with ``seed``
(``course_lib.editing.scores.score_restoration``), then the degraded input itself, the U-Net and every
classical method of
``course_lib.editing.baselines.BASELINES[task]`` are scored against the clean images: mean PSNR (dB, each image
capped at 100 dB) and mean SSIM, on the [0, 1] scale. ``evaluate_unet(path)`` returns JSON-ready values;
``format_unet_report`` turns them into the text ``python -m course_lib evaluate`` prints, and
``flat_metrics`` into the command's flat ``metrics`` dict.

``TARGETS`` are the lesson's acceptance targets at strength 0.5: denoise (noise sigma 0.2) at least 4 dB
above the best classical method, inpaint (an 8x8 hole) at least 3 dB above biharmonic inpainting. The
margin is reported with the standard error of the paired per-image differences.
"""

from __future__ import annotations

import math

import torch

from .baselines import BASELINES, baseline
from .checkpoint import build_unet, is_finished, load_unets_file, unet_network
from .degrade import physical_parameters
from .restoring import restore
from .scores import mean_psnr, score_restoration

STRENGTHS = (0.25, 0.5, 0.75, 1.0)
TARGET_STRENGTH = 0.5
TARGETS = {"denoise": 4.0, "inpaint": 3.0}  # dB above the best classical method at TARGET_STRENGTH


def degradation_text(task: str, strength: float) -> str:
    """``denoise, 0.5`` -> ``sigma=0.2``; ``inpaint, 0.5`` -> ``hole_side_px=8``."""
    return ", ".join(f"{k}={v:.3g}" for k, v in physical_parameters(task, strength).items())


def target_check(task: str, per_image: dict[str, torch.Tensor]) -> dict:
    """U-Net minus the best classical method (by mean PSNR) at the target strength, with the paired SEM."""
    classical = {m: v for m, v in per_image.items() if m in BASELINES[task]}
    best = max(classical, key=lambda m: mean_psnr(classical[m]))
    diff = (per_image["unet"].double().clamp(max=100) - classical[best].double().clamp(max=100))
    sem = float(diff.std() / math.sqrt(diff.numel())) if diff.numel() > 1 else math.nan
    margin = float(diff.mean())
    return {"task": task, "strength": TARGET_STRENGTH, "best_classical": best, "margin_db": margin,
            "sem_db": sem, "target_db": TARGETS[task], "met": margin >= TARGETS[task]}


def evaluate_models(models: dict, clean: torch.Tensor, strengths=STRENGTHS, seed: int = 0) -> dict:
    """Score ``models`` ({task: U-Net}) and the baselines on clean (N, 1, H, W) in [-1, 1].

    Returns {"rows": [{"task", "strength", "degradation", "method", "psnr", "ssim"}, ...], "targets": [...]}:
    method is "input" (the degraded image), "unet" or a classical method's name.
    """
    rows, targets = [], []
    for task, unet in models.items():
        for strength in strengths:
            methods = {"unet": lambda d, m, u=unet: restore(u, d, m),
                       **{name: lambda d, m, t=task, n=name: baseline(t, d, m, method=n) for name in BASELINES[task]}}
            per_image = {}
            for name, fn in methods.items():
                scores = score_restoration(fn, clean, task, strength, seed)
                per_image.setdefault("input", scores["psnr_input"])
                per_image[name] = scores["psnr"]
                if name == "unet":
                    rows.append(row(task, strength, "input", scores["psnr_input"], scores["ssim_input"]))
                rows.append(row(task, strength, name, scores["psnr"], scores["ssim"]))
            if task in TARGETS and math.isclose(strength, TARGET_STRENGTH):
                targets.append(target_check(task, per_image))
    return {"rows": rows, "targets": targets}


def row(task: str, strength: float, method: str, psnr: torch.Tensor, ssim: torch.Tensor) -> dict:
    """One table row of means over the images."""
    return {"task": task, "strength": float(strength), "degradation": degradation_text(task, strength),
            "method": method, "psnr": mean_psnr(psnr), "ssim": float(ssim.double().mean())}


def held_out_images(n: int) -> torch.Tensor:
    """The first ``n`` Fashion-MNIST test images as uint8 (n, 28, 28)."""
    from ..data import load_fashion_mnist

    images, _ = load_fashion_mnist().split("test")
    return images[:n]


def evaluate_unet(path, n: int = 1000, strengths=STRENGTHS, seed: int = 0, images: torch.Tensor | None = None,
                  device="auto", obj: dict | None = None) -> dict:
    """Evaluate every finished task model in a U-Net file (``train unet`` or checkpoints/unet.pt), the U-Nets on
    ``device`` (the classical baselines and the scores run on the CPU).

    images: uint8 (N, 28, 28) to use instead of the first ``n`` test images. Returns JSON-ready values:
    the file, n, seed, the models' training facts, the rows and the target checks of ``evaluate_models``.
    obj: the file's contents when the caller has read it already.
    """
    from ..data import to_float

    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}.")
    obj = load_unets_file(path, obj)
    finished = {task: entry for task, entry in obj["tasks"].items() if is_finished(entry)}
    if not finished:
        raise ValueError(f"{path} holds no finished model (an interrupted run?); continue it with "
                         "`python -m course_lib train unet --resume --out DIR`.")
    clean = to_float(held_out_images(n) if images is None else images[:n])
    models = {task: build_unet(entry, device) for task, entry in finished.items()}
    configs = {task: unet_network(e)["config"] for task, e in finished.items()}
    facts = {task: {"step": e["step"], "width": configs[task]["width"], "residual": configs[task]["residual"],
                    "seconds": round(e["seconds"], 1)} for task, e in finished.items()}
    return {"checkpoint": str(path), "n": int(clean.shape[0]), "seed": seed, "models": facts,
            **evaluate_models(models, clean, strengths, seed)}


def format_unet_report(result: dict) -> str:
    """The text table of ``evaluate_unet``'s result: one block per task, PSNR / SSIM per method."""
    lines = [f"Editing U-Nets in {result['checkpoint']}: {result['n']} test images, degradation seed "
             f"{result['seed']}. PSNR (dB) / SSIM against the clean image, [0, 1] scale; higher is better."]
    for task, facts in result["models"].items():
        rows = [r for r in result["rows"] if r["task"] == task]
        methods = list(dict.fromkeys(r["method"] for r in rows))
        wide = max([len("degradation")] + [len(r["degradation"]) for r in rows])
        lines += ["", f"{task} (one model, {facts['step']} steps, width {facts['width']})",
                  f"  {'strength':>8}  {'degradation':<{wide}}" + "".join(f"{m:>16}" for m in methods)]
        for strength in dict.fromkeys(r["strength"] for r in rows):
            cells = {r["method"]: f"{r['psnr']:.2f} / {r['ssim']:.3f}" for r in rows if r["strength"] == strength}
            text = next(r["degradation"] for r in rows if r["strength"] == strength)
            lines.append(f"  {strength:>8.2f}  {text:<{wide}}" + "".join(f"{cells[m]:>16}" for m in methods))
    for t in result["targets"]:
        lines.append(f"target {t['task']} at strength {t['strength']:g}: U-Net - {t['best_classical']} = "
                     f"{t['margin_db']:+.2f} dB (± {t['sem_db']:.2f} SEM), target +{t['target_db']:g} dB: "
                     f"{'met' if t['met'] else 'NOT met'}")
    return "\n".join(lines)


def flat_metrics(result: dict) -> dict[str, float]:
    """Every number under one flat key: ``denoise_s0.5_unet_psnr``, ``denoise_s0.5_unet_ssim``, ...,
    ``denoise_margin_db`` (the target check)."""
    metrics = {f"{r['task']}_s{r['strength']:g}_{r['method']}_{m}": r[m]
               for r in result["rows"] for m in ("psnr", "ssim")}
    metrics.update({f"{t['task']}_margin_db": t["margin_db"] for t in result["targets"]})
    return metrics
