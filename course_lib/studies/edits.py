"""Can a shop edit a product by words? The share of re-descriptions that change only the attribute asked for.

For each of N prompts (a category and a random subset of the other attributes, half in English, half in 中文)
and each repetition r, candidate 0 of seed ``1000 r + p`` is drawn and read; then, for every attribute, a target
value other than the one the tagger reads is picked at random and the prompt re-described
(``listing.pipeline.edit``: the same latent, one word changed). An edit is **clean** when the tagger sees that
attribute move to the target and no other attribute move. The table gives, per attribute, the share of clean
edits (mean ± std over the repetitions), the share where the target was reached at all, and how many other
attributes moved on average. The tagger is the judge, so its own errors count as failed edits too.
"""

from __future__ import annotations

import random
import statistics
import time

from ..listing.pipeline import Candidate, edit
from ..listing.ranking import read_candidates
from ..listing.request import ATTRIBUTES, fix_articles, read_request, value_word
from ..text2img.attributes import VALUES
from .tables import mean_std

MENTION = 0.5  # each attribute other than the category is named with this probability


def study_prompts(count: int, seed: int = 0) -> list[str]:
    """``count`` prompts: a category and a random subset of colour, tone, width and pattern; even ones in English
    ('a red wide dress'), odd ones in 中文 ('红色宽松连衣裙')."""
    rng, prompts = random.Random(seed), []
    for i in range(count):
        language = "en" if i % 2 == 0 else "zh"
        words = [value_word(name, rng.randrange(len(VALUES[name])), language)
                 for name in VALUES if rng.random() < MENTION]
        noun = value_word("category", rng.randrange(10), language)
        prompts.append(fix_articles(f"a {' '.join(words + [noun])}") if language == "en" else "".join(words) + noun)
    return prompts


def edits_of(model, prompt: str, index: int, repetition: int, rng: random.Random) -> list[dict]:
    """Every attribute of one prompt's candidate re-described once: {attribute, target, clean, reached, others}."""
    request = read_request(model, prompt)
    seed = 1000 * repetition + index
    images, _ = model.generate(request.text, n=1, seed=seed)
    before = Candidate(images[0], read_candidates(model, request, images)[0], [])
    rows = []
    for attribute in ATTRIBUTES:
        size = 10 if attribute == "category" else len(VALUES[attribute])
        target = rng.choice([v for v in range(size) if v != before.reading.read[attribute]])
        made = edit(model, request, before, attribute, target, 1, seed, checked=False)
        rows.append({"attribute": attribute, "target": target, "clean": made.clean,
                     "reached": made.candidate.reading.read[attribute] == target,
                     "others": len(set(made.changed) - {attribute})})
    return rows


def edit_study(model, count: int = 200, repetitions: int = 3, seed: int = 0) -> dict:
    """Run the study; {'rows': {repetition: [row, ...]}, 'seconds', 'prompts', 'repetitions'}."""
    start, prompts, out = time.perf_counter(), study_prompts(count, seed), {}
    for r in range(repetitions):
        rng = random.Random(1_000_003 * (r + 1) + seed)
        out[r] = [row for i, prompt in enumerate(prompts) for row in edits_of(model, prompt, i, r, rng)]
    return {"rows": out, "seconds": round(time.perf_counter() - start, 1), "prompts": count,
            "repetitions": repetitions}


def summary(study: dict) -> dict:
    """{attribute: {'clean': [share per repetition], 'reached': [...], 'others': [...]}}."""
    table = {}
    for attribute in ATTRIBUTES:
        per = {key: [] for key in ("clean", "reached", "others")}
        for rows in study["rows"].values():
            mine = [row for row in rows if row["attribute"] == attribute]
            for key in per:
                per[key].append(statistics.fmean(float(row[key]) for row in mine))
        table[attribute] = per
    return table


def markdown(table: dict, prompts: int, repetitions: int) -> str:
    """The table docs/models.md and lesson 09 show."""
    lines = ["| attribute | clean edits (only it moved, to the target) | target reached | other attributes moved |",
             "|---|---|---|---|"]
    for attribute, per in table.items():
        lines.append(f"| {attribute} | {mean_std(per['clean'], '{:.3f}')} | {mean_std(per['reached'], '{:.3f}')} | "
                     f"{mean_std(per['others'], '{:.2f}')} |")
    lines.append(f"\n{prompts} prompts x {repetitions} seeds, one edit per attribute each; mean ± std over the seeds.")
    return "\n".join(lines)
