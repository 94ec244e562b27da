"""course_lib.studies.catalog: its darkness reduction and split, and data_scripts/catalog_expectations.py's tiny run
end to end."""

import json
import subprocess
import sys
from pathlib import Path

import torch

from course_lib.studies.catalog import darkness, split

ROOT = Path(__file__).resolve().parents[2]


def test_darkness_recovers_the_product_from_a_coloured_photo_on_white():
    amount = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))  # 0 = background, 1 = product
    colour = torch.tensor([230.0, 120.0, 170.0]).view(1, 3, 1, 1)  # pink: its darkest channel is 120
    photo = 255 * (1 - amount) + colour * amount  # the example folder's recipe, (4, 3, 28, 28) in [0, 255]
    out = darkness(photo / 127.5 - 1)
    assert out.shape == (4, 1, 28, 28)
    expected = 2 * amount * (1 - 120 / 255) - 1  # the product, light on black, dimmed by its colour
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=0)


def test_split_is_disjoint_seeded_and_complete():
    images = torch.arange(20, dtype=torch.uint8).view(20, 1, 1, 1).expand(20, 2, 2, 3)
    train, held = split(images, 5, seed=3)
    assert (train.shape[0], held.shape[0]) == (15, 5)
    values = sorted(train[:, 0, 0, 0].tolist() + held[:, 0, 0, 0].tolist())
    assert values == list(range(20))
    assert torch.equal(split(images, 5, seed=3)[1], held)


def test_a_tiny_run_prints_its_measurements_and_plots(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "data_scripts" / "catalog_expectations.py"), "--per-class", "40",
                           "--held-out", "16", "--size", "32", "--minutes", "0", "--every", "1", "--precision", "fp32",
                           "--plot", str(tmp_path / "curves.png")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    header, row = [json.loads(line) for line in done.stdout.splitlines()]
    assert (header["photos"], header["skipped"], header["training"], header["held_out"]) == (120, 3, 104, 16)
    assert row["step"] == header["steps_per_epoch"] == 1  # 104 photos hold one batch of 64
    assert {"fid_dark", "fid_dark_floor", "d_gap", "nn_ratio"} <= row.keys()
    assert row["fid_dark"] > row["fid_dark_floor"] >= 0
    assert (tmp_path / "curves.png").stat().st_size > 10_000
