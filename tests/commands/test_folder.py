"""``train KIND --data DIR --image-size S --channels C``: a GAN trained on a folder of colour photos at 64 px,
resumed exactly, sampled, refused by ``evaluate`` with the reason; wrong combinations of options refused."""

from pathlib import Path

import pytest
import torch

from course_lib.commands.cli import main
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
    with pytest.MonkeyPatch.context() as patch:  # no Inception weights anywhere: a clear message, nothing computed
        patch.setenv("TORCH_HOME", str(tmp_path / "torch"))
        assert main(["evaluate", str(tmp_path / "straight" / "checkpoint.pt")]) == 2
    err = capsys.readouterr().err
    assert "no weights file was found" in err and "--inception-weights download" in err


def test_wrong_combinations_are_refused(shop, tmp_path, capsys):
    cases = [
        (["train", "dcgan", "--image-size", "64", "--fast"], "go with --data DIR"),
        (["train", "unet", "--task", "denoise", "--data", str(shop)], "--data is for the GAN kinds"),
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
    assert main(["finetune", str(tmp_path / "run" / "checkpoint.pt"), "--data", str(shop / "dress"),
                 "--out", str(tmp_path / "tuned")]) == 2
    assert "fine-tuning is for the 28x28 catalog models" in capsys.readouterr().err


def test_a_folder_smaller_than_the_batch_trains_with_a_smaller_one_or_names_the_flag(shop, tmp_path, capsys):
    argv = ["train", "dcgan", "--data", str(shop), "--image-size", "32", "--channels", "3", "--fast"]
    assert main([*argv, "--out", str(tmp_path / "auto")]) == 0  # 18 photos, the recipe's batch is 64
    assert "fewer than the recipe's batch of 64: training with batch 18" in capsys.readouterr().out
    assert load_checkpoint(tmp_path / "auto" / "checkpoint.pt")["config"]["train"]["batch_size"] == 18
    assert main([*argv, "--batch-size", "32", "--out", str(tmp_path / "asked")]) == 2
    assert "batch 32 is more than the 18 usable photos in --data: pass --batch-size 18 or less" in \
        capsys.readouterr().err


def random_inception_weights(path):
    """A weights file in torch-fidelity's Inception-v3 format with random weights (the real one needs internet):
    the plumbing is tested, not the numbers."""
    from torch_fidelity import feature_extractor_inceptionv3 as inception

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(inception, "load_state_dict_from_url", lambda *args, **kwargs: {})
        patch.setattr(inception.FeatureExtractorInceptionV3, "load_state_dict", lambda self, *args, **kwargs: None)
        torch.manual_seed(0)
        model = inception.FeatureExtractorInceptionV3("inception-v3-compat", ["2048"])
    torch.save(model.state_dict(), path)
    return path


def test_evaluate_scores_photos_in_inception_features_from_a_local_file(shop, tmp_path, capsys):
    # about 8 s on a 2-core CPU: an epoch of training on the folder, then Inception features of its photos
    import json

    assert train(shop, tmp_path / "run", "--epochs", "1") == 0
    weights = random_inception_weights(tmp_path / "inception.pth")
    capsys.readouterr()
    ckpt = str(tmp_path / "run" / "checkpoint.pt")
    assert main(["evaluate", ckpt, "--n", "12", "--inception-weights", str(weights), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["num_real"] == 18 and result["data"] == str(shop) and result["num_samples"] == 12
    assert result["metrics"]["fid_inception"] > 0 and "kid_inception_mean" in result["metrics"]
    unsafe = tmp_path / "unsafe.pth"
    torch.save({"weights": object()}, unsafe)  # a pickle that only a code-executing load reads
    assert main(["evaluate", ckpt, "--n", "12", "--inception-weights", str(unsafe)]) == 2
    assert "not a plain weights file" in capsys.readouterr().err
    catalog_model = Path(__file__).resolve().parents[2] / "checkpoints" / "dcgan.pt"
    assert main(["evaluate", str(catalog_model), "--n", "12", "--data", str(shop)]) == 2
    assert "drop --data" in capsys.readouterr().err


def test_sample_data_checks_the_folder_it_was_trained_on(shop, tmp_path, capsys, monkeypatch):
    """`sample --data DIR` passes for the training folder (given relatively elsewhere, or through the slim file),
    and refuses another folder, a missing one and a folder whose categories changed; --out X.npz is colour."""
    import shutil

    import numpy as np

    from course_lib.gan.checkpoint import export_checkpoint

    shutil.copytree(shop, tmp_path / "shop")
    monkeypatch.chdir(tmp_path)
    assert main(["train", "dcgan", "--data", "shop", "--image-size", "32", "--channels", "3", "--batch-size", "8",
                 "--epochs", "1", "--out", "run"]) == 0
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # "shop" no longer names it from here: the absolute path does
    ckpt = tmp_path / "run" / "checkpoint.pt"
    slim = export_checkpoint(ckpt, tmp_path / "slim.pt")
    capsys.readouterr()
    for source in (ckpt, slim):
        argv = ["sample", str(source), "--data", str(tmp_path / "shop"), "--n", "4", "--out", str(tmp_path / "f.npz")]
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert f"checked: trained on {tmp_path / 'shop'} (3 categories: ankle-boot, dress, sneaker), 32 px" in out
        with np.load(tmp_path / "f.npz") as data:
            assert data.files == ["images"] and data["images"].shape == (4, 32, 32, 3)
    (tmp_path / "shop" / "bag").mkdir()
    cases = [(tmp_path / "shop" / "dress", f"was trained on --data shop ({tmp_path / 'shop'}), not on"),
             (tmp_path / "missing", "is not a folder"),
             (tmp_path / "shop", "now holds the categories ['ankle-boot', 'bag', 'dress', 'sneaker']")]
    for folder, message in cases:
        assert main(["sample", str(slim), "--data", str(folder), "--out", str(tmp_path / "g.png")]) == 2, folder
        assert message in capsys.readouterr().err, folder


def test_label_of_a_folder_trained_cgan_names_its_subfolders(shop, tmp_path, capsys):
    """`sample --label` on a cgan trained on a folder resolves against the folder's categories, not the catalog's."""
    import numpy as np

    assert main(["train", "cgan", "--data", str(shop), "--image-size", "32", "--channels", "3", "--batch-size", "8",
                 "--epochs", "1", "--out", str(tmp_path / "run")]) == 0
    ckpt = str(tmp_path / "run" / "checkpoint.pt")
    capsys.readouterr()
    for label, index, name in (("dress", 1, "dress"), ("Sneaker", 2, "sneaker"), ("0", 0, "ankle-boot")):
        assert main(["sample", ckpt, "--label", label, "--n", "3", "--out", str(tmp_path / "s.npz")]) == 0
        assert f"category {index} {name}" in capsys.readouterr().out
        with np.load(tmp_path / "s.npz") as data:
            assert data["labels"].tolist() == [index] * 3
    for label in ("Sandal", "3", "连衣裙"):  # catalog names and indices that this folder does not have
        assert main(["sample", ckpt, "--label", label, "--out", str(tmp_path / "t.png")]) == 2
        err = capsys.readouterr().err
        assert "one of 0 'ankle-boot', 1 'dress', 2 'sneaker'" in err, label
