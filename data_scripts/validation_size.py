"""How many held-out photos early stopping can decide on: FID and KID ordering two generators of known quality.

    python data_scripts/validation_size.py        # 3 noise levels x 6 sizes x 40 draws, about 15 s on 2 cores

Prints a markdown table (docs/models.md quotes it; ``finetune`` refuses ``--early-stopping`` below the size it
sets) and writes ``course_lib/assets/results/validation_size.json``. See ``course_lib/studies/validation_size.py``.
"""

from __future__ import annotations

import json
import sys

from course_lib.runtime import configure_cpu_threads, cpu_model
from course_lib.serialization import atomic_save
from course_lib.studies.few_shot_report import shipped_runs
from course_lib.studies.validation_size import ordering


def main() -> int:
    configure_cpu_threads()
    rows = ordering()
    print("| noise sigma | FID gap (all test boots) | n held out | FID orders right | KID orders right |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['sigma']} | {row['fid_gap']:.2f} | {row['n']} | {row['fid_right']:.2f} | "
              f"{row['kid_right']:.2f} |")
    out = shipped_runs("validation_size.json")
    atomic_save({"rows": rows, "cpu": cpu_model()}, out, write=lambda v, f: f.write(json.dumps(v, indent=1).encode()))
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
