"""course_lib.serialization's writes: a failed write (full disk, read-only folder) is one WriteError naming the
file, the cause and what survived; the previous file stays byte for byte and no temporary file is left."""

import errno
import json
import os

import pytest
import torch

from course_lib import serialization
from course_lib.serialization import WriteError, atomic_save, save_json, write_failure

ENFORCE = "[enforce fail at inline_container.cc:672] . unexpected pos 25152 vs 25104"


def full_disk(obj, f):
    """torch.save on a full disk: some bytes written, then torch's zip writer gives up."""
    f.write(b"PK\x03\x04 half a checkpoint")
    raise RuntimeError(ENFORCE)


def full_disk_with_cause(obj, f):
    """What torch really raises: its RuntimeError while handling the OSError of the write."""
    f.write(b"PK\x03\x04")
    try:
        raise OSError(errno.ENOSPC, "No space left on device")
    except OSError:
        raise RuntimeError(ENFORCE) from None  # `from None` hides the cause in tracebacks, __context__ stays


@pytest.fixture
def previous(tmp_path):
    path = atomic_save({"step": torch.tensor(3)}, tmp_path / "checkpoint.pt")
    return path, path.read_bytes()


def test_a_full_disk_keeps_the_previous_file_and_says_so(previous):
    path, before = previous
    with pytest.raises(WriteError) as caught:
        atomic_save({"step": torch.tensor(4)}, path, write=full_disk)
    message = str(caught.value)
    assert message.startswith(f"could not write {path}: torch could not finish writing it ({ENFORCE}); the disk "
                              "is probably full.")
    assert message.endswith("Nothing half-written is left; the previous checkpoint.pt there is intact.")
    assert isinstance(caught.value, OSError) and isinstance(caught.value.__cause__, RuntimeError)
    assert path.read_bytes() == before and os.listdir(path.parent) == ["checkpoint.pt"]


def test_the_os_cause_behind_torchs_error_is_named(tmp_path):
    with pytest.raises(WriteError, match="no space left on device. Nothing half-written is left; no x.pt was "
                                         "written there yet."):
        atomic_save({}, tmp_path / "x.pt", write=full_disk_with_cause)
    assert os.listdir(tmp_path) == []


def test_a_read_only_folder_is_named_and_the_previous_file_stays(previous, monkeypatch):
    path, before = previous
    if os.geteuid() == 0:  # root writes into a 0o500 folder all the same: refuse the rename as the OS would
        def refuse(src, dst):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        monkeypatch.setattr(serialization.os, "replace", refuse)
    else:
        path.parent.chmod(0o500)
    try:
        with pytest.raises(WriteError, match=f"could not write {path}: permission denied. .* the previous "
                                             "checkpoint.pt there is intact."):
            atomic_save({"step": torch.tensor(4)}, path)
    finally:
        path.parent.chmod(0o700)
    assert path.read_bytes() == before and os.listdir(path.parent) == ["checkpoint.pt"]


def test_other_errors_pass_through_unchanged(tmp_path):
    def broken(obj, f):
        f.write(b"x")
        raise RuntimeError("a bug in the writer, not the disk")

    with pytest.raises(RuntimeError, match="a bug in the writer") as caught:
        atomic_save({}, tmp_path / "x.pt", write=broken)
    assert not isinstance(caught.value, WriteError) and os.listdir(tmp_path) == []
    assert write_failure(RuntimeError("a bug")) is None and write_failure(KeyError("k")) is None
    assert write_failure(OSError(errno.EROFS, "Read-only file system")) == "read-only file system"


def test_save_json_writes_through_atomic_save(tmp_path, monkeypatch):
    path = save_json({"step": [1, 2], "loss": [0.5, None]}, tmp_path / "history.json")
    assert json.loads(path.read_text()) == {"step": [1, 2], "loss": [0.5, None]}

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(serialization.os, "fsync", no_space)
    with pytest.raises(WriteError, match="no space left on device.* the previous history.json there is intact"):
        save_json({"step": [1, 2, 3]}, path)
    assert json.loads(path.read_text())["step"] == [1, 2] and os.listdir(tmp_path) == ["history.json"]
