"""Measure training on a photo folder (``train --data``) at 32, 64 and 128 px: decoding, the cache, images/s.

Makes the synthetic example folder (``data --make-example-folder``, colour shop photos on white) with
``--per-class`` photos per category, then for each size: the first load (decode + write the cache), the
second (cache hit), and the dcgan recipe's training speed at batch 64 (``--steps`` timed steps after 3
warm-up steps) on this machine's device. Prints one JSON line per size, the numbers docs/your-catalog.md
quotes; seconds per epoch are images / (images per second), for the folder size given.

    python data_scripts/folder_speed.py                       # CPU here; on a GPU machine it uses CUDA
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
import time
from pathlib import Path

import torch

from course_lib.gan import recipes
from course_lib.photos.folders import load_image_folder, make_example_folder
from course_lib.runtime import configure_cpu_threads, select_device
from course_lib.studies.timing import timed_steps


def measure(folder: Path, size: int, channels: int, steps: int, device) -> dict:
    start = time.perf_counter()
    data = load_image_folder(folder, size=size, channels=channels, progress=False)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = load_image_folder(folder, size=size, channels=channels, progress=False)
    cached = time.perf_counter() - start
    assert again.cached and torch.equal(again.images, data.images)
    recipe = recipes.get_recipe("dcgan")
    model_cfg = dataclasses.replace(recipe.model, image_size=size, channels=channels)
    train_cfg = dataclasses.replace(recipe.train, batch_size=64)
    trainer = recipes.make_trainer("dcgan", model_cfg, train_cfg, data.images, None, device, log_every=10**9)
    timed_steps(trainer, 3, device)  # warm-up
    seconds = timed_steps(trainer, steps, device)
    per_second = steps * 64 / seconds
    return {"size": size, "channels": channels, "photos": len(data.images), "skipped": len(data.skipped),
            "first_load_s": round(first, 2), "cached_load_s": round(cached, 3),
            "train_images_per_s": round(per_second, 1),
            "epoch_s_for_10000_photos": round(10_000 / per_second, 1), "device": str(device),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--per-class", type=int, default=100)
    p.add_argument("--sizes", type=int, nargs="+", default=[32, 64, 128])
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--device", default="auto")
    args = p.parse_args(argv)
    configure_cpu_threads()
    device = select_device(args.device)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")  # a cold cache, removed afterwards
        folder = make_example_folder(Path(tmp) / "shop", per_class=args.per_class, size=160)
        for size in args.sizes:
            print(json.dumps(measure(folder, size, args.channels, args.steps, device)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
