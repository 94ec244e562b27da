"""``train --augment``, ``--eval-every`` and ``--tensorboard`` for the GAN kinds, end to end on tiny data: the
policy reaches the trainer and a resume with another is refused; the FID lands in history.json at steps N, 2N,
..., best.pt is the argmin and the scorer resumes exactly; the event file holds every scalar and the grid;
the missing package and the photos the course FID cannot score exit 2 with the fix."""

import argparse
import json
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PIL import Image
from tiny_gan import tiny_images

from course_lib.commands import train_gan, train_tracking
from course_lib.commands.cli import main
from course_lib.data.augment import DiffAugment
from course_lib.gan import recipes
from course_lib.gan.checkpoint import load_checkpoint, read_generator


@pytest.fixture
def tiny_data(monkeypatch):
    """256 random training images (4 batches of 64 per epoch; the fast run is 30 steps) and 300 'test' images."""
    monkeypatch.setattr(train_gan, "training_data", lambda fast, n: (tiny_images(256), torch.arange(256) % 10))
    test = SimpleNamespace(split=lambda name: (tiny_images(300, seed=5), torch.arange(300) % 10))
    monkeypatch.setattr(train_tracking, "load_fashion_mnist", lambda: test)


def test_augment_policy_is_checked_and_normalised(capsys):
    assert train_tracking.augment_policy(" color, cutout ") == "color,cutout"
    assert train_tracking.augment_policy("") == ""
    with pytest.raises(argparse.ArgumentTypeError, match="a part given twice"):
        train_tracking.augment_policy("color,color")
    assert main(["train", "dcgan", "--augment", "color,blur"]) == 2
    err = capsys.readouterr().err
    assert "argument --augment: unknown part(s) 'blur'" in err and "valid parts: color, translation, cutout" in err
    assert main(["train", "unet", "--augment", "color"]) == 2
    assert "--augment is for the GAN kinds" in capsys.readouterr().err


def test_augment_reaches_the_trainer_and_resume_refuses_another_policy(tmp_path, tiny_data, monkeypatch, capsys):
    made, make = [], recipes.make_trainer
    monkeypatch.setattr(recipes, "make_trainer", lambda *a, **k: made.append(make(*a, **k)) or made[-1])
    out = tmp_path / "run"
    assert main(["train", "dcgan", "--epochs", "1", "--augment", "translation, cutout", "--out", str(out)]) == 0
    assert made[0].cfg.augment == "translation,cutout" and isinstance(made[0].augment, DiffAugment)
    assert made[0].augment.ops == ("translation", "cutout")
    assert load_checkpoint(out / "checkpoint.pt")["config"]["train"]["augment"] == "translation,cutout"
    assert main(["train", "dcgan", "--out", str(out), "--resume", "--epochs", "2", "--augment", "color"]) == 2
    assert "train.augment: checkpoint 'translation,cutout', this run 'color'" in capsys.readouterr().err
    assert main(["train", "dcgan", "--out", str(out), "--resume", "--epochs", "2"]) == 0  # keeps the policy
    assert made[-1].cfg.augment == "translation,cutout" and load_checkpoint(out / "checkpoint.pt")["step"] == 8


def test_eval_every_writes_the_fid_curve_and_best_pt_at_the_argmin(tmp_path, tiny_data, monkeypatch, capsys):
    """A scripted FID (the real one falls steadily this early) puts the best in the middle of the curve."""
    script = {2: 50.0, 4: 30.0, 6: 35.0, 8: 20.0, 10: 25.0, 12: 40.0}
    monkeypatch.setattr(train_tracking, "validation_fid", lambda reference, n: lambda trainer: script[trainer.step])
    out = tmp_path / "run"
    assert main(["train", "dcgan", "--epochs", "3", "--eval-every", "2", "--out", str(out)]) == 0  # 12 steps
    printed = capsys.readouterr().out
    assert "step 8: FID 20.00 (EMA generator, 200 samples against 200 held-out test images); new best, saved" in printed
    assert "step 10: FID 25.00 (EMA generator, 200 samples against 200 held-out test images); best 20.00 at step 8" \
        in printed
    history = json.loads((out / "history.json").read_text())
    assert {step: fid for step, fid in zip(history["step"], history["fid"]) if fid is not None} == script
    assert len(history["fid"]) == len(history["step"]) == 12
    generator, best = read_generator(out / "best.pt", device="cpu")
    assert best["extra"]["step"] == 8 and best["extra"]["fid"] == 20.0
    assert generator(torch.zeros(2, generator.latent_dim)).shape == (2, 1, 28, 28)
    ckpt = load_checkpoint(out / "checkpoint.pt")
    assert any(not torch.equal(v, ckpt["ema"]["module"][k]) for k, v in best["generator"]["state"].items())
    state = ckpt["extra"]["fid_evaluation"]
    assert [tuple(point) for point in state["curve"]] == list(script.items()) and state["best_step"] == 8


