"""``python -m course_lib finetune``: a tiny base fine-tuned on a category and on a photo folder, exact resume,
FreezeD and early stopping wired in, and every bad input the issue lists refused with a clear message."""

import numpy as np
import pytest
import torch
from PIL import Image
from tiny_gan import tiny_images

from course_lib.commands import train_gan
from course_lib.commands.cli import main
from course_lib.gan.checkpoint import load_checkpoint, read_generator

FAST = ["--max-steps", "8", "--eval-every", "4", "--fast"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A training checkpoint of `train dcgan --fast` on tiny data (it has a discriminator for FreezeD)."""
    out = tmp_path_factory.mktemp("base")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(train_gan, "training_data", lambda fast, n: (tiny_images(256), torch.arange(256) % 10))
        assert main(["train", "dcgan", "--fast", "--out", str(out)]) == 0
    return out / "checkpoint.pt"


def test_finetune_a_category_writes_every_file_and_resumes_exactly(base, tmp_path, capsys):
    args = ["finetune", str(base), "--category", "短靴", "--n", "20", "--freeze-d", "1", "--augment", "translation"]
    assert main([*args, *FAST, "--out", str(tmp_path / "straight")]) == 0
    assert {"checkpoint.pt", "best.pt", "samples.png", "validation.png", "history.json"} <= {
        p.name for p in (tmp_path / "straight").iterdir()}
    out = capsys.readouterr().out
    assert "20 Ankle boot images" in out and "544 parameters frozen" in out and "best validation FID" in out
    ckpt = load_checkpoint(tmp_path / "straight" / "checkpoint.pt")
    assert [s for s, _ in ckpt["extra"]["early_stopping"]["curve"]] == [4, 8]
    generator, obj = read_generator(tmp_path / "straight" / "best.pt")
    assert obj["extra"]["step"] in (4, 8) and obj["extra"]["finetune"]["freeze_d"] == 1

    half = [*args, "--eval-every", "4", "--fast", "--out", str(tmp_path / "cut")]
    assert main([*half, "--max-steps", "4"]) == 0
    other = [a if a != "translation" else "color" for a in half]  # another DiffAugment policy: not this run
    assert main([*other, "--max-steps", "8", "--resume"]) == 2
    assert "augment: checkpoint 'translation', this run 'color'" in capsys.readouterr().err
    assert main([*half, "--max-steps", "8", "--resume"]) == 0
    straight, resumed = (load_checkpoint(tmp_path / d / "checkpoint.pt") for d in ("straight", "cut"))
    for name, tensor in straight["generator"].items():
        assert torch.equal(tensor, resumed["generator"][name]), name
    assert resumed["extra"]["early_stopping"]["curve"] == straight["extra"]["early_stopping"]["curve"]


def test_from_scratch_ignores_the_base_weights(base, tmp_path):
    assert main(["finetune", str(base), "--category", "9", "--n", "20", "--from-scratch", "--max-steps", "1",
                 "--eval-every", "1", "--fast", "--out", str(tmp_path / "a")]) == 0
    assert main(["finetune", str(base), "--category", "9", "--n", "20", "--max-steps", "1", "--eval-every", "1",
                 "--fast", "--out", str(tmp_path / "b")]) == 0
    fresh, tuned = (load_checkpoint(tmp_path / d / "checkpoint.pt")["generator"] for d in ("a", "b"))
    assert any(not torch.equal(fresh[k], tuned[k]) for k in fresh)
    assert load_checkpoint(tmp_path / "a" / "checkpoint.pt")["extra"]["finetune"]["from_scratch"]


def test_warm_up_lr_scale_and_weaker_augment_resume_exactly(base, tmp_path, capsys):
    args = ["finetune", str(base), "--category", "9", "--n", "20", "--warmup", "6", "--lr-scale", "0.5", "--augment",
            "translation,cutout", "--augment-strength", "0.5", "--fresh-d", "--eval-every", "4", "--fast"]
    assert main([*args, "--max-steps", "8", "--out", str(tmp_path / "straight")]) == 0
    assert "--fresh-d --augment translation,cutout --augment-strength 0.5 --lr-scale 0.5 --warmup 6" in (
        capsys.readouterr().out)
    assert main([*args, "--max-steps", "4", "--out", str(tmp_path / "cut")]) == 0
    assert main([*[a if a != "6" else "5" for a in args], "--max-steps", "8", "--resume", "--out",
                 str(tmp_path / "cut")]) == 2
    assert "warmup: checkpoint 6, this run 5" in capsys.readouterr().err
    assert main([*args, "--max-steps", "8", "--resume", "--out", str(tmp_path / "cut")]) == 0
    straight, resumed = (load_checkpoint(tmp_path / d / "checkpoint.pt") for d in ("straight", "cut"))
    for name, tensor in straight["generator"].items():
        assert torch.equal(tensor, resumed["generator"][name]), name
    settings = straight["extra"]["finetune"]
    assert settings["fresh_d"] and settings["warmup"] == 6 and settings["lr_scale"] == 0.5
    rate = resumed["opt_g"]["param_groups"][0]["lr"]
    assert rate == pytest.approx(5e-4 * 0.5)  # past the warm-up: the scaled recipe rate


def test_early_stopping_stops_before_the_budget(base, tmp_path, capsys):
    assert main(["finetune", str(base), "--category", "9", "--n", "20", "--max-steps", "60", "--eval-every", "2",
                 "--early-stopping", "1", "--fast", "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    steps = load_checkpoint(tmp_path / "run" / "checkpoint.pt")["step"]
    assert ("early stopping at step" in out and steps < 60) or ("ran all 60 steps" in out and steps == 60)


def shop_photos(folder, count=12):
    folder.mkdir()
    for i in range(count):
        pixels = np.full((80 + 5 * i, 60 + 3 * i, 3), 250, dtype=np.uint8)
        pixels[10:60, 15:45 + i] = (30 + 10 * i, 40, 160)
        Image.fromarray(pixels).save(folder / f"boot{i}.{'jpg' if i % 2 else 'png'}")
    (folder / "broken.webp").write_bytes(b"RIFF not a webp")
    return folder


def test_finetune_on_a_folder_of_shop_photos_lists_what_it_skipped(tmp_path, capsys):
    folder = shop_photos(tmp_path / "photos")
    assert main(["finetune", "checkpoints/dcgan.pt", "--images", str(folder), *FAST, "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "skipped broken.webp" in out and "7 photos of" in out  # 12 usable: 5 held out to validate, 7 to train
    assert (tmp_path / "o" / "best.pt").is_file()


def test_bad_input_is_refused_clearly(base, tmp_path, capsys):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.jpg").write_bytes(b"not a jpeg")
    cases = {
        "is an editing U-Net": ["checkpoints/unet.pt", "--category", "9", "--n", "5"],
        "is a conditional GAN": ["checkpoints/cgan.pt", "--category", "9", "--n", "5"],
        "unknown category 'boots2'": ["checkpoints/dcgan.pt", "--category", "boots2", "--n", "5"],
        "1 'Trouser'/裤子": ["checkpoints/dcgan.pt", "--category", "boots2", "--n", "5"],
        "needs --n between 1 and 5800 (its 6000 train images less 200 held out": ["checkpoints/dcgan.pt",
                                                                                 "--category", "9", "--n", "5900"],
        "argument --early-stopping: must be at least 1, got 0": ["checkpoints/dcgan.pt", "--category", "9", "--n",
                                                                  "5", "--early-stopping", "0"],
        "has 0 usable photos; at least 10 are needed": ["checkpoints/dcgan.pt", "--images", str(tmp_path)],
        "skipped: a.jpg": ["checkpoints/dcgan.pt", "--images", str(broken)],
        "without a discriminator": ["checkpoints/dcgan.pt", "--category", "9", "--n", "5", "--freeze-d", "1"],
        "freeze-d must be between 0 and": [str(base), "--category", "9", "--n", "5", "--freeze-d", "9"],
        "one of the two": ["checkpoints/dcgan.pt"],
        "drop --freeze-d": [str(base), "--category", "9", "--n", "5", "--freeze-d", "1", "--from-scratch"],
        "--fresh-d starts D fresh": [str(base), "--category", "9", "--n", "5", "--freeze-d", "1", "--fresh-d"],
        "already starts both networks fresh": [str(base), "--category", "9", "--n", "5", "--from-scratch",
                                               "--fresh-d"],
        "--augment-strength scales a DiffAugment policy": [str(base), "--category", "9", "--n", "5",
                                                           "--augment-strength", "0.5"],
        "argument --augment-strength: must be a number in (0, 1]": [str(base), "--category", "9", "--n", "5",
                                                                    "--augment", "cutout", "--augment-strength", "2"],
        "argument --lr-scale: must be a positive": [str(base), "--category", "9", "--n", "5", "--lr-scale", "0"],
    }
    for message, argv in cases.items():
        assert main(["finetune", *argv, "--fast", "--out", str(tmp_path / "x")]) == 2, message
        assert message in capsys.readouterr().err, message


def test_early_stopping_on_too_few_held_out_photos_is_refused_with_the_measurement(tmp_path, capsys):
    folder = shop_photos(tmp_path / "photos")
    argv = ["finetune", "checkpoints/dcgan.pt", "--images", str(folder), *FAST, "--early-stopping", "2", "--out",
            str(tmp_path / "o")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--early-stopping needs at least 50 held-out photos" in err and "holds out 5" in err
    assert "82 % of draws" in err and not (tmp_path / "o" / "checkpoint.pt").exists()


def test_the_refusals_numbers_are_the_shipped_measurement():
    """The message quotes data_scripts/validation_size.py's run: keep them in step."""
    import json

    from course_lib.commands.finetune import MIN_VALIDATION
    from course_lib.studies.few_shot_report import shipped_runs

    rows = json.loads(shipped_runs("validation_size.json").read_text())["rows"]
    at = {(r["sigma"], r["n"]): r for r in rows}
    assert at[(0.03, MIN_VALIDATION)]["fid_right"] >= 0.95 and f"{at[(0.03, 8)]['fid_right']:.0%}" == "82%"
    assert f"{at[(0.03, 8)]['kid_right']:.0%}" == "75%" and f"{at[(0.03, 8)]['fid_gap']:.2f}" == "0.57"
    assert all(r["kid_right"] <= r["fid_right"] + 0.05 for r in rows)  # KID no better at any size
