"""The idx format: truncated, non-gzip and mislabelled files are clear errors, never a crash."""

import gzip

import pytest
from idx_files import STEMS, write_tiny_dataset

from course_lib.data import DataCorruptError, load_fashion_mnist
from course_lib.data.idx import find_file, read_idx


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


def test_truncated_file_is_a_clear_error(isolated):
    spec = write_tiny_dataset(isolated / "d", gz=False)
    path = isolated / "d" / STEMS[("train", "images")]
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataCorruptError, match="truncated or corrupted"):
        load_fashion_mnist(root=isolated / "d", spec=spec)


def test_broken_gzip_is_a_clear_error(isolated):
    spec = write_tiny_dataset(isolated / "d")
    path = isolated / "d" / (STEMS[("test", "images")] + ".gz")
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(DataCorruptError, match="cannot be read"):
        load_fashion_mnist(root=isolated / "d", spec=spec)


def test_bad_magic_and_bad_labels(isolated):
    spec = write_tiny_dataset(isolated / "d")
    lab = isolated / "d" / (STEMS[("train", "labels")] + ".gz")
    raw = bytearray(gzip.decompress(lab.read_bytes()))
    raw[-1] = 42
    lab.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(DataCorruptError, match="label 42 is out of range"):
        load_fashion_mnist(root=isolated / "d", spec=spec)
    lab.write_bytes(gzip.compress(b"\x12\x34" + bytes(raw[2:])))
    with pytest.raises(DataCorruptError, match="bad magic"):
        load_fashion_mnist(root=isolated / "d", spec=spec)


def test_find_file_prefers_gzip_and_looks_under_fashionmnist_raw(tmp_path):
    write_tiny_dataset(tmp_path / "FashionMNIST" / "raw", gz=False)
    stem = STEMS[("test", "labels")]
    assert find_file(tmp_path, stem) == tmp_path / "FashionMNIST" / "raw" / stem
    (tmp_path / (stem + ".gz")).write_bytes(gzip.compress(read_idx_bytes(tmp_path, stem)))
    assert find_file(tmp_path, stem) == tmp_path / (stem + ".gz")
    assert read_idx(tmp_path / (stem + ".gz"), 1).tolist() == [0, 1, 2, 3, 4, 5]
    assert find_file(tmp_path, "no-such-stem") is None


def read_idx_bytes(folder, stem):
    return (folder / "FashionMNIST" / "raw" / stem).read_bytes()
