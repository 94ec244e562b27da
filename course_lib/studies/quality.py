"""Time to quality: FID on the course scale against seconds of training, for course_lib's default recipe and for
the PyTorch DCGAN tutorial's recipe, in one process on the same data, with calibration points at the same n.

The tutorial's recipe is its own network at 32 px (ngf = ndf = 64, nz = 100: ``DCGANConfig(32, 100, 64)`` is the
tutorial's layers, its 4x4 transposed convolution from 1x1 being our Linear projection), batch 128,
Adam(2e-4, (0.5, 0.999)), Sigmoid + BCELoss, per-sample Resize + ToTensor + Normalize (``tutorial.py``), fp32.
Its 32-px samples are resized back to 28 px for the scorer; the calibration point "real, resized to 32 and
back" measures what that round trip costs on real images. Only training is timed: the clock stops while
samples are drawn and scored. FID: ``n`` samples (noise seed ``seed``) against the 10,000 test images'
features (``metrics.features``), torch-fidelity's formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..data import to_float
from ..data.corrupt import add_noise
from ..gan.recipes import get_recipe, make_trainer
from ..gan.sampling import latent_noise, sample
from ..metrics.scorer import FidScorer
from ..models import build_models
from ..models.dcgan import DCGANConfig
from ..runtime import resolve_precision, select_device
from .timing import timed
from .tutorial import TutorialLoop, endless, tutorial_loader

TUTORIAL_MODEL = DCGANConfig(image_size=32, latent_dim=100, width=64, channels=1)
TUTORIAL_BATCH, TUTORIAL_LR, TUTORIAL_BETAS = 128, 2e-4, (0.5, 0.999)


@dataclass(frozen=True)
class QualityConfig:
    """marks: training seconds at which both runs are scored (a run stops at its budget); chunk: steps between
    looks at the clock (a mark is passed by at most one chunk)."""

    n: int = 5000
    seed: int = 1
    marks: tuple[float, ...] = (10, 20, 30, 45, 60, 75, 90, 120, 150, 180, 240, 300)
    course_seconds: float = 180.0
    tutorial_seconds: float = 300.0
    chunk: int = 10
    kind: str = "dcgan"
    precision: str = "auto"
    device: str = "auto"


QUICK_QUALITY = QualityConfig(n=200, marks=(0.5, 1.0), course_seconds=1.0, tutorial_seconds=1.0, chunk=2)


def to_28(images: torch.Tensor) -> torch.Tensor:
    """(N, 1, S, S) in [-1, 1] -> (N, 1, 28, 28), bilinear with antialiasing (identity at 28)."""
    if images.shape[-1] == 28:
        return images
    return F.interpolate(images, size=(28, 28), mode="bilinear", antialias=True, align_corners=False).clamp(-1, 1)


def calibration(score: FidScorer, train_images: torch.Tensor, n: int, seed: int) -> dict[str, float]:
    """FID at this n of known sets built from a seeded subset of ``train_images`` (N, 28, 28) uint8: the floor,
    real + noise sigma 0.1 (the target line), and real resized to 32 px and back (the tutorial's round trip)."""
    from ..metrics.calibration import blur_3x3

    index = torch.randperm(train_images.shape[0], generator=torch.Generator().manual_seed(seed))[:n]
    real = to_float(train_images[index])
    up = F.interpolate(real, size=(32, 32), mode="bilinear", antialias=True, align_corners=False)
    return {"real (floor)": score(real), "real + noise sigma=0.1": score(add_noise(real, 0.1, seed)),
            "real + 3x3 blur": score(blur_3x3(real)), "real, resized to 32 and back": score(to_28(up))}


def fid_curve(run_steps, draw, score: FidScorer, marks, budget: float, chunk: int, device) -> list[dict]:
    """Train with ``run_steps(k)`` and score ``draw()`` at every mark up to ``budget`` training seconds."""
    seconds, steps, curve = 0.0, 0, []
    for mark in sorted(m for m in marks if m <= budget):
        if seconds >= mark:  # one slow chunk passed several marks: that state is scored already
            continue
        while seconds < mark:
            seconds += timed(run_steps, chunk, device=device)
            steps += chunk
        curve.append({"train_seconds": round(seconds, 2), "steps": steps, "fid": score(draw())})
    return curve


def tutorial_samples(generator: torch.nn.Module, n: int, seed: int, device) -> torch.Tensor:
    """n samples (n, 1, 28, 28) on the CPU, drawn as the tutorial draws them (train mode, no gradients, batches
    of 500), resized from 32 px. BatchNorm's running statistics are restored afterwards."""
    state = {k: v.clone() for k, v in generator.state_dict().items()}
    z = latent_noise(n, generator.latent_dim, seed).to(device)
    with torch.no_grad():
        images = torch.cat([generator(chunk).float().cpu() for chunk in z.split(500)])
    generator.load_state_dict(state)
    return to_28(images)


def tutorial_recipe(images: torch.Tensor, labels: torch.Tensor, device, seed: int = 0) -> TutorialLoop:
    """The tutorial's recipe on ``images`` (N, 28, 28) uint8, seeded like the course's."""
    torch.manual_seed(seed)
    generator, discriminator = build_models("dcgan", TUTORIAL_MODEL)
    loader = tutorial_loader(images, labels, TUTORIAL_BATCH, seed, image_size=TUTORIAL_MODEL.image_size)
    return TutorialLoop(generator, discriminator, endless(loader), TUTORIAL_LR, TUTORIAL_LR, TUTORIAL_BETAS, device)


def at(curve: list[dict], seconds: float) -> float | None:
    """FID of the point scored on passing ``seconds`` of training (None when the run stopped before)."""
    return next((p["fid"] for p in curve if p["train_seconds"] >= seconds), None)


def first_below(curve: list[dict], line: float) -> dict | None:
    """The first point of ``curve`` whose FID is at or below ``line``."""
    return next((p for p in curve if p["fid"] <= line), None)


def time_to_quality(cfg: QualityConfig, images: torch.Tensor, labels: torch.Tensor, progress=print) -> dict:
    """Both curves, the calibration lines, and where each run crosses the target line (real + noise 0.1)."""
    device = select_device(cfg.device)
    precision = resolve_precision(cfg.precision, device)
    score = FidScorer()
    lines = calibration(score, images, cfg.n, cfg.seed)
    recipe = get_recipe(cfg.kind)
    progress(f"time to quality: the default {cfg.kind} recipe ({precision}) for {cfg.course_seconds:g} s ...")
    trainer = make_trainer(cfg.kind, recipe.model, recipe.train, images, labels, device, precision=precision)
    course = fid_curve(lambda k: trainer.run(k, progress=False),
                       lambda: sample(trainer.ema.module, cfg.n, seed=cfg.seed), score, cfg.marks, cfg.course_seconds,
                       cfg.chunk, device)
    progress(f"time to quality: the PyTorch tutorial's recipe (fp32) for {cfg.tutorial_seconds:g} s ...")
    loop = tutorial_recipe(images, labels, device)
    tutorial = fid_curve(loop.run, lambda: tutorial_samples(loop.generator, cfg.n, cfg.seed, device), score,
                         cfg.marks, cfg.tutorial_seconds, cfg.chunk, device)
    target = lines["real + noise sigma=0.1"]
    return {"n": cfg.n, "seed": cfg.seed, "precision": precision, "calibration": lines, "target_line": target,
            "course_lib": {"recipe": cfg.kind, "batch_size": recipe.train.batch_size, "curve": course,
                           "reaches_target": first_below(course, target)},
            "tutorial": {"model": "DCGANConfig(32, latent 100, width 64)", "batch_size": TUTORIAL_BATCH,
                         "curve": tutorial, "reaches_target": first_below(tutorial, target),
                         "fid_at_90_s": at(tutorial, 90), "fid_at_300_s": at(tutorial, 300)}}


def plot(result: dict, path) -> None:
    """Both curves of ``time_to_quality``'s result, with its calibration lines, as a PNG at ``path``."""
    from ..plots import plot_fid_curves

    curves = {f"course_lib, default recipe ({result['precision']})": result["course_lib"]["curve"],
              "PyTorch tutorial's recipe (fp32)": result["tutorial"]["curve"]}
    plot_fid_curves(curves, result["calibration"], f"FID, course scale (n = {result['n']})", path,
                    "Time to quality: course_lib against the PyTorch DCGAN tutorial")
