"""Benchmarks, measured in one process: course_lib's training loop against a tutorial-style loop, the
achieved FLOP rate of a training step against a measured matmul peak, and seconds to recognisable samples.

The tutorial baseline follows the PyTorch DCGAN tutorial at the *same* architecture and batch size: a
Sigmoid after the discriminator with ``BCELoss``, a ``DataLoader`` over a torchvision-style dataset that
turns each uint8 array into a PIL image and applies ``ToTensor`` + ``Normalize`` per sample, and
``.item()`` on every step. "Recognisable" is measured with the course's frozen Fashion-MNIST classifier
(see ``recognisability``). Speed goals are reported, never asserted.
"""

from __future__ import annotations

import os
import platform
import statistics
from dataclasses import asdict, dataclass

import torch
from torch.utils.flop_counter import FlopCounterMode

from ..gan.recipes import get_recipe, make_trainer, steps_for_epochs
from ..gan.sampling import sample
from ..models import build_models
from ..runtime import cpu_model, resolve_precision, select_device
from .timing import CPU, timed
from .tutorial import TutorialLoop, endless, tutorial_loader

CONFIDENT = 0.9  # a sample is recognised when the classifier gives one class >= 90 %
RELATIVE_RATE = 0.4  # recognisable: >= 40 % of the recognised share that real test images get ...
MIN_CLASS_SHARE = 0.01  # ... and >= MIN_CLASSES classes each hold >= 1 % of the samples (no collapse);
MIN_CLASSES = 9  # one class may lag: T-shirt/top and shirt are confused even on real images
MIN_CLASSIFIER_ACCURACY = 0.85  # below this on real test images the classifier cannot judge anything



@dataclass(frozen=True)
class BenchConfig:
    """Sizes of one benchmark run. ``quick`` is a smoke test: every number is real but noisy."""

    kind: str = "dcgan"
    warmup_steps: int = 5
    timed_steps: int = 40
    rounds: int = 3
    data_batches: int = 100
    matmul_size: int = 1024
    matmul_repeats: int = 10
    eval_every: int = 100
    eval_samples: int = 1000
    budget_seconds: float = 300.0
    train_images: int | None = None  # None: the whole training split
    quick: bool = False
    precision: str = "auto"  # of the course_lib Trainer: auto, fp32 or bf16 (runtime.resolve_precision)
    device: str = "auto"  # auto, cpu, cuda or mps (runtime.select_device); CUDA timings synchronise first


QUICK = BenchConfig(warmup_steps=1, timed_steps=3, rounds=1, data_batches=5, matmul_size=128, matmul_repeats=2,
                    eval_every=4, eval_samples=60, budget_seconds=30.0, train_images=256, quick=True)


