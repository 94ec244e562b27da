"""course_lib.folders: both layouts, the cache (hit, and invalidated by a changed file), broken files listed,
bad settings and too-large folders refused; the example folder."""

import pytest
import torch
from PIL import Image
from samples import claimed_png

from course_lib.photos import folders
from course_lib.photos.folders import load_image_folder, make_example_folder


@pytest.fixture
def example(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return make_example_folder(tmp_path / "shop", per_class=3, size=40)


def test_imagefolder_layout_gives_labels_and_lists_broken_files(example):
    data = load_image_folder(example, size=32, channels=3, progress=False)
    assert data.classes == ["ankle-boot", "dress", "sneaker"] and not data.cached
    assert data.images.shape == (9, 32, 32, 3) and data.images.dtype == torch.uint8
    assert data.labels.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert sorted(f for f, _ in data.skipped) == ["dress/broken.jpg", "dress/notes.txt", "dress/tiny.png"]
    assert data.images[:, 0, 0].float().mean() > 200  # white, shop-like backgrounds are kept as they are
    grey = load_image_folder(example, size=64, channels=1, progress=False)
    assert grey.images.shape == (9, 64, 64)


def test_a_decompression_bomb_in_a_category_is_listed_and_skipped(example):
    claimed_png(example / "dress" / "huge.png", 15000, 15000)
    data = load_image_folder(example, size=32, progress=False, cache=False)
    reasons = dict(data.skipped)
    assert data.images.shape[0] == 9 and "decompression bomb" in reasons["dress/huge.png"]


def test_the_cache_is_hit_and_invalidated_when_a_file_changes(example):
    first = load_image_folder(example, size=32, progress=False)
    again = load_image_folder(example, size=32, progress=False)
    assert again.cached and torch.equal(again.images, first.images) and again.skipped == first.skipped
    Image.new("RGB", (50, 50), (10, 200, 10)).save(example / "sneaker" / "000.png")
    changed = load_image_folder(example, size=32, progress=False)
    assert not changed.cached and not torch.equal(changed.images, first.images)


def test_the_cache_carries_a_format_marker_and_an_unmarked_one_is_rebuilt(example, tmp_path):
    first = load_image_folder(example, size=32, progress=False)
    (path,) = (tmp_path / "cache" / "course_lib" / "folders").glob("*.pt")
    saved = torch.load(path, weights_only=True)
    assert saved["format"] == "course_lib.folder_cache" and saved["version"] == 1
    torch.save({k: v for k, v in saved.items() if k not in ("format", "version")}, path)  # an older cache
    rebuilt = load_image_folder(example, size=32, progress=False)
    assert not rebuilt.cached and torch.equal(rebuilt.images, first.images)
    assert torch.load(path, weights_only=True)["format"] == "course_lib.folder_cache"


def test_flat_layout_has_no_labels(example, tmp_path):
    flat = tmp_path / "flat"
    flat.mkdir()
    for path in (example / "dress").glob("*.png"):
        path.rename(flat / path.name)
    data = load_image_folder(flat, size=32, progress=False, cache=False)
    assert data.labels is None and data.classes == [] and data.images.shape[0] >= 1


def test_bad_settings_too_few_photos_and_too_little_memory(example, tmp_path):
    with pytest.raises(ValueError, match="--image-size must be 32, 64 or 128 and --channels 1 or 3"):
        load_image_folder(example, size=28)
    with pytest.raises(ValueError, match="--image-size must be 32, 64 or 128 and --channels 1 or 3"):
        load_image_folder(example, size=32, channels=2)
    few = r"too few usable photos \(ankle-boot: 3, dress: 3, sneaker: 3; at least 5 per category\); skipped 3"
    with pytest.raises(ValueError, match=few):
        load_image_folder(example, size=32, min_per_class=5, progress=False, cache=False)
    with pytest.raises(ValueError, match="take 0.0 GiB as uint8, more than half"):
        load_image_folder(example, size=32, memory=1000, cache=False)
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        load_image_folder(tmp_path / "nowhere")
    assert folders.available_memory() is None or folders.available_memory() > 0
