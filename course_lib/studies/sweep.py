"""How training speed scales, and where a step spends its time: ``bench --sweep`` and ``bench --profile``.

- ``sweep``: images/s and achieved GFLOP/s of the course_lib ``Trainer`` on one recipe over batch size, model
  width and CPU thread count (each point: a fresh trainer, ``warmup`` steps, then ``steps`` timed steps).
  Seconds per epoch of the 60,000 training images follow as 60,000 / images per second.
- ``profile_step``: ``torch.profiler`` over a few training steps; the operators that take the most self CPU
  time, as a share of the total.
Speeds are measurements of this machine, printed, never asserted.
"""

from __future__ import annotations

import dataclasses
import time

import torch

from ..gan.recipes import get_recipe, make_trainer
from ..runtime import resolve_precision
from .bench import flops_per_step

TRAIN_IMAGES = 60_000  # the catalog's training split, for seconds per epoch


def sweep_point(kind: str, images: torch.Tensor, labels: torch.Tensor, batch: int, width: int, precision: str,
                warmup: int, steps: int) -> dict:
    """One configuration: {'batch', 'width', 'images_per_s', 'gflops', 'epoch_seconds'}."""
    recipe = get_recipe(kind)
    model_cfg = dataclasses.replace(recipe.model, width=width)
    train_cfg = dataclasses.replace(recipe.train, batch_size=batch)
    trainer = make_trainer(kind, model_cfg, train_cfg, images, labels, "cpu", log_every=10**9, precision=precision)
    trainer.run(warmup)
    start = time.perf_counter()
    trainer.run(steps)
    seconds = time.perf_counter() - start
    rate = steps * batch * train_cfg.n_critic / seconds
    gflops = flops_per_step(trainer.train_step) * steps / seconds / 1e9
    return {"batch": batch, "width": width, "images_per_s": round(rate, 1), "gflops": round(gflops, 2),
            "epoch_seconds": round(TRAIN_IMAGES / rate, 1)}


def sweep(images: torch.Tensor, labels: torch.Tensor, kind: str = "dcgan", batches=(32, 64, 128, 256, 512),
          widths=(16, 32, 64), threads=(1, 2), precision: str = "auto", warmup: int = 2, steps: int = 10,
          progress=print) -> dict:
    """Every (threads, width, batch) point; images (N, 28, 28) uint8 with N >= the largest batch."""
    resolved = resolve_precision(precision, torch.device("cpu"))
    before = torch.get_num_threads()
    rows = []
    try:
        for count in threads:
            torch.set_num_threads(count)
            for width in widths:
                for batch in batches:
                    row = {"threads": count, **sweep_point(kind, images, labels, batch, width, resolved, warmup, steps)}
                    rows.append(row)
                    progress(f"threads {count}, width {width:3d}, batch {batch:4d}: {row['images_per_s']:8.1f} "
                             f"images/s, {row['gflops']:6.2f} GFLOP/s, {row['epoch_seconds']:7.1f} s per epoch")
    finally:
        torch.set_num_threads(before)
    return {"kind": kind, "precision": resolved, "warmup": warmup, "steps": steps, "rows": rows}


def profile_step(images: torch.Tensor, labels: torch.Tensor, kind: str = "dcgan", precision: str = "auto",
                 steps: int = 5, top: int = 12) -> dict:
    """The ``top`` operators by self CPU time over ``steps`` training steps (after 2 warm-up steps)."""
    from torch.profiler import ProfilerActivity, profile

    recipe = get_recipe(kind)
    resolved = resolve_precision(precision, torch.device("cpu"))
    trainer = make_trainer(kind, recipe.model, recipe.train, images, labels, "cpu", log_every=10**9,
                           precision=resolved)
    trainer.run(2)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            trainer.train_step()
        trainer.flush()
    events = [e for e in prof.key_averages() if e.self_cpu_time_total > 0]
    total = sum(e.self_cpu_time_total for e in events)
    events.sort(key=lambda e: e.self_cpu_time_total, reverse=True)
    rows = [{"op": e.key, "calls": e.count, "self_ms_per_step": round(e.self_cpu_time_total / 1000 / steps, 3),
             "share": round(e.self_cpu_time_total / total, 4)} for e in events[:top]]
    return {"kind": kind, "precision": resolved, "steps": steps, "threads": torch.get_num_threads(),
            "total_ms_per_step": round(total / 1000 / steps, 2), "top": rows}