def machine_info(device: torch.device = CPU) -> dict:
    """CPU model, cores, torch threads, versions, the load average (the machine may be shared), and the GPU's
    name when ``device`` is CUDA."""
    return {"cpu_model": cpu_model(), "logical_cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(),
            "omp_num_threads_env": os.environ.get("OMP_NUM_THREADS"), "torch": torch.__version__,
            "python": platform.python_version(), "load_average_1m_5m_15m": load_average(), "device": str(device),
            **({"gpu": torch.cuda.get_device_name(device)} if device.type == "cuda" else {})}


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (NaN where the OS has none)."""
    return [round(x, 2) for x in (os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3)]


def matmul_peak_gflops(size: int, repeats: int, dtype: torch.dtype = torch.float32,
                       device: torch.device = CPU) -> float:
    """Best GFLOP/s of ``size`` x ``size`` matmuls in ``dtype`` on ``device`` (2 size^3 FLOPs each) over
    ``repeats`` timings."""
    a, b = (torch.randn(size, size, dtype=dtype, device=device) for _ in range(2))
    a @ b  # warm-up
    best = float("inf")
    for _ in range(repeats):
        best = min(best, timed(torch.matmul, a, b, device=device))
    return 2 * size**3 / best / 1e9


def flops_per_step(step_fn) -> int:
    """FLOPs (forward and backward, counted by FlopCounterMode) of one call of ``step_fn``."""
    with FlopCounterMode(display=False) as counter:
        step_fn()
    return counter.get_total_flops()


def throughput(cfg: BenchConfig, images: torch.Tensor, labels: torch.Tensor) -> dict:
    """Images/s of course_lib's Trainer and the tutorial loop (same models, init, batch size), in
    alternating rounds so a change in machine load hits both; the median round of each is reported."""
    recipe = get_recipe(cfg.kind)
    batch = recipe.train.batch_size
    device = select_device(cfg.device)
    precision = resolve_precision(cfg.precision, device)
    trainer = make_trainer(cfg.kind, recipe.model, recipe.train, images, labels, device, log_every=25,
                           precision=precision)
    other = "fp32" if precision == "bf16" else "bf16"
    compare = make_trainer(cfg.kind, recipe.model, recipe.train, images, labels, device, log_every=25,
                           precision=other)
    torch.manual_seed(recipe.train.seed)
    generator, discriminator = build_models(cfg.kind, recipe.model)
    tutorial = TutorialLoop(generator, discriminator, endless(tutorial_loader(images, labels, batch)),
                            recipe.train.lr_g, recipe.train.lr_d, recipe.train.betas, device)
    trainer.run(cfg.warmup_steps)
    tutorial.run(cfg.warmup_steps)
    compare.run(cfg.warmup_steps)
    ours, theirs, others = [], [], []
    for _ in range(cfg.rounds):
        ours.append(cfg.timed_steps * batch / timed(trainer.run, cfg.timed_steps, device=device))
        theirs.append(cfg.timed_steps * batch / timed(tutorial.run, cfg.timed_steps, device=device))
        others.append(cfg.timed_steps * batch / timed(compare.run, cfg.timed_steps, device=device))
    course, baseline = statistics.median(ours), statistics.median(theirs)
    source, loader = trainer.batches, endless(tutorial_loader(images, labels, batch))
    data_ours = cfg.data_batches * batch / timed(lambda: [source.next_batch() for _ in range(cfg.data_batches)],
                                                 device=device)
    data_theirs = cfg.data_batches * batch / timed(lambda: [next(loader) for _ in range(cfg.data_batches)])
    return {"batch_size": batch, "timed_steps": cfg.timed_steps, "rounds": cfg.rounds, "precision": precision,
            "other_precision": other, "other_precision_images_per_s": statistics.median(others),
            "course_lib_images_per_s": course, "tutorial_images_per_s": baseline, "speedup": course / baseline,
            "course_lib_rounds": ours, "tutorial_rounds": theirs,
            "data_only_course_lib_images_per_s": data_ours, "data_only_tutorial_images_per_s": data_theirs,
            "course_lib_flops_per_step": flops_per_step(trainer.train_step),
            "tutorial_flops_per_step": flops_per_step(tutorial.train_step)}


def classifier_and_accuracy(path, real: torch.Tensor, real_labels: torch.Tensor):
    """(frozen classifier, its accuracy on ``real``); a custom ``path`` skips the shipped-weights checksum."""
    from ..models.classifier import load_classifier

    classifier = load_classifier() if path is None else load_classifier(path, expected_sha256=None)
    with torch.no_grad():
        accuracy = (classifier(real).argmax(1) == real_labels).float().mean().item()
    return classifier, accuracy


def recognisability(images: torch.Tensor, classifier, min_rate: float = 0.0) -> dict:
    """How many samples the classifier recognises. images: (N, 1, 28, 28) in [-1, 1].

    confident_rate: share with top-class probability >= CONFIDENT; class_shares: share of all samples
    confidently assigned to each class; recognisable: confident_rate >= min_rate and at least MIN_CLASSES
    classes hold >= MIN_CLASS_SHARE (recognisable products of most kinds, not one collapsed mode).
    """
    with torch.no_grad():
        probs = torch.cat([classifier(x).softmax(1) for x in images.split(500)])
    top, predicted = probs.max(1)
    confident = top >= CONFIDENT
    shares = torch.bincount(predicted[confident], minlength=probs.shape[1]).float() / images.shape[0]
    rate, covered = confident.float().mean().item(), int((shares >= MIN_CLASS_SHARE).sum())
    return {"confident_rate": rate, "classes_covered": covered, "class_shares": [round(s, 4) for s in shares.tolist()],
            "recognisable": rate >= min_rate and covered >= MIN_CLASSES}


def time_to_recognisable(cfg: BenchConfig, images, labels, classifier, min_rate: float) -> dict:
    """Train the default recipe; every ``eval_every`` steps score EMA samples (fixed seed). The clock runs
    only while training. Stops when recognisable, at the recipe's epochs, or past ``budget_seconds``."""
    recipe = get_recipe(cfg.kind)
    device = select_device(cfg.device)
    trainer = make_trainer(cfg.kind, recipe.model, recipe.train, images, labels, device, log_every=25,
                           precision=resolve_precision(cfg.precision, device))
    max_steps = steps_for_epochs(trainer, recipe.epochs)
    seconds, curve, reached = 0.0, [], None
    while trainer.step < max_steps and seconds < cfg.budget_seconds:
        seconds += timed(trainer.run, min(cfg.eval_every, max_steps - trainer.step), device=device)
        score = recognisability(sample(trainer.ema.module, cfg.eval_samples, seed=1), classifier, min_rate)
        curve.append({"step": trainer.step, "epoch": round(trainer.epoch, 3), "train_seconds": round(seconds, 2),
                      "confident_rate": score["confident_rate"], "classes_covered": score["classes_covered"]})
        if score["recognisable"]:
            reached = {"seconds": seconds, "step": trainer.step, "epoch": trainer.epoch, **score}
            break
    return {"reached": reached, "curve": curve, "max_steps": max_steps, "budget_seconds": cfg.budget_seconds}


