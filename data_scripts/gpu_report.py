"""The one JSON report of ``data_scripts/gpu_check.sh``, from the files its steps left in OUT.

    python data_scripts/gpu_report.py OUT > OUT/report.json

Each step (OUT/steps.jsonl: name, exit code, start and end) gets its seconds, its exit code and, when it
failed, the tail of its stderr. Then what each step measured: the CUDA tests' summary line, bench's JSON
(throughput, FLOP rate, seconds to recognisable), the 64-px folder run's JSON line, and every lesson's wall
time at full size.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TAIL = 2000  # characters of a failed step's stderr kept in the report


def read_steps(out: Path) -> list[dict]:
    """One dict per line of OUT/steps.jsonl, with seconds = end - start and the stderr tail of a failure."""
    steps = []
    for line in (out / "steps.jsonl").read_text().splitlines():
        step = json.loads(line)
        step["seconds"] = round(step.pop("end") - step.pop("start"), 1)
        if step["exit_code"] != 0:
            err = out / f"{step['step']}.err"
            step["stderr_tail"] = err.read_text(errors="replace")[-TAIL:] if err.exists() else ""
        steps.append(step)
    return steps


def json_or_none(path: Path):
    """The JSON object in ``path`` (the last JSON line if it holds several), None if there is none."""
    if not path.exists():
        return None
    text = path.read_text().strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        lines = [line for line in text.splitlines() if line.startswith("{")]
        return json.loads(lines[-1]) if lines else None


def report(out: Path) -> dict:
    steps = read_steps(out)
    by_name = {s["step"]: s for s in steps}
    tests = (out / "cuda_tests.out").read_text().strip().splitlines() if (out / "cuda_tests.out").exists() else []
    device = (out / "device.txt").read_text().strip() if (out / "device.txt").exists() else None
    return {"device": device, "steps": steps,
            "cuda_tests": tests[-1] if tests else None,
            "bench": json_or_none(out / "bench.out") if by_name.get("bench", {}).get("exit_code") == 0 else None,
            "folder_64px": json_or_none(out / "folder_64px.out"),
            "lessons_full_size_seconds": {s["step"].removeprefix("lesson_"): s["seconds"] for s in steps
                                          if s["step"].startswith("lesson_") and s["exit_code"] == 0}}


if __name__ == "__main__":
    print(json.dumps(report(Path(sys.argv[1])), indent=1))
