"""Generated images for evaluation: drawn from a sampling callable in seeded chunks, and checked."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import torch
from tqdm.auto import tqdm

from ..categories import NUM_CLASSES
from .images import prepare_images


def takes_labels(sample_fn: Callable) -> bool:
    """True when ``sample_fn`` *requires* labels: a ``labels`` parameter or a third positional one, no default.

    An optional ``labels=None`` (``functools.partial(course_lib.gan.sampling.sample, generator)``) does not
    count: such a sampler works without labels, so pass ``conditional=True`` to evaluate it per label.
    """
    try:
        params = list(inspect.signature(sample_fn).parameters.values())
    except (TypeError, ValueError):  # builtins without a signature: assume unconditional
        return False
    required = [p for p in params if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    positional = [p for p in required if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return any(p.name == "labels" for p in required) or len(positional) >= 3


def balanced_labels(n: int, seed: int, num_classes: int = NUM_CLASSES) -> torch.Tensor:
    """(n,) int64: every class n // num_classes or one more times, in a seeded random order."""
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return (torch.arange(n) % num_classes)[order]


def draw_samples(sample_fn: Callable, n: int, seed: int = 0, conditional: bool | None = None,
                 batch_size: int = 500, progress: bool = True) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Call ``sample_fn(size, seed)`` (conditional: ``sample_fn(size, seed, labels)``) chunk by chunk.

    Returns images (n, 1, 28, 28) float32 in [-1, 1] on the CPU (32x32 samples are center-cropped) and
    the labels asked for (n,) int64, or None when unconditional. Chunk seeds come from one generator
    seeded with ``seed``, so ``seed=0`` and ``seed=1`` share no chunk; changing ``batch_size`` changes
    which samples are drawn.
    """
    if not callable(sample_fn):
        raise ValueError(f"expected images or a callable sample_fn(n, seed), got {type(sample_fn).__name__}.")
    if n < 2 or batch_size < 1:
        raise ValueError(f"n must be >= 2 and batch_size >= 1, got n={n}, batch_size={batch_size}.")
    conditional = takes_labels(sample_fn) if conditional is None else conditional
    labels = balanced_labels(n, seed) if conditional else None
    sizes = [min(batch_size, n - start) for start in range(0, n, batch_size)]
    seeds = torch.randint(0, 2**31 - 1, (len(sizes),), generator=torch.Generator().manual_seed(seed)).tolist()
    chunks, start = [], 0
    with torch.no_grad():
        for size, chunk_seed in tqdm(list(zip(sizes, seeds)), desc="sampling", disable=not progress, leave=False):
            args = (size, chunk_seed) if labels is None else (size, chunk_seed, labels[start: start + size])
            images = sample_fn(*args)
            images = prepare_images(images.detach().cpu() if isinstance(images, torch.Tensor) else images,
                                    "sample_fn output")
            if images.shape[0] != size:
                raise ValueError(f"sample_fn({size}, ...) returned {images.shape[0]} images; it must return "
                                 "exactly as many as asked for.")
            chunks.append(images)
            start += size
    return torch.cat(chunks), labels
