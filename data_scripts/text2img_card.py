"""The model-card table of text2img runs: mean ± std over seeds of every `evaluate --json` field.

    for s in 0 1 2; do python -m course_lib train text2img --out runs/text2img_s$s --seed $s
                       python -m course_lib evaluate runs/text2img_s$s/checkpoint.pt --json > eval_s$s.json; done
    python data_scripts/text2img_card.py eval_s0.json eval_s1.json eval_s2.json

Two sets side by side (the discriminator choice, ``text2img_d_choice.py``): the measures of generated images,
mean ± std of each set:

    python data_scripts/text2img_card.py eval_s*.json --vs plain_eval_s*.json
"""

from __future__ import annotations

import json
import sys

from course_lib.studies.tables import mean_std


def rows(results: list[dict]) -> list[tuple[str, list[float]]]:
    """(name, one value per run) of every number, nested dicts flattened as 'field.key' (deeper ones, such as the
    per-category tables, are left out)."""
    out = []
    for key, value in results[0].items():
        if isinstance(value, dict):
            out += [(f"{key}.{k}", [r[key][k] for r in results]) for k, v in value.items()
                    if isinstance(v, (int, float)) and not isinstance(v, bool)]
        elif isinstance(value, (int, float)) and key not in ("n", "seed"):
            out.append((key, [r[key] for r in results]))
    return out


GENERATED = ("category_accuracy", "attribute_accuracy.colour", "attribute_accuracy.tone", "attribute_accuracy.width",
             "attribute_accuracy.pattern", "fid_course")


def cell(values: list[float]) -> str:
    return mean_std(values)


def side_by_side(first: list[str], second: list[str]) -> None:
    a, b = (dict(rows([json.load(open(p)) for p in paths])) for paths in (first, second))
    print(f"| measure of generated images | first ({len(first)} runs) | second ({len(second)} runs) |\n|---|---|---|")
    for name in GENERATED:
        print(f"| {name} | {cell(a[name])} | {cell(b[name])} |")


def main(paths: list[str]) -> None:
    if "--vs" in paths:
        at = paths.index("--vs")
        return side_by_side(paths[:at], paths[at + 1:])
    results = [json.load(open(p)) for p in paths]
    print(f"| metric | mean ± std over {len(results)} seeds | per seed |\n|---|---|---|")
    for name, values in rows(results):
        print(f"| {name} | {cell(values)} | {' / '.join(f'{v:.3f}' for v in values)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
