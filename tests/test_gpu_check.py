"""data_scripts/gpu_check.sh stops cleanly without CUDA; tools/gpu_report.py assembles its report."""

import json
import subprocess
from pathlib import Path

import pytest
import torch

from tools.gpu_report import report

ROOT = Path(__file__).resolve().parents[1]



@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal on machines without CUDA")
def test_the_check_refuses_to_run_without_cuda(tmp_path):
    done = subprocess.run(["bash", str(ROOT / "data_scripts" / "gpu_check.sh"), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no CUDA device here" in done.stderr
    assert not (tmp_path / "out" / "steps.jsonl").exists()  # nothing ran


def test_the_report_keeps_every_step_and_what_it_measured(tmp_path):
    steps = [("cuda_tests", 0, 10.0, 31.5), ("bench", 0, 31.5, 150.0), ("folder_64px", 0, 150.0, 170.0),
             ("lesson_01_data_and_augmentation", 0, 170.0, 190.25), ("lesson_02_dcgan", 1, 190.25, 200.0)]
    (tmp_path / "steps.jsonl").write_text("".join(
        json.dumps({"step": n, "exit_code": c, "start": a, "end": b}) + "\n" for n, c, a, b in steps))
    (tmp_path / "device.txt").write_text("NVIDIA H200 2.14.1\n")
    (tmp_path / "cuda_tests.out").write_text("....\n4 passed, 1200 deselected in 20.1s\n")
    (tmp_path / "bench.out").write_text(json.dumps({"throughput": {"course_lib_images_per_s": 9000.0}}))
    (tmp_path / "folder_64px.out").write_text('{"size": 64, "train_images_per_s": 5000.0}\n')
    (tmp_path / "flow_sampling.out").write_text('{"gan_ms": 0.01, "flow_ms_by_steps": {"4": 0.2}}\n')
    (tmp_path / "lesson_02_dcgan.err").write_text("x" * 5000 + "CellExecutionError")
    result = report(tmp_path)
    assert result["device"] == "NVIDIA H200 2.14.1" and result["cuda_tests"].startswith("4 passed")
    assert result["bench"]["throughput"]["course_lib_images_per_s"] == 9000.0
    assert result["folder_64px"]["train_images_per_s"] == 5000.0
    assert result["flow_sampling"]["flow_ms_by_steps"] == {"4": 0.2}
    assert result["lessons_full_size_seconds"] == {"01_data_and_augmentation": 20.2}  # the failed one is left out
    failed = result["steps"][-1]
    assert failed["exit_code"] == 1 and failed["stderr_tail"].endswith("CellExecutionError")
    assert len(failed["stderr_tail"]) == 2000 and [s["seconds"] for s in result["steps"][:2]] == [21.5, 118.5]


def test_the_report_names_the_device_of_text2img_and_of_each_lesson(tmp_path):
    steps = [("text2img_fast", 0, 0.0, 40.0), ("lesson_01_data_and_augmentation", 0, 40.0, 60.0),
             ("lesson_04_wgan_gp", 0, 60.0, 100.0), ("lesson_05_editing_unet", 1, 100.0, 110.0)]
    (tmp_path / "steps.jsonl").write_text("".join(
        json.dumps({"step": n, "exit_code": c, "start": a, "end": b}) + "\n" for n, c, a, b in steps))
    (tmp_path / "text2img_fast.out").write_text("networks on: cuda\ntrain text2img: 2048 images, bf16 on cuda\n")
    (tmp_path / "notebooks").mkdir()
    source = {"cell_type": "code", "source": 'print(f"networks on: {device}")', "outputs": [
        {"output_type": "stream", "name": "stdout", "text": ["networks on: cuda\n", "fast mode: False\n"]}]}
    (tmp_path / "notebooks" / "04_wgan_gp.ipynb").write_text(json.dumps({"cells": [source]}))
    (tmp_path / "notebooks" / "01_data_and_augmentation.ipynb").write_text(json.dumps({"cells": [
        {"cell_type": "code", "source": "print(1)", "outputs": [{"output_type": "stream", "text": "1\n"}]}]}))
    result = report(tmp_path)
    assert result["text2img_fast_networks_on"] == "cuda"
    assert result["lessons_networks_on"] == {"01_data_and_augmentation": None, "04_wgan_gp": "cuda",
                                             "05_editing_unet": None}  # 05 failed: nbconvert wrote no notebook
