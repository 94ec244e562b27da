"""What the listing's checks reject: for N prompts, K candidates each, how often each check fails, and how many
prompts end with a candidate that passes every check (a listing the command would write)."""

from __future__ import annotations

import time

from ..listing.pipeline import choose, draw
from ..listing.request import read_request
from .edits import study_prompts


def rejection_study(model, count: int = 100, k: int = 8, seed: int = 1) -> dict:
    """{'candidates', 'failed': {check: count}, 'failed_only': {check: count} (the one check that failed),
    'prompts_listed', 'prompts', 'seconds_per_prompt'} over ``count`` study prompts (``edits.study_prompts``)."""
    start, failed, only, listed, total = time.perf_counter(), {}, {}, 0, 0
    for prompt in study_prompts(count, seed):
        candidates = draw(model, read_request(model, prompt), k, seed=0)
        listed += choose(candidates) is not None
        for candidate in candidates:
            total += 1
            names = [c.name for c in candidate.checks if not c.passed]
            for name in names:
                failed[name] = failed.get(name, 0) + 1
            if len(names) == 1:
                only[names[0]] = only.get(names[0], 0) + 1
    return {"prompts": count, "k": k, "candidates": total, "failed": failed, "failed_only": only,
            "prompts_listed": listed, "seconds_per_prompt": round((time.perf_counter() - start) / count, 3)}
