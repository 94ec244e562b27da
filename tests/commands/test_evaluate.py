"""``python -m course_lib evaluate`` end to end: JSON for dcgan and cgan checkpoints, slim files, clear errors,
a pluggable evaluator, and the checkpoints the repository ships.

The GANs are trained for the recipe's fast steps on tiny random images (the slow part stays small); the
evaluation itself runs on the real Fashion-MNIST test split.
"""

import json
import math

import pytest
import torch
from tiny_gan import tiny_images

from course_lib.categories import CLASS_NAMES
from course_lib.commands import kinds, train_gan
from course_lib.commands.cli import main
from course_lib.data import load_fashion_mnist, to_float
from course_lib.gan import recipes
from course_lib.gan.checkpoint import export_checkpoint
from course_lib.gan.zoo import pretrained_path
from course_lib.metrics import EvaluationConfig, evaluate_generator

pytestmark = pytest.mark.slow  # evaluates against the real test split
METRIC_KEYS = {"fid", "kid_mean", "kid_std", "is_mean", "is_std", "precision", "recall", "gan_test_accuracy",
               "gan_train_accuracy", "fid_inception"}


def tiny_data(fast, n):
    return tiny_images(256), torch.arange(256) % 10


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """{kind: checkpoint.pt} of `train KIND --fast` for dcgan and cgan on tiny data."""
    root = tmp_path_factory.mktemp("runs")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(train_gan, "training_data", tiny_data)
        for kind in ("dcgan", "cgan"):
            assert main(["train", kind, "--fast", "--out", str(root / kind)]) == 0
    return {kind: root / kind / "checkpoint.pt" for kind in ("dcgan", "cgan")}


def evaluate_json(capsys, *argv) -> dict:
    """Run ``evaluate --json ARGV`` (exit code 0) and parse what it printed."""
    capsys.readouterr()
    assert main(["evaluate", "--json", *map(str, argv)]) == 0
    out = capsys.readouterr().out
    assert "NaN" not in out and "Infinity" not in out  # strict JSON: NaN per-class FIDs become null
    return json.loads(out)


def check_common(result: dict, kind: str, n: int, seed: int) -> None:
    assert result["kind"] == kind and result["n"] == n and result["seed"] == seed and result["num_real"] == n
    assert set(result["metrics"]) == METRIC_KEYS and result["seconds"] > 0
    m = result["metrics"]
    assert m["fid"] > 0 and math.isfinite(m["kid_mean"]) and 1 <= m["is_mean"] <= 10
    assert 0 <= m["precision"] <= 1 and 0 <= m["recall"] <= 1 and m["fid_inception"] is None
    assert list(result["per_class_fid"]) == list(CLASS_NAMES) and sum(result["per_class_count"].values()) == n


def test_dcgan_checkpoint_and_its_slim_file_give_the_same_json(runs, tmp_path, capsys):
    result = evaluate_json(capsys, runs["dcgan"], "--n", 300, "--seed", 1)
    check_common(result, "dcgan", 300, 1)
    assert result["checkpoint"] == str(runs["dcgan"]) and result["file"] == "training checkpoint"
    assert result["step"] == recipes.RECIPES["dcgan"].fast_steps and result["weights"] == "EMA"
    assert result["metrics"]["gan_test_accuracy"] is None and result["per_class_by"] == "predicted class"
    assert result["calibration"] is None

    slim = export_checkpoint(runs["dcgan"], tmp_path / "dcgan.pt")
    again = evaluate_json(capsys, slim, "--n", 300, "--seed", 1)
    assert again["file"] == "pretrained generator" and again["step"] == result["step"]
    assert again["metrics"] == result["metrics"] and again["per_class_fid"] == result["per_class_fid"]
    other_seed = evaluate_json(capsys, slim, "--n", 300, "--seed", 2)
    assert other_seed["metrics"]["fid"] != result["metrics"]["fid"]  # the seed reaches the samples


def test_cgan_adds_gan_test_and_gan_train(runs, capsys):
    result = evaluate_json(capsys, runs["cgan"], "--n", 200)
    check_common(result, "cgan", 200, 0)
    assert result["per_class_by"] == "conditioning label"
    assert set(result["per_class_count"].values()) == {20}  # balanced labels
    assert 0 <= result["metrics"]["gan_test_accuracy"] <= 1 and 0 <= result["metrics"]["gan_train_accuracy"] <= 1
    skipped = evaluate_json(capsys, runs["cgan"], "--n", 200, "--no-gan-train")
    assert skipped["metrics"]["gan_train_accuracy"] is None
    assert skipped["metrics"]["gan_test_accuracy"] == result["metrics"]["gan_test_accuracy"]


def test_text_report_and_calibration(runs, capsys):
    assert main(["evaluate", str(runs["dcgan"]), "--n", "200"]) == 0
    text = capsys.readouterr().out
    assert "dcgan training checkpoint, step 30, EMA weights: 200 samples" in text
    for label in ("FID", "KID", "IS", "precision", "recall", "per-class FID", "Ankle boot", "add --calibration"):
        assert label in text, label
    result = evaluate_json(capsys, runs["dcgan"], "--n", 200, "--calibration")
    points = result["calibration"]
    assert len(points) == 4 and next(iter(points)).startswith("real train subset")
    floor, *damaged = points.values()
    assert all(point["fid"] > floor["fid"] for point in damaged)
    assert main(["evaluate", str(runs["dcgan"]), "--n", "200", "--calibration"]) == 0
    assert "calibration points at n=200" in capsys.readouterr().out


