"""``train cgan --fast`` and ``sample --label`` end to end (tiny synthetic data)."""

import numpy as np
import pytest
import torch
from PIL import Image
from tiny_gan import tiny_images

from course_lib.commands import train_gan
from course_lib.commands.cli import main
from course_lib.gan import recipes
from course_lib.gan.checkpoint import load_checkpoint, read_generator
from course_lib.gan.sampling import sample


def tiny_data(fast, n):
    """256 random images with labels 0..9 instead of Fashion-MNIST; the fast run is the recipe's fast_steps."""
    return tiny_images(256), torch.arange(256) % 10


@pytest.fixture(scope="module")
def cgan_run(tmp_path_factory):
    """One `train cgan --fast` run shared by the tests of this file (training is the slow part)."""
    out = tmp_path_factory.mktemp("runs") / "cgan"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(train_gan, "training_data", tiny_data)
        assert main(["train", "cgan", "--fast", "--out", str(out), "--seed", "2"]) == 0
    return out


def test_train_cgan_fast_writes_a_conditional_checkpoint(cgan_run):
    names = {p.name for p in cgan_run.iterdir()}
    assert {"checkpoint.pt", "samples.png", "history.json", "losses.png"} <= names
    ckpt = load_checkpoint(cgan_run / "checkpoint.pt")
    assert ckpt["kind"] == "cgan" and ckpt["step"] == recipes.RECIPES["cgan"].fast_steps
    assert Image.open(cgan_run / "samples.png").size == (10 * 30 + 2, 7 * 30 + 2)  # 64 samples, one class per column


@pytest.mark.parametrize("label, index", [("Dress", 3), ("3", 3), ("连衣裙", 3), ("9", 9), ("ankle boot", 9)])
def test_sample_label_by_name_or_index(cgan_run, capsys, label, index):
    grid = cgan_run / "dress.png"
    argv = ["sample", str(cgan_run / "checkpoint.pt"), "--n", "6", "--out", str(grid), "--label", label]
    assert main(argv) == 0
    assert f"6 samples of cgan, category {index} " in capsys.readouterr().out
    assert Image.open(grid).size == (6 * 30 + 2, 30 + 2)  # one row of 6
    generator, _ = read_generator(cgan_run / "checkpoint.pt")
    expected = sample(generator, 6, seed=0, labels=torch.full((6,), index))
    other = sample(generator, 6, seed=0, labels=torch.full((6,), (index + 1) % 10))
    assert not torch.equal(expected, other)  # the label reached the generator


def test_sample_label_errors(cgan_run, tmp_path, capsys, monkeypatch):
    assert main(["sample", str(cgan_run / "checkpoint.pt"), "--label", "boots"]) == 2
    err = capsys.readouterr().err
    assert "unknown category 'boots'" in err and "9 'Ankle boot'/短靴" in err and "3 'Dress'/连衣裙" in err
    assert main(["sample", str(cgan_run / "checkpoint.pt"), "--label", "10"]) == 2
    assert "index 0-9" in capsys.readouterr().err
    monkeypatch.setattr(train_gan, "training_data", tiny_data)
    assert main(["train", "dcgan", "--fast", "--out", str(tmp_path / "dcgan")]) == 0
    capsys.readouterr()
    assert main(["sample", str(tmp_path / "dcgan" / "checkpoint.pt"), "--label", "Dress"]) == 2
    assert "--label needs a conditional checkpoint" in capsys.readouterr().err


def test_sample_reads_a_slim_pretrained_file_like_its_checkpoint(cgan_run, tmp_path, capsys):
    """`sample` on the exported EMA generator (what checkpoints/ ships) draws the same images as on the
    training checkpoint; --no-ema on a slim file is a clear error (it holds only the EMA weights)."""
    from course_lib.gan.checkpoint import export_checkpoint

    slim = export_checkpoint(cgan_run / "checkpoint.pt", tmp_path / "cgan.pt")
    grids = []
    for i, source in enumerate((cgan_run / "checkpoint.pt", slim)):
        out = tmp_path / f"grid{i}.png"
        assert main(["sample", str(source), "--n", "10", "--label", "连衣裙", "--out", str(out)]) == 0
        assert "category 3 Dress" in capsys.readouterr().out
        grids.append(torch.from_numpy(np.array(Image.open(out))))
    assert torch.equal(grids[0], grids[1])
    assert main(["sample", str(slim), "--no-ema", "--out", str(tmp_path / "x.png")]) == 2
    assert "training checkpoint" in capsys.readouterr().err


def test_sample_writes_an_npz_with_the_labels_used_and_a_folder_of_pngs(cgan_run, tmp_path, capsys):
    """--out X.npz keeps the images as uint8 and the labels drawn (one class per column by default, --label
    otherwise); --out DIR writes one grey PNG per image; the pixels are the grid's images, converted."""
    checkpoint = str(cgan_run / "checkpoint.pt")
    assert main(["sample", checkpoint, "--n", "12", "--out", str(tmp_path / "fakes.npz")]) == 0
    assert "an .npz with images (12, 28, 28) uint8 and labels" in capsys.readouterr().out
    generator, _ = read_generator(cgan_run / "checkpoint.pt")
    expected = sample(generator, 12, seed=0)  # default labels 0..9, 0, 1
    with np.load(tmp_path / "fakes.npz") as data:
        assert data["images"].dtype == np.uint8 and data["labels"].dtype == np.int64
        assert data["labels"].tolist() == [*range(10), 0, 1]
        back = torch.from_numpy(data["images"]).float().div(127.5).sub(1).unsqueeze(1)
    torch.testing.assert_close(back, expected, atol=1 / 255 + 1e-6, rtol=0)
    assert main(["sample", checkpoint, "--n", "3", "--label", "Dress", "--out", str(tmp_path / "dress.npz")]) == 0
    with np.load(tmp_path / "dress.npz") as data:
        assert data["labels"].tolist() == [3, 3, 3]
    assert main(["sample", checkpoint, "--n", "5", "--out", str(tmp_path / "fid" / "fakes")]) == 0
    assert f"5 PNGs in folder {tmp_path / 'fid' / 'fakes'}" in capsys.readouterr().out
    pngs = sorted((tmp_path / "fid" / "fakes").iterdir())
    assert [p.name for p in pngs] == [f"{i:06d}.png" for i in range(5)]
    assert Image.open(pngs[4]).mode == "L" and Image.open(pngs[4]).size == (28, 28)
    np.testing.assert_array_equal(np.array(Image.open(pngs[1])), ((expected[1, 0] + 1) * 127.5).round().byte().numpy())


def test_sample_refuses_another_suffix_and_data_for_a_catalog_model(cgan_run, tmp_path, capsys):
    checkpoint = str(cgan_run / "checkpoint.pt")
    assert main(["sample", checkpoint, "--out", str(tmp_path / "grid.jpg")]) == 2
    err = capsys.readouterr().err
    assert "'.jpg' is not an accepted output" in err and ".npz" in err and "folder" in err
    assert main(["sample", checkpoint, "--data", str(tmp_path), "--out", str(tmp_path / "g.png")]) == 2
    assert "--data is for generators of photos" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
