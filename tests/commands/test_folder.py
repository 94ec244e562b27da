"""``train KIND --data DIR --image-size S --channels C``: a GAN trained on a folder of colour photos at 64 px,
resumed exactly, sampled, refused by ``evaluate`` with the reason; wrong combinations of options refused."""

import pytest
import torch

from course_lib.cli import main
from course_lib.gan.checkpoint import load_checkpoint
from course_lib.photos.folders import make_example_folder


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    root = tmp_path_factory.mktemp("shop")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(root / "cache"))
        yield make_example_folder(root / "photos", per_class=6, size=72)


def train(shop, out, *flags):
    return main(["train", "dcgan", "--data", str(shop), "--image-size", "64", "--channels", "3", "--batch-size", "8",
                 "--out", str(out), *flags])


def test_colour_folder_at_64_px_trains_resumes_exactly_and_samples(shop, tmp_path, capsys):
    assert train(shop, tmp_path / "straight", "--epochs", "2") == 0
    said = capsys.readouterr().out
    assert "18 photos at 64 px, 3 channel(s), 3 categories" in said and "skipped 3 file(s)" in said
    ckpt = load_checkpoint(tmp_path / "straight" / "checkpoint.pt")
    assert ckpt["config"]["model"]["image_size"] == 64 and ckpt["config"]["model"]["channels"] == 3
    assert ckpt["extra"]["data"]["classes"] == ["ankle-boot", "dress", "sneaker"] and ckpt["step"] == 4
    assert train(shop, tmp_path / "split", "--epochs", "1") == 0
    assert train(shop, tmp_path / "split", "--epochs", "2", "--resume") == 0
    resumed = load_checkpoint(tmp_path / "split" / "checkpoint.pt")
    for key, value in ckpt["generator"].items():
        assert torch.equal(value, resumed["generator"][key]), key
    grid = tmp_path / "grid.png"
    assert main(["sample", str(tmp_path / "straight" / "checkpoint.pt"), "--n", "4", "--out", str(grid)]) == 0
    from PIL import Image

    assert Image.open(grid).mode == "RGB" and Image.open(grid).size[0] > 64
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path / "straight" / "checkpoint.pt")]) == 2
    assert "64-px colour images" in capsys.readouterr().err


def test_wrong_combinations_are_refused(shop, tmp_path, capsys):
    cases = [
        (["train", "dcgan", "--image-size", "64", "--fast"], "go with --data DIR"),
        (["train", "unet", "--task", "denoise", "--data", str(shop)], "are for the GAN kinds"),
        (["train", "dcgan", "--data", str(shop), "--image-size", "48"], "invalid choice: 48"),
        (["train", "dcgan", "--data", str(shop), "--exclude-category", "Dress"], "leave that folder out"),
        (["train", "cgan", "--data", str(shop / "dress"), "--batch-size", "4", "--fast"], "one subfolder per category"),
        (["train", "dcgan", "--data", str(tmp_path / "missing"), "--fast"], "is not a folder"),
    ]
    for argv, message in cases:
        assert main([*argv, "--out", str(tmp_path / "out")]) == 2, argv
        assert message in capsys.readouterr().err, argv
    assert train(shop, tmp_path / "run", "--epochs", "1") == 0
    capsys.readouterr()
    assert main(["train", "dcgan", "--data", str(shop), "--image-size", "32", "--channels", "3", "--batch-size", "8",
                 "--epochs", "2", "--resume", "--out", str(tmp_path / "run")]) == 2
    assert "trained at 64 px with 3 channel(s)" in capsys.readouterr().err