def test_errors_exit_2_and_say_what_is_wrong(runs, tmp_path, capsys):
    cases = {
        "does not exist": [str(tmp_path / "missing.pt")],
        "is a folder": [str(tmp_path)],
        "--n must be at least 2": [str(runs["dcgan"]), "--n", "1"],
    }
    (tmp_path / "notes.txt").write_text("not a model")
    cases["not a model file"] = [str(tmp_path / "notes.txt")]
    torch.save({"weights": torch.zeros(3)}, tmp_path / "no_kind.pt")
    cases["names no model kind"] = [str(tmp_path / "no_kind.pt")]
    torch.save({"kind": "vae", "weights": torch.zeros(3)}, tmp_path / "vae.pt")
    cases["kind 'vae', which `evaluate` does not know; it reads cgan, dcgan"] = [str(tmp_path / "vae.pt")]
    cases["Inception weights file"] = [str(runs["dcgan"]), "--n", "10", "--inception-weights", str(tmp_path / "x")]
    for message, argv in cases.items():
        capsys.readouterr()
        assert main(["evaluate", *argv]) == 2, message
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, (message, err)


def test_a_new_kind_is_one_kinds_entry(tmp_path, capsys, monkeypatch):
    """evaluate and sample open the file once and dispatch through KINDS, handing each function the contents."""
    def evaluate_toy(path, obj, args):
        return {"n": args.n, "seed": args.seed, "metrics": {"psnr": obj["psnr"]}}, f"toy report for {path.name}"

    def sample_toy(path, obj, args):
        print(f"toy drew {args.n} from {path.name} ({obj['psnr']})")
        return 0

    monkeypatch.setitem(kinds.KINDS, "toy", kinds.Kind("toy", train=None, sample=sample_toy, evaluate=evaluate_toy))
    torch.save({"kind": "toy", "psnr": 30.5}, tmp_path / "toy.pt")
    result = evaluate_json(capsys, tmp_path / "toy.pt", "--n", 5)
    assert result["kind"] == "toy" and result["metrics"] == {"psnr": 30.5} and result["n"] == 5
    assert list(result)[:2] == ["kind", "checkpoint"] and "seconds" in result
    assert main(["evaluate", str(tmp_path / "toy.pt")]) == 0
    assert "toy report for toy.pt" in capsys.readouterr().out
    assert main(["sample", str(tmp_path / "toy.pt"), "--n", "3"]) == 0
    assert "toy drew 3 from toy.pt (30.5)" in capsys.readouterr().out


@pytest.fixture(scope="module")
def one_class_fid():
    """FID of 2000 real T-shirts against the test split: a generator collapsed to one class."""
    data = load_fashion_mnist()
    one_class = to_float(data.train_images[data.train_labels == 0][:2000])
    return evaluate_generator(one_class, EvaluationConfig(progress=False, gan_train=False, kid_subsets=10)).fid


@pytest.mark.parametrize("kind", ["dcgan", "cgan", "wgan-gp"])
def test_shipped_checkpoints_evaluate(kind, capsys, one_class_fid):
    """The repository ships checkpoints/KIND.pt: it must exist, load, evaluate, and beat one-class collapse."""
    path = pretrained_path(kind)
    assert path.is_file(), f"{path} is missing: the repository ships a generator for {kind} (see docs/models.md)"
    result = evaluate_json(capsys, path, "--n", 2000)
    check_common(result, kind, 2000, 0)
    assert result["metrics"]["fid"] < one_class_fid, "the shipped generator scores worse than one-class collapse"
    if kind == "cgan":
        assert result["metrics"]["gan_test_accuracy"] > 0.2, "the labels hardly steer the samples (chance: 0.1)"


def test_unet_file_reports_psnr_ssim_against_the_baselines(tmp_path, capsys):
    """A U-Net file goes to the U-Net evaluator: PSNR/SSIM of input, U-Net and classical methods per task."""
    from course_lib.editing.checkpoint import save_unets, task_entry
    from course_lib.editing.pix2pix import FitConfig
    from course_lib.models.unet import UNet, UNetConfig

    torch.manual_seed(1)
    unet = UNet(UNetConfig(cond_channels=1, width=8, groups=4))
    path = save_unets(tmp_path / "unet.pt", {"tasks": ["denoise"]},
                      {"denoise": task_entry(unet, FitConfig(tasks=("denoise",), num_steps=3), 3, 0.5, {})})
    assert main(["evaluate", str(path), "--n", "4", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["kind"] == "unet" and payload["n"] == 4
    names = set(payload["metrics"])
    assert any("unet" in k and "psnr" in k for k in names) and any("nl_means" in k for k in names)


def test_shipped_unet_beats_its_input_and_the_classical_methods(capsys):
    """checkpoints/unet.pt (must exist: it ships) restores better than the damaged input on every task, and
    better than the best classical method on denoise and inpaint at strength 0.5 (on 40 test images)."""
    from course_lib.editing.checkpoint import pretrained_unet_path

    path = pretrained_unet_path()
    assert path.is_file(), f"{path} is missing: the repository ships it (see docs/models.md)"
    assert main(["evaluate", str(path), "--n", "40", "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)["metrics"]
    for task in ("denoise", "inpaint", "deblur", "enhance"):
        assert metrics[f"{task}_s0.5_unet_psnr"] > metrics[f"{task}_s0.5_input_psnr"], task
    for task, rival in (("denoise", "nl_means"), ("inpaint", "biharmonic")):
        assert metrics[f"{task}_s0.5_unet_psnr"] > metrics[f"{task}_s0.5_{rival}_psnr"], task
