"""The model-card table of text2img runs: mean ± std over seeds of every `evaluate --json` field.

    for s in 0 1 2; do python -m course_lib train text2img --out runs/text2img_s$s --seed $s
                       python -m course_lib evaluate runs/text2img_s$s/checkpoint.pt --json > eval_s$s.json; done
    python data_scripts/text2img_card.py eval_s0.json eval_s1.json eval_s2.json
"""

from __future__ import annotations

import json
import statistics
import sys


def rows(results: list[dict]) -> list[tuple[str, list[float]]]:
    """(name, one value per run) of every number, nested dicts flattened as 'field.key'."""
    out = []
    for key, value in results[0].items():
        if isinstance(value, dict):
            out += [(f"{key}.{k}", [r[key][k] for r in results]) for k in value]
        elif isinstance(value, (int, float)) and key not in ("n", "seed"):
            out.append((key, [r[key] for r in results]))
    return out


def main(paths: list[str]) -> None:
    results = [json.load(open(p)) for p in paths]
    print(f"| metric | mean ± std over {len(results)} seeds | per seed |\n|---|---|---|")
    for name, values in rows(results):
        std = statistics.stdev(values) if len(values) > 1 else 0.0
        print(f"| {name} | {statistics.mean(values):.3f} ± {std:.3f} | {' / '.join(f'{v:.3f}' for v in values)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
