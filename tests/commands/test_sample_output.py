"""``write_samples``: the three forms of ``sample --out`` on fake tensors (grid, .npz, folder of PNGs)."""

import numpy as np
import pytest
import torch
from PIL import Image

from course_lib.commands import UserError
from course_lib.commands.sample_output import output_form, to_arrays, write_samples


def fake_images(n, channels, size=8, seed=0):
    """(n, channels, size, size) in [-1, 1], with the two ends and the middle present exactly."""
    x = torch.rand(n, channels, size, size, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    x[0, 0, 0, :3] = torch.tensor([-1.0, 0.0, 1.0])
    return x


def test_to_uint8_rounds_and_clamps():
    x = torch.tensor([-1.5, -1.0, -0.999, 0.0, 0.5, 1.0, 2.0]).view(1, 1, 1, 7)
    expected = np.array([0, 0, 0, 128, 191, 255, 255], dtype=np.uint8)  # round((x+1)*127.5): 0.1275 -> 0, 127.5 -> 128
    np.testing.assert_array_equal(to_arrays(x)[0, 0], expected)
    with pytest.raises(ValueError, match=r"\(N, 1 or 3, H, W\)"):
        to_arrays(torch.zeros(2, 2, 4, 4))


@pytest.mark.parametrize("channels, shape", [(1, (5, 8, 8)), (3, (5, 8, 8, 3))])
def test_npz_round_trips_grey_and_colour(tmp_path, channels, shape):
    images = fake_images(5, channels)
    labels = torch.tensor([3, 1, 4, 1, 5])
    said = write_samples(images, tmp_path / "sub" / "fakes.npz", labels=labels)
    assert said == f"an .npz with images {shape} uint8 and labels"
    with np.load(tmp_path / "sub" / "fakes.npz") as data:
        assert set(data.files) == {"images", "labels"}
        assert data["images"].shape == shape and data["images"].dtype == np.uint8
        assert data["labels"].dtype == np.int64 and data["labels"].tolist() == [3, 1, 4, 1, 5]
        pixels = data["images"]
    back = torch.from_numpy(pixels).float().div(127.5).sub(1)
    back = back.unsqueeze(1) if channels == 1 else back.permute(0, 3, 1, 2)
    torch.testing.assert_close(back, images, atol=1 / 255 + 1e-6, rtol=0)  # at most half a grey level away
    assert pixels.reshape(5, -1, channels)[0, :3, 0].tolist() == [0, 128, 255]
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["fakes.npz"]  # no temporary file left behind


def test_npz_without_labels_and_with_prompts(tmp_path):
    said = write_samples(fake_images(2, 1), tmp_path / "plain.npz")
    assert said == "an .npz with images (2, 8, 8) uint8"
    with np.load(tmp_path / "plain.npz") as data:
        assert data.files == ["images"]
    prompts = ["a red dress", "短靴, black"]
    said = write_samples(fake_images(2, 3), tmp_path / "text.NPZ", prompts=prompts)
    assert said == "an .npz with images (2, 8, 8, 3) uint8 and prompts"
    with np.load(tmp_path / "text.NPZ") as data:  # no pickle: a unicode array, not objects
        assert data["prompts"].dtype.kind == "U" and data["prompts"].tolist() == prompts


def test_folder_of_numbered_pngs(tmp_path):
    images = fake_images(12, 3)
    said = write_samples(images, tmp_path / "fakes")
    assert said == f"12 PNGs in folder {tmp_path / 'fakes'}"
    names = sorted(p.name for p in (tmp_path / "fakes").iterdir())
    assert names == [f"{i:06d}.png" for i in range(12)]
    first = Image.open(tmp_path / "fakes" / "000000.png")
    assert first.mode == "RGB" and first.size == (8, 8)
    np.testing.assert_array_equal(np.array(first), to_arrays(images)[0])
    (tmp_path / "grey.v1").mkdir()  # an existing folder is a folder whatever its name
    (tmp_path / "grey.v1" / "notes.txt").write_text("kept")
    assert write_samples(fake_images(3, 1), tmp_path / "grey.v1") == f"3 PNGs in folder {tmp_path / 'grey.v1'}"
    grey = Image.open(tmp_path / "grey.v1" / "000002.png")
    assert grey.mode == "L" and grey.size == (8, 8)


def test_a_smaller_run_into_the_same_folder_removes_the_older_numbered_pngs(tmp_path):
    write_samples(fake_images(5, 1), tmp_path / "fakes")
    (tmp_path / "fakes" / "mine.png").write_bytes(b"not ours")
    assert write_samples(fake_images(2, 1), tmp_path / "fakes").endswith("(removed 3 older numbered PNGs)")
    assert sorted(p.name for p in (tmp_path / "fakes").iterdir()) == ["000000.png", "000001.png", "mine.png"]


def test_grid(tmp_path):
    assert write_samples(fake_images(6, 1), tmp_path / "grid.png", nrow=3) == "a grid"
    assert Image.open(tmp_path / "grid.png").size == (3 * 10 + 2, 2 * 10 + 2)


@pytest.mark.parametrize("name", ["grid.jpg", "fakes.txt", "x.jpeg"])
def test_other_suffixes_are_refused_naming_the_three_forms(tmp_path, name):
    with pytest.raises(UserError) as err:
        write_samples(fake_images(2, 1), tmp_path / name)
    message = str(err.value)
    assert "is not an accepted output" in message and ".png path" in message and ".npz path" in message
    assert "a folder" in message
    assert list(tmp_path.iterdir()) == []
    assert output_form(tmp_path) == "folder"


def test_labels_or_prompts_of_another_length_are_refused(tmp_path):
    with pytest.raises(ValueError, match="3 labels for 2 images"):
        write_samples(fake_images(2, 1), tmp_path / "x.npz", labels=torch.arange(3))
    with pytest.raises(ValueError, match="1 prompts for 2 images"):
        write_samples(fake_images(2, 1), tmp_path / "x.npz", prompts=["one"])
