"""Lesson 09's measured tables: edits by re-describing, and what the listing's checks reject.

    python data_scripts/listing_tables.py                 # 200 prompts x 3 seeds of edits; 100 prompts x 8 checked
    python data_scripts/listing_tables.py --prompts 20 --repetitions 1 --checked 10   # a quick look

Writes ``course_lib/assets/results/listing_tables.json`` (the package's copy, which lesson 09 and docs/models.md
read) unless ``--out`` names another file, and prints both tables as markdown. Uses the shipped
checkpoints/text2img.pt.
"""

from __future__ import annotations

import argparse
import json
import sys

from course_lib.runtime import configure_cpu_threads, cpu_model
from course_lib.serialization import atomic_save, shipped_dir
from course_lib.studies.edits import edit_study, markdown, summary
from course_lib.studies.few_shot_report import shipped_runs
from course_lib.studies.listing_checks import rejection_study
from course_lib.text2img.model import load


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--prompts", type=int, default=200, help="prompts of the edit study (default 200)")
    p.add_argument("--repetitions", type=int, default=3, help="seeds of the edit study (default 3)")
    p.add_argument("--checked", type=int, default=100, help="prompts of the rejection study (default 100)")
    p.add_argument("--out", default=None, help="JSON file (default: the package's listing_tables.json)")
    args = p.parse_args(argv)
    configure_cpu_threads()
    model = load(shipped_dir() / "text2img.pt", device="cpu")
    study = edit_study(model, args.prompts, args.repetitions)
    table = summary(study)
    checked = rejection_study(model, args.checked)
    result = {"edits": {"table": table, "prompts": args.prompts, "repetitions": args.repetitions,
                        "seconds": study["seconds"]},
              "checks": checked, "cpu": cpu_model()}
    out = args.out or shipped_runs("listing_tables.json")
    atomic_save(result, out, write=lambda v, f: f.write(json.dumps(v, indent=1).encode()))
    print(markdown(table, args.prompts, args.repetitions))
    print(json.dumps(checked, indent=1))
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
