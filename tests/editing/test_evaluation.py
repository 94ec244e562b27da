"""course_lib.editing.evaluation: the same inputs for every method, JSON-ready results, targets, the report."""

import json

import pytest
import torch
from unet_files import catalog, tiny_file

from course_lib.editing.degrade import degrade
from course_lib.editing.evaluation import evaluate_unet, format_unet_report, target_check
from course_lib.editing.restoring import restore
from course_lib.editing.scores import mean_psnr, restoration_scores


def test_rows_scores_and_targets(tmp_path):
    path = tiny_file(tmp_path)
    result = evaluate_unet(path, n=4, strengths=(0.5,), images=catalog())
    assert json.loads(json.dumps(result)) == result  # JSON-ready
    assert result["n"] == 4 and set(result["models"]) == {"denoise", "inpaint"}
    methods = [(r["task"], r["method"]) for r in result["rows"]]
    assert methods == [("denoise", "input"), ("denoise", "unet"), ("denoise", "nl_means"), ("denoise", "tv"),
                       ("inpaint", "input"), ("inpaint", "unet"), ("inpaint", "biharmonic")]
    # the U-Net row is the U-Net on exactly the degradation a direct call makes
    clean = catalog()[:4].float().div(127.5).sub(1).unsqueeze(1)
    degraded, mask = degrade(clean, "inpaint", 0.5, seed=0)
    from course_lib.editing.checkpoint import load_unets

    direct = restoration_scores(restore(load_unets(path)["inpaint"], degraded, mask), clean)
    row = next(r for r in result["rows"] if r["task"] == "inpaint" and r["method"] == "unet")
    assert row["psnr"] == pytest.approx(mean_psnr(direct["psnr"]), abs=1e-9)
    assert row["degradation"] == "hole_side_px=8"
    targets = {t["task"]: t for t in result["targets"]}
    assert targets["denoise"]["target_db"] == 4.0 and targets["inpaint"]["best_classical"] == "biharmonic"
    unet_minus = row["psnr"] - next(r["psnr"] for r in result["rows"] if r["method"] == "biharmonic")
    assert targets["inpaint"]["margin_db"] == pytest.approx(unet_minus, abs=1e-6)
    assert targets["inpaint"]["met"] == (unet_minus >= 3.0)
    report = format_unet_report(result)
    assert "denoise (one model, 3 steps, width 8)" in report and "nl_means" in report
    assert "target inpaint at strength 0.5: U-Net - biharmonic" in report


def test_no_target_rows_away_from_strength_half_and_no_finished_model(tmp_path):
    result = evaluate_unet(tiny_file(tmp_path, ("deblur",)), n=2, strengths=(0.25,), images=catalog())
    assert result["targets"] == [] and {r["method"] for r in result["rows"]} == {"input", "unet", "unsharp"}
    with pytest.raises(ValueError, match="no finished model"):
        evaluate_unet(tiny_file(tmp_path, finished=False), n=2, images=catalog())
    with pytest.raises(ValueError, match="n must be at least 1"):
        evaluate_unet(tiny_file(tmp_path), n=0, images=catalog())


def test_target_check_picks_the_best_classical_method_and_pairs_images():
    per_image = {"unet": torch.tensor([30.0, 32.0]), "nl_means": torch.tensor([25.0, 27.0]),
                 "tv": torch.tensor([26.0, 27.0]), "input": torch.tensor([10.0, 10.0])}
    check = target_check("denoise", per_image)
    assert check["best_classical"] == "tv" and check["margin_db"] == pytest.approx(4.5)
    assert check["sem_db"] == pytest.approx(0.5) and check["met"]