def run_bench(cfg: BenchConfig = BenchConfig(), classifier_path=None, progress=print) -> dict:
    """Every measurement as one JSON-ready dict (see docs/performance.md for what each key means)."""
    from ..data import load_fashion_mnist, to_float

    data = load_fashion_mnist()
    images, labels = data.split("train")
    if cfg.train_images is not None:
        images, labels = images[: cfg.train_images], labels[: cfg.train_images]
    result = {"config": asdict(cfg), "machine": machine_info(select_device(cfg.device))}
    progress("measuring training throughput (course_lib Trainer vs tutorial loop) ...")
    result["throughput"] = throughput(cfg, images, labels)
    t = result["throughput"]
    progress(f"measuring the {t['precision']} matmul peak ({cfg.matmul_size}^2) ...")
    dtype = torch.bfloat16 if t["precision"] == "bf16" else torch.float32
    peak = matmul_peak_gflops(cfg.matmul_size, cfg.matmul_repeats, dtype, select_device(cfg.device))
    achieved = t["course_lib_flops_per_step"] * t["course_lib_images_per_s"] / t["batch_size"] / 1e9
    result["flops"] = {"matmul_peak_gflops": peak, "peak_dtype": t["precision"], "course_lib_step_gflops": achieved,
                       "fraction_of_peak": achieved / peak}
    rules = {"confident": CONFIDENT, "relative_rate": RELATIVE_RATE, "min_class_share": MIN_CLASS_SHARE,
             "min_classes": MIN_CLASSES}
    result["recognisable"] = {"rule": rules}
    real, real_labels = to_float(data.test_images[:1000]), data.test_labels[:1000]
    try:
        classifier, accuracy = classifier_and_accuracy(classifier_path, real, real_labels)
    except (FileNotFoundError, ValueError) as err:  # missing or damaged weights: report, keep the rest
        result["recognisable"]["skipped"] = f"no usable classifier: {err}"
        progress(result["recognisable"]["skipped"])
        result["machine"]["load_average_end"] = load_average()
        return result
    reference = recognisability(real, classifier)
    min_rate = RELATIVE_RATE * reference["confident_rate"]
    result["recognisable"].update(classifier_accuracy_on_real=accuracy, real_test_images=reference,
                                  min_confident_rate=min_rate)
    if accuracy < MIN_CLASSIFIER_ACCURACY:
        result["recognisable"]["skipped"] = (
            f"the classifier is right on only {accuracy:.1%} of real test images (< "
            f"{MIN_CLASSIFIER_ACCURACY:.0%}): its weights are not trained, so it cannot judge samples. "
            "Fix course_lib/assets/fashion_classifier.pt (data_scripts/train_feature_extractor.py) or pass "
            "--classifier PATH.")
        progress(result["recognisable"]["skipped"])
        result["machine"]["load_average_end"] = load_average()
        return result
    progress(f"training the default {cfg.kind} recipe until its samples are recognisable "
             f"(budget {cfg.budget_seconds:g} s of training) ...")
    result["recognisable"].update(time_to_recognisable(cfg, images, labels, classifier, min_rate))
    result["machine"]["load_average_end"] = load_average()
    return result
