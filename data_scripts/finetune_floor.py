"""The noise floors of lesson 08: what a perfect generator scores, and how far two evaluations of one checkpoint
land apart, on the ankle boots' validation photos (train images no run uses) and test photos.

    python data_scripts/finetune_floor.py   # 39 s on the 2-core AMD EPYC; writes assets/results/finetune_floor.json

The real floor: 1000 other train boots against n validation and n test boots, 10 draws of the n. The spread:
a full fine-tune of the shipped base on N seeded boots (600 steps, seed 0), its final EMA generator's validation
FID (1000 samples) with 10 sample seeds. Its standard deviation sets the early-stopping ``min_delta`` of
``data_scripts/finetune_table.py``.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from course_lib.categories import category_index
from course_lib.gan.checkpoint import load_checkpoint
from course_lib.gan.few_shot import FINETUNE_METHODS, finetune_trainer, new_line, report_split
from course_lib.metrics.features import dataset, make_extractor
from course_lib.runtime import configure_cpu_threads, cpu_model
from course_lib.serialization import atomic_save
from course_lib.studies.few_shot_floor import checkpoint_spread, other_photos, real_floor
from course_lib.studies.few_shot_report import shipped_runs

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "checkpoints" / "dcgan_no_ankle_boot.pt"


def main() -> int:
    configure_cpu_threads()
    boot, data, extractor = category_index("Ankle boot"), dataset(), make_extractor()
    _, validation = new_line(data, boot, 10, seed=0)
    floor = real_floor(other_photos(data, boot, 0, skip=500, count=1000, validation=1000), validation,
                       report_split(data, boot), sizes=(50, 100, 300, 1000), draws=10, extractor=extractor)
    print("| held-out n | perfect generator's validation FID | its test FID |\n|---|---|---|")
    for row in floor:
        print(f"| {row['n']} | {row['validation'][0]:.2f} ± {row['validation'][1]:.2f} | "
              f"{row['test'][0]:.2f} ± {row['test'][1]:.2f} |")
    spread = []
    base = load_checkpoint(BASE)
    for n in (10, 100):
        images, validation = new_line(data, boot, n, seed=0)
        trainer, _, _ = finetune_trainer(base, images, FINETUNE_METHODS["full fine-tune"], seed=0, device="auto")
        trainer.run(600, progress=False)
        values = checkpoint_spread(trainer.ema.module, validation, 1000, range(10), extractor)
        spread.append({"n": n, "steps": 600, "values": values})
        print(f"N = {n}, full fine-tune, step 600: validation FID {statistics.fmean(values):.2f} ± "
              f"{statistics.stdev(values):.2f} over 10 sample seeds (min {min(values):.2f}, max {max(values):.2f})")
    out = shipped_runs("finetune_floor.json")
    atomic_save({"floor": floor, "spread": spread, "cpu": cpu_model()}, out,
                write=lambda v, f: f.write(json.dumps(v, indent=1).encode()))
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
