"""``evaluate_generator``: every metric of a generated set against the real Fashion-MNIST test split, in one call.

The set metrics (FID, KID, IS, precision/recall) are computed by name through ``registry.METRICS``
(``EvaluationConfig.metrics`` picks them; all by default).

Features are extracted once (the same ``FashionFeatureExtractor`` torch-fidelity builds) and the numbers
come from torch-fidelity's own metric functions on those features (precision/recall: the same definition,
computed faster, see prc.py), so FID, KID, IS and precision/recall equal
``course_lib.metrics.fidelity.calculate_metrics`` on the same images (tests/metrics/test_evaluation.py), while the
same features also serve per-class FID and GAN-test without a second pass. The real test features are
cached in memory and on disk, keyed by the extractor's sha256.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from ..categories import NUM_CLASSES
from ..data import to_float
from ..runtime import pick, select_device
from .features import dataset, default_cache_dir, extract, full_split_radii, make_extractor, real_features
from .gan_train import gan_test_accuracy, gan_train_accuracy
from .images import prepare_images
from .inception import check_weights_path, inception_fid
from .per_class import per_class_fid
from .registry import Sets, get_metric
from .result import Evaluation
from .samples import draw_samples


def check_labels(labels: torch.Tensor, count: int) -> torch.Tensor:
    """labels (count,) integer in [0, 9] -> int64 on the CPU; ValueError otherwise."""
    if not isinstance(labels, torch.Tensor) or labels.is_floating_point() or labels.shape != (count,):
        got = f"{labels.dtype} {tuple(labels.shape)}" if isinstance(labels, torch.Tensor) else type(labels).__name__
        raise ValueError(f"labels must be an integer tensor ({count},) matching the images, got {got}.")
    if count and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
        raise ValueError(f"labels must lie in [0, {NUM_CLASSES - 1}], got [{labels.min()}, {labels.max()}].")
    return labels.long().cpu()


def check_metric_names(names) -> None:
    """ValueError naming what is wrong with ``EvaluationConfig.metrics``."""
    for name in names:
        get_metric(name)
    if "memorisation" in names:
        raise ValueError("memorisation compares samples with the training images, not the test split: call "
                         "course_lib.metrics.memorisation.memorisation(samples, train, held_out) instead.")


@dataclass(frozen=True)
class EvaluationConfig:
    """How ``evaluate_generator`` samples and scores; every field has the course's default.

    n: samples drawn from a sample_fn (an images tensor is used whole). The real side is min(N, 10000) test
    images (a seeded subset when N < 10000), so both sides have the same size, which precision/recall need.
    conditional: force (True) or forbid (False) balanced labels for a sample_fn; None detects a required
    ``labels`` parameter (``functools.partial(course_lib.gan.sampling.sample, generator)`` needs True).
    kid_subset_size: None adapts to min(1000, N); a value larger than N raises.
    gan_train: train the GAN-train classifier for conditional sets (default 300 Adam steps of 128 images,
    fast mode 100; tested on the 10,000 real test images, fast mode the first 2,000).
    inception_weights_path: a local Inception-v3 file (torch-fidelity's ``feature_extractor_weights_path``
    for ``inception-v3-compat``) adds ``fid_inception``; FileNotFoundError when absent.
    extractor_weights_path: other weights for the course extractor (yours; not checksummed).
    disk_cache, cache_dir: where the real features are kept (default ``~/.cache/course_lib/features``).
    metrics: the names in ``registry.METRICS`` to compute (the others are NaN in the result); memorisation is
    measured against the training images, not the test split, so it is not one of them;
    memorisation_quantile is its threshold when this config is passed to the registry's memorisation.
    """

    n: int = 10_000
    conditional: bool | None = None
    seed: int = 0
    batch_size: int = 500
    sample_batch_size: int = 500
    kid_subset_size: int | None = None
    kid_subsets: int = 100
    isc_splits: int = 10
    prc_neighborhood: int = 3
    gan_train: bool = True
    gan_train_steps: int | None = None
    inception_weights_path: str | Path | None = None
    extractor_weights_path: str | Path | None = None
    device: str = "auto"
    disk_cache: bool = True
    cache_dir: str | Path | None = None
    progress: bool = True
    metrics: tuple[str, ...] = ("fid", "kid", "is", "precision_recall")
    memorisation_quantile: float = 0.05


def evaluate_generator(generated: torch.Tensor | Callable, config: EvaluationConfig = EvaluationConfig(),
                       labels: torch.Tensor | None = None) -> Evaluation:
    """Evaluate generated images against the real test split (course extractor features), as ``config`` says.

    generated: images (N, 1, 28|32, 28|32) float in [-1, 1] (used whole; pass ``labels`` (N,) for a
    conditional set), or ``sample_fn(n, seed) -> images``; a conditional ``sample_fn(n, seed, labels)``
    gets balanced labels.
    """
    c = config
    start = time.perf_counter()
    check_metric_names(c.metrics)
    if c.inception_weights_path is not None:
        check_weights_path(c.inception_weights_path)  # fail before minutes of work, not after
    if isinstance(generated, torch.Tensor):
        images = prepare_images(generated.detach().cpu(), "images")
        labels = None if labels is None else check_labels(labels, images.shape[0])
    elif labels is not None:
        raise ValueError("labels go with an images tensor; a conditional sample_fn(n, seed, labels) "
                         "receives its labels from evaluate.")
    else:
        images, labels = draw_samples(generated, c.n, c.seed, c.conditional, c.sample_batch_size, c.progress)
    if images.shape[0] < 2:
        raise ValueError(f"need at least 2 generated images, got {images.shape[0]}.")
    if images.min() >= 0:
        warnings.warn("every generated pixel is >= 0: these look like images in [0, 1], but the metrics "
                      "expect [-1, 1] (background -1). Convert with images * 2 - 1.", stacklevel=2)

    extractor = make_extractor(c.extractor_weights_path, select_device(c.device))
    real = real_features(extractor, "test", c.batch_size, c.disk_cache, c.cache_dir, c.progress)
    features, logits = extract(images, extractor, c.batch_size, c.progress, desc="generated")
    num_gen, num_test = images.shape[0], real.features.shape[0]
    num_real = min(num_gen, num_test)
    real_index = (torch.arange(num_test) if num_real == num_test
                  else torch.randperm(num_test, generator=torch.Generator().manual_seed(c.seed))[:num_real])
    real_f, real_labels = real.features[real_index], real.labels[real_index]

    radii = (full_split_radii(extractor, real, c.prc_neighborhood)
             if num_real == num_test and "precision_recall" in c.metrics else None)
    values = {}
    for name in c.metrics:
        values.update(get_metric(name).compute(Sets(features, logits), Sets(real_f, radii=radii), c))
    groups = labels if labels is not None else logits.argmax(dim=1)
    class_fids, class_counts = per_class_fid(features, groups, real_f, real_labels)

    gan_test = gan_train_acc = fid_inception = None
    if labels is not None:
        gan_test = gan_test_accuracy(logits, labels)
        if c.gan_train:
            test_images, test_labels = dataset().split("test")
            count = pick(test_images.shape[0], 2000)
            gan_train_acc = gan_train_accuracy(
                images, labels, to_float(test_images[:count]), test_labels[:count],
                steps=c.gan_train_steps or pick(300, 100), seed=c.seed)
    if c.inception_weights_path is not None:
        cache_name = f"fashion-mnist-test-{num_real}-seed{c.seed}" if c.disk_cache else None
        fid_inception = inception_fid(images, to_float(dataset().test_images[real_index]),
                                      c.inception_weights_path, cache_name,
                                      Path(c.cache_dir or default_cache_dir()) / "torch-fidelity")

    return Evaluation(
        **{key: values.get(key, math.nan) for key in ("fid", "kid_mean", "kid_std", "is_mean", "is_std", "precision",
                                                      "recall")},
        per_class_fid=class_fids, per_class_count=class_counts,
        per_class_by="predicted class" if labels is None else "conditioning label",
        gan_test_accuracy=gan_test, gan_train_accuracy=gan_train_acc, fid_inception=fid_inception,
        num_generated=num_gen, num_real=num_real, kid_subset_size=int(values.get("kid_subset_size", 0)),
        extractor_sha256=extractor.weights_sha256, seconds=time.perf_counter() - start)
