"""Self-checks for lesson 09 (description -> listing): the ranking score, and which attribute is hardest to edit.

- ``check_ranking_score(fn)``: ``fn(agree, similarity)`` is the share of the asked attributes the tagger reads
  as asked plus a quarter of the prompt-image cosine; compared with ``listing.ranking.ranking_score``.
- ``check_hardest_edit_prediction(answer)``: predict-then-read. The truth is the shipped measurement (200
  prompts x 3 seeds, ``course_lib/assets/results/listing_tables.json``, made by
  ``data_scripts/listing_tables.py``), not a run in the lesson, so the answer is the same on every CPU, seed and
  thread count; the check also says how far apart the two hardest attributes are, in the seeds' spread.
"""

from __future__ import annotations

import json
import statistics

from ..listing.ranking import ranking_score
from ..studies.few_shot_report import shipped_runs
from .checks import CheckResult, Hint, check_function, check_prediction, exercise

EDIT_CHOICES = ("category", "colour", "tone", "width", "pattern")


def _cases() -> list[tuple]:
    return [({"category": True, "colour": True, "width": False}, 0.4), ({"category": False}, 0.9),
            ({"category": True, "colour": True, "tone": True, "width": True, "pattern": True}, -0.2),
            ({"category": True, "tone": False}, 0.0)]


@exercise("ranking score", "the share of asked attributes read as asked (a mean of the True/False values), plus "
                           "0.25 times the cosine")
def check_ranking_score(fn) -> CheckResult:
    """Compare ``fn(agree, similarity)`` with the library's ranking score."""
    hints = [Hint(lambda got, exp, args: abs(float(got) - (sum(args[0].values()) + 0.25 * args[1])) < 1e-6,
                  "the count of agreed attributes: divide by how many were asked, so a long request is not "
                  "favoured over a short one."),
             Hint(lambda got, exp, args: abs(float(got) - (sum(args[0].values()) / len(args[0]) + args[1])) < 1e-6,
                  "the whole cosine: weight it by 0.25, so it breaks ties and never outweighs one attribute.")]
    return check_function("ranking score", fn, ranking_score, _cases(), hints)


def edit_table() -> dict:
    """{attribute: {'clean': [share per seed], ...}} of the shipped study."""
    return json.loads(shipped_runs("listing_tables.json").read_text())["edits"]["table"]


def check_hardest_edit_prediction(answer) -> CheckResult:
    """Which attribute is hardest to change alone by re-describing (the lowest share of clean edits)?"""
    table = edit_table()
    means = {name: statistics.fmean(per["clean"]) for name, per in table.items()}
    hardest, second = sorted(means, key=means.get)[:2]
    spread = max(statistics.stdev(table[name]["clean"]) for name in (hardest, second))
    why = (f"clean edits, mean over 3 seeds of 200 prompts: {hardest} {means[hardest]:.3f}, then {second} "
           f"{means[second]:.3f} ({(means[second] - means[hardest]) / spread:.1f} times the larger seed spread). "
           f"A {hardest} edit reaches its target in {statistics.fmean(table[hardest]['reached']):.0%} of cases: "
           "the words barely steer it, so the latent decides.")
    return check_prediction("hardest attribute to edit", answer, EDIT_CHOICES, hardest, why)
