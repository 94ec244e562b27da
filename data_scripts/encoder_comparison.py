"""Lesson 07's measured comparison: the course's text encoder against e5-small (``pip install -e ".[text]"``).

    python data_scripts/encoder_comparison.py runs/text2img_s0/checkpoint.pt runs/text2img_s1/checkpoint.pt \
        runs/text2img_s2/checkpoint.pt > encoder_comparison.json
    python data_scripts/encoder_comparison.py --pairs checkpoints/text2img.pt   # the example pairs only, seconds

``--pairs`` prints the cosine of a few example pairs of descriptions (``studies.encoders.EXAMPLE_PAIRS``: one
attribute changed, another language, another phrasing) under e5-small and under the checkpoint's course encoder.

For every course checkpoint: text->text recall@1 (``encoder_comparison.text_to_text``) and text->image
recall@1/@5 (``encoder_training.retrieval``) on 1000 test products. For e5-small: text->text once (it is not
trained), and text->image with a locked e5 tower trained on a pool of one caption for each of the first 12000
training images, with the course encoder's steps and batch, one run per checkpoint seed. Prints JSON, then a
markdown table on stderr.
"""

from __future__ import annotations

import json
import sys
import time
from functools import partial

from course_lib.runtime import configure_cpu_threads
from course_lib.studies.encoders import (
    cached,
    caption_pool,
    locked_retrieval,
    pair_cosines,
    text_to_text,
    train_locked,
)
from course_lib.studies.tables import mean_std
from course_lib.text2img.catalog import edition
from course_lib.text2img.encoder_training import embed_texts, retrieval
from course_lib.text2img.model import load
from course_lib.text2img.pretrained import E5Small

TEST, POOL_IMAGES, PER_IMAGE = 1000, 12_000, 1


def course(paths: list[str]) -> list[dict]:
    out = []
    for path in paths:
        model = load(path)
        test = edition("test", model.thresholds, TEST)
        out.append({"seed": model.extra["seed"],
                    "text_to_text": text_to_text(partial(embed_texts, model.clip, model.tokenizer), test),
                    "text_to_image": retrieval(model.clip, model.tokenizer, test)})
    return out


def e5(path: str, seeds: list[int]) -> dict:
    model = load(path)
    recipe = model.extra["recipe"]
    embed = cached(E5Small(threads=2).encode)
    test = edition("test", model.thresholds, TEST)
    start = time.perf_counter()
    found = {"text_to_text": text_to_text(embed, test)}
    train = edition("train", model.thresholds, POOL_IMAGES)
    index, captions = caption_pool(train, PER_IMAGE, seed=0)
    vectors = embed([c.text for c in captions])
    found["embed_seconds"] = round(time.perf_counter() - start, 1)
    runs = []
    for seed in seeds:
        locked, losses = train_locked(train, index, captions, vectors, recipe["clip_steps"], recipe["clip_batch"], seed)
        runs.append({"seed": seed, "final_loss": round(losses[-1], 4),
                     "text_to_image": locked_retrieval(locked, embed, test)})
    return {**found, "locked_runs": runs}


def table(result: dict) -> str:
    def cell(values):
        return mean_std(values)
    rows = ["| measure | course encoder | e5-small |", "|---|---|---|"]
    for key in result["course"][0]["text_to_text"]:
        rows.append(f"| text→text {key} | {cell([r['text_to_text'][key] for r in result['course']])} | "
                    f"{cell([result['e5']['text_to_text'][key]])} |")
    for key in result["course"][0]["text_to_image"]:
        for k in ("1", "5"):
            rows.append(f"| text→image {key} R@{k} | {cell([r['text_to_image'][key][k] for r in result['course']])}"
                        f" | {cell([r['text_to_image'][key][k] for r in result['e5']['locked_runs']])} |")
    return "\n".join(rows)


def pairs(path: str) -> dict:
    """The example pairs' cosines under e5-small and under the course encoder of ``path``."""
    model = load(path)
    return {"e5-small": pair_cosines(E5Small(threads=2).encode),
            "course": pair_cosines(partial(embed_texts, model.clip, model.tokenizer))}


def main(paths: list[str]) -> None:
    configure_cpu_threads()
    if paths[:1] == ["--pairs"]:
        print(json.dumps(pairs(paths[1]), indent=1, ensure_ascii=False))
        return
    result = {"course": course(paths), "pairs": pairs(paths[0])}
    result["e5"] = e5(paths[0], [r["seed"] for r in result["course"]])
    print(json.dumps(result, indent=1))
    print(table(result), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
