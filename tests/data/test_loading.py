import inspect
from pathlib import Path

import pytest
import torch
from idx_files import write_tiny_dataset

from course_lib import data
from course_lib.categories import CLASS_NAMES, CLASS_NAMES_ZH
from course_lib.data import DataCorruptError, DataNotFoundError, load_fashion_mnist, to_float


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """No real data visible: empty cache, no COURSE_DATA_DIR, no Debian folder."""
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.delenv("COURSE_DATA_URL", raising=False)
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(data, "DEBIAN_DIR", tmp_path / "no-debian")
    return tmp_path


def test_class_names_in_two_languages():
    assert len(CLASS_NAMES) == len(CLASS_NAMES_ZH) == 10
    assert CLASS_NAMES[9] == "Ankle boot" and CLASS_NAMES_ZH[9] == "短靴"


@pytest.mark.parametrize("gz", [True, False])
def test_root_argument_first(isolated, gz):
    spec = write_tiny_dataset(isolated / "mine", gz=gz)
    ds = load_fashion_mnist(root=isolated / "mine", spec=spec)
    assert ds.source == "root argument" and ds.checksums_ok
    assert ds.train_images.shape == (12, 28, 28) and ds.train_images.dtype == torch.uint8
    assert ds.test_labels.dtype == torch.int64 and ds.test_labels.tolist() == [0, 1, 2, 3, 4, 5]


def test_env_var_then_cache_then_debian(isolated, monkeypatch):
    spec = write_tiny_dataset(data.DEBIAN_DIR, seed=1)
    assert load_fashion_mnist(spec=spec).source == "Debian package dataset-fashion-mnist"
    cache_spec = write_tiny_dataset(data.user_cache_dir() / "FashionMNIST" / "raw", gz=False, seed=2)
    assert load_fashion_mnist(spec=cache_spec).source == "user cache"
    env_spec = write_tiny_dataset(isolated / "env", seed=3)
    monkeypatch.setenv("COURSE_DATA_DIR", str(isolated / "env"))
    loaded = load_fashion_mnist(spec=env_spec)
    assert loaded.source == "COURSE_DATA_DIR" and loaded.folder == isolated / "env"


def test_nothing_found_lists_every_place_and_the_fixes(isolated, monkeypatch):
    monkeypatch.setattr(data.shutil, "which", lambda name: "/usr/bin/apt-get")
    monkeypatch.setattr(data.sys, "platform", "linux")
    with pytest.raises(DataNotFoundError) as err:
        load_fashion_mnist()
    text = str(err.value)
    assert "user cache" in text and "Debian package" in text and "download: not tried (COURSE_OFFLINE is set)" in text
    assert "apt-get install dataset-fashion-mnist" in text and "COURSE_DATA_DIR" in text
    assert "COURSE_OFFLINE is set, so nothing was downloaded" in text and "python -m course_lib data --check" in text


def test_the_hint_names_a_parameter_that_exists_and_no_apt_without_apt(isolated, monkeypatch):
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setattr(data.shutil, "which", lambda name: None)  # macOS, Windows: no Debian line
    hint = data.fix_hint()
    assert "apt-get" not in hint and "load_fashion_mnist(download_if_missing=True)" in hint
    assert "download_if_missing" in inspect.signature(load_fashion_mnist).parameters


def test_download_failure_is_reported_not_raised_raw(isolated, monkeypatch):
    def no_network(folder, spec, url):
        raise OSError("network unreachable")
    monkeypatch.setattr(data.downloading, "download", no_network)
    with pytest.raises(DataNotFoundError, match="download from .* failed .*network unreachable"):
        load_fashion_mnist(download_if_missing=True)


def test_wrong_course_data_dir_is_named(isolated, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(isolated / "typo"))
    with pytest.raises(DataNotFoundError, match="COURSE_DATA_DIR points to .*typo"):
        load_fashion_mnist()


def test_checksum_mismatch_strict_and_lenient(isolated):
    write_tiny_dataset(isolated / "d")
    other = write_tiny_dataset(isolated / "other", seed=9)
    with pytest.raises(DataCorruptError, match="sha256"):
        load_fashion_mnist(root=isolated / "d", spec=other)
    assert not load_fashion_mnist(root=isolated / "d", spec=other, strict=False).checksums_ok


def test_to_float_range_and_padding():
    images = torch.tensor([[[0, 255] * 14] * 28], dtype=torch.uint8)
    x28 = to_float(images, 28)
    assert x28.shape == (1, 1, 28, 28) and x28.min() == -1 and x28.max() == 1
    x32 = to_float(images, 32)
    assert x32.shape == (1, 1, 32, 32)
    torch.testing.assert_close(x32[..., 2:30, 2:30], x28)
    assert (x32[..., :2, :] == -1).all() and (x32[..., :, 30:] == -1).all()
    with pytest.raises(ValueError, match="image_size must be 28 or 32"):
        to_float(images, 64)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/share/datasets/fashion-mnist").is_dir(), reason="Debian data not installed")
def test_real_debian_data_matches_known_checksums(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    ds = load_fashion_mnist()
    assert ds.checksums_ok and ds.train_images.shape == (60000, 28, 28) and ds.test_images.shape[0] == 10000
    assert torch.bincount(ds.train_labels).tolist() == [6000] * 10


def test_to_float_of_folder_images_in_grey_and_colour():
    colour = torch.zeros(2, 64, 64, 3, dtype=torch.uint8)
    colour[..., 0] = 255  # red
    x = to_float(colour, 64)
    assert x.shape == (2, 3, 64, 64) and (x[:, 0] == 1).all() and (x[:, 1:] == -1).all() and x.is_contiguous()
    grey = torch.full((1, 32, 32), 255, dtype=torch.uint8)
    assert to_float(grey, 32).shape == (1, 1, 32, 32)
    with pytest.raises(ValueError, match="images of 64x64 px need image_size 64"):
        to_float(colour, 128)
    with pytest.raises(ValueError, match="images of 48x48 px need image_size 48"):
        to_float(torch.zeros(1, 48, 48, dtype=torch.uint8), 48)


def test_to_uint8_inverts_to_float_rounding_and_clamping():
    images = torch.randint(0, 256, (3, 28, 28), dtype=torch.uint8)
    assert torch.equal(data.to_uint8(data.to_float(images))[:, 0], images)
    x = torch.tensor([-2.0, -1.0, -0.999, 0.0, 0.996, 1.0, 3.0]).view(1, 1, 1, 7)
    assert data.to_uint8(x).flatten().tolist() == [0, 0, 0, 128, 254, 255, 255]
