"""course_lib.studies.sweep: every sweep point is measured with its own settings, threads are restored, and
the profile lists operators whose shares add up to at most 1."""

import torch
from tiny_gan import tiny_images

from course_lib.studies.sweep import profile_step, sweep


def test_sweep_measures_each_point_and_restores_the_thread_count():
    images, labels = tiny_images(64), torch.arange(64) % 10
    before = torch.get_num_threads()
    said = []
    result = sweep(images, labels, batches=(8, 16), widths=(4,), threads=(1,), precision="fp32", warmup=1, steps=1,
                   progress=said.append)
    assert torch.get_num_threads() == before and result["precision"] == "fp32" and len(said) == 2
    rows = result["rows"]
    assert [(r["threads"], r["width"], r["batch"]) for r in rows] == [(1, 4, 8), (1, 4, 16)]
    assert all(r["images_per_s"] > 0 and r["gflops"] > 0 for r in rows)
    assert all(abs(r["epoch_seconds"] - 60_000 / r["images_per_s"]) < 0.1 for r in rows)


def test_profile_lists_the_top_operators():
    images, labels = tiny_images(128), torch.arange(128) % 10
    result = profile_step(images, labels, precision="fp32", steps=1, top=5)
    assert len(result["top"]) == 5 and result["total_ms_per_step"] > 0
    assert 0 < sum(r["share"] for r in result["top"]) <= 1.0001
    assert any("conv" in r["op"] or "addmm" in r["op"] or "mm" in r["op"] for r in result["top"])