def test_the_fid_evaluation_resumes_exactly(tmp_path, tiny_data):
    """8 steps straight against 4 + 4 resumed (Ctrl-C's save is the same save): the same curve, the same best.
    The resumed half takes N from the checkpoint when --eval-every is not given again."""
    straight, cut = tmp_path / "straight", tmp_path / "cut"
    assert main(["train", "dcgan", "--epochs", "2", "--eval-every", "2", "--out", str(straight)]) == 0
    assert main(["train", "dcgan", "--epochs", "1", "--eval-every", "2", "--out", str(cut)]) == 0
    assert main(["train", "dcgan", "--epochs", "2", "--resume", "--out", str(cut)]) == 0
    a, b = (load_checkpoint(d / "checkpoint.pt") for d in (straight, cut))
    assert a["extra"]["fid_evaluation"] == b["extra"]["fid_evaluation"]
    assert [step for step, _ in a["extra"]["fid_evaluation"]["curve"]] == [2, 4, 6, 8]
    histories = [json.loads((d / "history.json").read_text()) for d in (straight, cut)]
    assert histories[0]["fid"] == histories[1]["fid"]
    best = [read_generator(d / "best.pt", device="cpu")[1] for d in (straight, cut)]
    assert best[0]["extra"]["step"] == best[1]["extra"]["step"]
    for name, tensor in best[0]["generator"]["state"].items():
        assert torch.equal(tensor, best[1]["generator"]["state"][name]), name


def test_tensorboard_writes_every_scalar_the_fid_and_the_grid(tmp_path, tiny_data):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    out = tmp_path / "run"
    assert main(["train", "dcgan", "--epochs", "2", "--eval-every", "4", "--tensorboard", str(tmp_path / "tb"),
                 "--out", str(out)]) == 0  # 8 steps: no log yet (every 25), so the saves write the scalars
    read = EventAccumulator(str(tmp_path / "tb"), size_guidance={"scalars": 0, "images": 0})
    read.Reload()
    columns = [key for key in json.loads((out / "history.json").read_text()) if key not in ("step", "fid")]
    assert {"d_loss", "g_loss", "d_real", "d_fake", "d_acc", "d_grad_norm", "g_grad_norm"} <= set(columns)
    assert set(read.Tags()["scalars"]) == {f"train/{key}" for key in columns} | {"eval/fid"}
    assert [p.step for p in read.Scalars("train/g_loss")] == list(range(1, 9))
    assert [p.step for p in read.Scalars("eval/fid")] == [4, 8]
    assert [grid.step for grid in read.Images("samples")] == [4, 8]  # each epoch's save


def test_tensorboard_missing_exits_2_with_the_install_line(tmp_path, tiny_data, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # `import tensorboard` raises ImportError
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)
    assert main(["train", "dcgan", "--fast", "--tensorboard", str(tmp_path / "tb"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--tensorboard needs the tensorboard package" in err and 'pip install -e ".[tracking]"' in err
    assert not (tmp_path / "checkpoint.pt").exists() and not (tmp_path / "tb").exists()


def photo_folder(folder, count=8, size=40):
    folder.mkdir()
    for i in range(count):
        pixels = np.full((size, size, 3), 240, dtype=np.uint8)
        pixels[8:32, 10 + i:30] = (20 * i, 60, 150)
        Image.fromarray(pixels).save(folder / f"p{i}.png")
    return folder


def test_eval_every_on_photos_scores_32_px_grey_and_refuses_colour(tmp_path, capsys):
    folder = photo_folder(tmp_path / "photos")
    assert main(["train", "dcgan", "--data", str(folder), "--eval-every", "2", "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "64-px photos with 3 channel(s)" in err and "python -m course_lib evaluate OUT/checkpoint.pt" in err
    assert main(["train", "dcgan", "--data", str(folder), "--image-size", "32", "--channels", "1", "--epochs", "2",
                 "--eval-every", "1", "--out", str(tmp_path / "g")]) == 0
    assert "against 8 of its training photos (no held-out split)" in capsys.readouterr().out
    best = read_generator(tmp_path / "g" / "best.pt", device="cpu")[1]["extra"]
    assert best["step"] in (1, 2) and best["data"]["folder"] == str(folder)  # what `sample --data DIR` checks


def test_the_held_out_images_leave_out_the_excluded_category(tiny_data):
    images, what = train_tracking.reference_images(None, 1000, excluded=3, image_size=28)
    assert images.shape == (270, 1, 28, 28) and what == "270 held-out test images"
    images, what = train_tracking.reference_images(tiny_images(50), 20, excluded=None, image_size=28)
    assert images.shape == (20, 1, 28, 28) and images.min() >= -1 and images.max() <= 1
