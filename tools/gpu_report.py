"""The one JSON report of ``data_scripts/gpu_check.sh``, from the files its steps left in OUT.

    python -m tools.gpu_report OUT > OUT/report.json

Each step (OUT/steps.jsonl: name, exit code, start and end) gets its seconds, its exit code and, when it
failed, the tail of its stderr. Then what each step measured: the CUDA tests' summary line, bench's JSON
(throughput, FLOP rate, seconds to recognisable), the 64-px folder run's JSON line, the device
``train text2img --device cuda --fast`` put its networks on, lesson 10's sampling times (GAN and flow model),
every lesson's wall time at full size and the device its networks ran on: the "networks on: DEVICE" line the
command and each lesson print (None when there is none: a lesson that failed before printing it, or lesson 01,
whose only network is a small CPU probe).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

TAIL = 2000  # characters of a failed step's stderr kept in the report
NETWORKS_ON = re.compile(r"^networks on: (\S+)$", re.MULTILINE)


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


def networks_on(text: str) -> str | None:
    """The device of the last "networks on: DEVICE" line of ``text``, None without one."""
    found = NETWORKS_ON.findall(text)
    return found[-1] if found else None


def notebook_networks_on(path: Path) -> str | None:
    """``networks_on`` over the printed outputs of an executed notebook (its source cells are not read)."""
    if not path.exists():
        return None
    try:
        cells = json.loads(path.read_text()).get("cells", [])
    except json.JSONDecodeError:
        return None
    text = "".join("".join(output.get("text", "")) for cell in cells for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream")
    return networks_on(text)


def report(out: Path) -> dict:
    steps = read_steps(out)
    by_name = {s["step"]: s for s in steps}
    tests = (out / "cuda_tests.out").read_text().strip().splitlines() if (out / "cuda_tests.out").exists() else []
    device = (out / "device.txt").read_text().strip() if (out / "device.txt").exists() else None
    return {"device": device, "steps": steps,
            "cuda_tests": tests[-1] if tests else None,
            "bench": json_or_none(out / "bench.out") if by_name.get("bench", {}).get("exit_code") == 0 else None,
            "folder_64px": json_or_none(out / "folder_64px.out"),
            "flow_sampling": json_or_none(out / "flow_sampling.out"),
            "text2img_fast_networks_on": networks_on((out / "text2img_fast.out").read_text(errors="replace"))
            if (out / "text2img_fast.out").exists() else None,
            "lessons_full_size_seconds": {s["step"].removeprefix("lesson_"): s["seconds"] for s in steps
                                          if s["step"].startswith("lesson_") and s["exit_code"] == 0},
            "lessons_networks_on": {s["step"].removeprefix("lesson_"): notebook_networks_on(
                out / "notebooks" / f"{s['step'].removeprefix('lesson_')}.ipynb")
                for s in steps if s["step"].startswith("lesson_")}}


if __name__ == "__main__":
    print(json.dumps(report(Path(sys.argv[1])), indent=1))
