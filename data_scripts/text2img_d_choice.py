"""The discriminator choice of lesson 07, measured: the same encoder and tagger, the GAN retrained without
mismatched pairs (a projection D that sees only real and generated images with their captions).

For each trained text2img file, the GAN phase is rerun with ``mismatch=False`` and the same seed (s + 2),
and the result written beside it; evaluate both and compare with ``text2img_card.py``:

    for s in 0 1 2; do python data_scripts/text2img_d_choice.py runs/text2img_s$s/checkpoint.pt runs/plain_s$s
                       python -m course_lib evaluate runs/plain_s$s/checkpoint.pt --json > plain_s$s.json; done
    python data_scripts/text2img_card.py plain_s0.json plain_s1.json plain_s2.json
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from course_lib.runtime import configure_cpu_threads
from course_lib.text2img.catalog import edition
from course_lib.text2img.model import load, save
from course_lib.text2img.training import Text2ImgRecipe, train_phases


def main(source: str, out: str) -> None:
    configure_cpu_threads()
    model = load(source)
    extra = model.extra
    recipe = dataclasses.replace(Text2ImgRecipe(**extra["recipe"]), mismatch=False)
    model.extra = {**extra, "recipe": dataclasses.asdict(recipe),
                   "phases": {k: v for k, v in extra["phases"].items() if k != "gan"}}
    model.generator = None
    path = Path(out) / "checkpoint.pt"
    data = edition("train", model.thresholds)
    trained = train_phases(data, model.thresholds, recipe, extra["seed"], extra["precision"], model,
                           lambda m: save(path, m))
    print(f"wrote {path}: GAN without mismatched pairs, {trained.extra['phases']['gan']['seconds']} s")


if __name__ == "__main__":
    main(*sys.argv[1:])
