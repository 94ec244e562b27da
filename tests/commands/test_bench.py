"""``python -m course_lib bench --quick --json`` end to end: every key, positive numbers (no timing asserts)."""

import json

import pytest
import torch

from course_lib.commands.bench import report
from course_lib.commands.cli import main


@pytest.fixture(scope="module")
def quick_result():
    """One quick run for the whole file (it trains a few steps and scores them)."""
    capture = pytest.MonkeyPatch()
    lines = []
    capture.setattr("builtins.print", lambda *a, **k: lines.append(" ".join(map(str, a))) if "file" not in k else None)
    try:
        assert main(["bench", "--quick", "--json", "--budget", "5"]) == 0
    finally:
        capture.undo()
    return json.loads(lines[-1])


def test_bench_quick_json(quick_result):
    result = quick_result
    assert set(result) == {"config", "machine", "throughput", "flops", "recognisable", "time_to_quality"}
    assert result["config"]["quick"] is True and result["config"]["budget_seconds"] == 5
    t = result["throughput"]
    for key in ("course_lib_images_per_s", "tutorial_images_per_s", "speedup", "data_only_course_lib_images_per_s",
                "data_only_tutorial_images_per_s", "course_lib_flops_per_step", "tutorial_flops_per_step"):
        assert t[key] > 0, key
    # course_lib makes one more (no-grad) generator pass per step than the tutorial, which reuses its fake
    assert t["course_lib_flops_per_step"] > t["tutorial_flops_per_step"]
    f = result["flops"]
    assert f["matmul_peak_gflops"] > 0 and f["course_lib_step_gflops"] > 0 and f["fraction_of_peak"] > 0
    rec = result["recognisable"]
    assert set(rec["rule"]) == {"confident", "relative_rate", "min_class_share", "min_classes"}
    if "skipped" not in rec:  # a usable classifier: the curve has a point per evaluation
        assert rec["curve"] and all(p["train_seconds"] > 0 for p in rec["curve"])
        assert rec["reached"] is None or rec["reached"]["seconds"] > 0
    m = result["machine"]
    assert m["torch_threads"] >= 1 and m["cpu_model"]
    assert result["config"]["device"] == "auto" and m["device"] == ("cuda" if torch.cuda.is_available() else "cpu")
    q = result["time_to_quality"]
    for name in ("course_lib", "tutorial"):
        assert q[name]["curve"] and all(p["train_seconds"] > 0 and p["fid"] > 0 for p in q[name]["curve"])
    assert q["target_line"] == q["calibration"]["real + noise sigma=0.1"] > q["calibration"]["real (floor)"] > 0


def test_bench_text_report(quick_result):
    out = report(quick_result)
    for needle in ("machine:", "load average", "course_lib Trainer", "tutorial loop", "GFLOP/s", "recognisable",
                   "time to quality", "calibration at the same n", "tutorial recipe FID at 90 s"):
        assert needle in out


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_bench_quick_on_cuda(capsys):
    assert main(["bench", "--quick", "--json", "--budget", "5", "--device", "cuda"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["machine"]["device"].startswith("cuda") and result["machine"]["gpu"]
    assert result["throughput"]["course_lib_images_per_s"] > 0 and result["flops"]["matmul_peak_gflops"] > 0


def test_sweep_and_profile_refuse_another_device(capsys):
    assert main(["bench", "--sweep", "--quick", "--device", "cuda"]) == 2
    assert "--sweep and --profile measure the CPU" in capsys.readouterr().err


def test_bad_budget(capsys):
    assert main(["bench", "--quick", "--budget", "-1"]) == 2
    assert "argument --budget: must be a positive, finite number, got '-1'" in capsys.readouterr().err
    assert main(["bench", "--budget", "abc"]) == 2
    assert "must be a number, got 'abc'" in capsys.readouterr().err


def test_sweep_and_profile_flags_print_their_measurements(capsys):
    assert main(["bench", "--sweep", "--quick", "--json", "--precision", "fp32"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(r["width"], r["batch"]) for r in result["rows"]] == [(8, 32), (8, 64)]
    assert main(["bench", "--profile", "--quick", "--precision", "fp32"]) == 0
    out = capsys.readouterr().out
    assert "top operators by self CPU time, dcgan default recipe in fp32" in out and "ms/step" in out


def test_quality_only_prints_both_curves_and_plots_them(capsys, tmp_path):
    assert main(["bench", "--quick", "--quality-only", "--plot", str(tmp_path / "q.png")]) == 0
    out = capsys.readouterr().out
    assert "course_lib default" in out and "PyTorch tutorial recipe (fp32)" in out and "reaches the real" in out
    assert "machine:" not in out and (tmp_path / "q.png").stat().st_size > 0
