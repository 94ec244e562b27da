"""Files the library writes and reads: atomic writes, a safe reader, format checks, configs from plain dicts,
checksums, the user cache and the shipped-checkpoints folder (a GAN run's random states are ``gan.rng``'s).

Every course_lib file (training checkpoints, slim generator files, U-Net files, cached features) is a dict of
tensors and plain Python values, written by ``atomic_save`` and read by ``read_torch_file`` with
``torch.load(weights_only=True)``, which never runs code from the file. ``check_format`` is the one check of
a file's format marker, version and keys; ``config_from_dict`` the one way a frozen config dataclass is
rebuilt from ``asdict(cfg)``. A write that fails (full disk, read-only folder, no permission) is one
``WriteError`` that names the file, the cause in plain words and what survived.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import importlib.resources
import json
import os
import pickle
import tempfile
import zipfile
from pathlib import Path

import torch


class CheckpointError(ValueError):
    """The file is not a usable checkpoint, or not one for this run; the message says why."""


def check_format(obj, path, fmt: str, version, keys, what: str, hint: str) -> dict:
    """``obj`` (a loaded file) if it carries format marker ``fmt``, a version in ``version`` (an int, or a tuple of
    the versions this course_lib reads) and every key in ``keys``.

    Otherwise a CheckpointError naming ``path`` and what is wrong; ``what`` names the kind of file with its
    article ("an editing U-Net file") and ``hint`` says which file to pass instead.
    """
    if not isinstance(obj, dict) or obj.get("format") != fmt:
        raise CheckpointError(f"{path} is a torch file but not {what} (no format marker {fmt!r}); {hint}")
    versions = version if isinstance(version, tuple) else (version,)
    if obj.get("version") not in versions:
        raise CheckpointError(f"{path} has format version {obj.get('version')} ({what}); this course_lib reads "
                              f"version {' and '.join(map(str, versions))}.")
    missing = [key for key in keys if key not in obj]
    if missing:
        raise CheckpointError(f"{path} is missing keys {missing}: it was truncated or written by other code.")
    return obj


def config_from_dict(cls, values: dict, what: str = "config"):
    """``cls(**values)`` with lists back to tuples (``asdict`` + torch.save turn tuples into lists).

    Fields missing from ``values`` take their defaults (a file saved before the field existed); unknown
    fields are named in a ValueError, as are bad values (the config's own validation).
    """
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise ValueError(f"{what} has unknown fields {unknown}; {cls.__name__} has {sorted(names)}. "
                         "Is the file from another kind or version?")
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


class WriteError(OSError):
    """A file could not be written (full disk, read-only folder, no permission); the message names the file,
    the cause in plain words and what survived. ``commands.cli`` turns it into one line and exit code 1."""


CAUSES = {errno.ENOSPC: "no space left on device", getattr(errno, "EDQUOT", -1): "disk quota exceeded",
          errno.EROFS: "read-only file system", errno.EACCES: "permission denied", errno.EPERM: "permission denied"}


def write_failure(err: BaseException) -> str | None:
    """The cause in plain words when ``err`` is a failed write, else None (an error of another kind).

    A failed write is an OSError, or torch's RuntimeError from its zip writer ("[enforce fail at
    inline_container.cc...] unexpected pos"), which it raises while handling the OSError of a full disk.
    """
    if isinstance(err, RuntimeError) and isinstance(err.__context__, OSError):
        err = err.__context__
    if isinstance(err, OSError):
        return CAUSES.get(err.errno) or err.strerror or str(err)
    text = (str(err).splitlines() or [""])[0]
    if isinstance(err, RuntimeError) and ("inline_container" in text or "PytorchStreamWriter" in text):
        return f"torch could not finish writing it ({text}); the disk is probably full"
    return None


def atomic_save(obj, path, write=torch.save) -> Path:
    """``torch.save`` to a temporary file in the same folder, fsync, then rename over ``path``.

    A crash or Ctrl-C leaves either the old file or the new one, never a half-written mix. ``write(obj, f)``
    writes to the open binary file (default ``torch.save``; ``sample --out X.npz`` passes ``np.savez``).
    A failed write (full disk, read-only folder) removes the temporary file and raises a WriteError that says
    whether an earlier ``path`` is intact.
    """
    path, tmp = Path(path), None
    existed = path.exists()
    umask = os.umask(0)
    os.umask(umask)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
            write(obj, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        cause = write_failure(err)
        if cause is None:
            raise
        kept = f"the previous {path.name} there is intact" if existed else f"no {path.name} was written there yet"
        raise WriteError(f"could not write {path}: {cause}. Nothing half-written is left; {kept}.") from err
    with contextlib.suppress(OSError):  # make the rename itself durable (POSIX)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return path


def save_json(values, path) -> Path:
    """``values`` as JSON to ``path``, through ``atomic_save``."""
    return atomic_save(values, path, write=lambda v, f: f.write(json.dumps(v).encode()))


def file_sha256(path: str | Path) -> str:
    """sha256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cache_dir(name: str) -> Path:
    """``$XDG_CACHE_HOME/course_lib/NAME`` (``~/.cache/course_lib/NAME`` when XDG_CACHE_HOME is unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "course_lib" / name


SHIPPED_ENV = "COURSE_CHECKPOINTS"


def shipped_dirs() -> list[tuple[str, Path]]:
    """Where the shipped checkpoints are looked for, in order, as (source name, folder) pairs.

    1. ``$COURSE_CHECKPOINTS``, when set; 2. ``checkpoints/`` of the source checkout this package runs from
    (an editable install, or the repository itself); 3. the wheel's package data, ``course_lib/checkpoints``
    beside the installed code, whatever the pip scheme (venv, ``--user``, ``--prefix``, ``--target``).
    """
    found = [(SHIPPED_ENV, Path(os.environ[SHIPPED_ENV]))] if os.environ.get(SHIPPED_ENV) else []
    found.append(("source checkout", Path(__file__).resolve().parents[1] / "checkpoints"))
    found.append(("installed package", Path(str(importlib.resources.files("course_lib") / "checkpoints"))))
    return found


def shipped_dir() -> Path:
    """The first folder of ``shipped_dirs()`` that exists (``$COURSE_CHECKPOINTS`` must exist when set).

    FileNotFoundError lists every place tried and how to fix it.
    """
    places = shipped_dirs()
    if os.environ.get(SHIPPED_ENV) and not places[0][1].is_dir():
        raise FileNotFoundError(f"{SHIPPED_ENV}={places[0][1]} is not a folder; point it at the repository's "
                                "checkpoints/ folder, or unset it.")
    for _, folder in places:
        if folder.is_dir():
            return folder
    tried = "; ".join(f"{name}: {folder}" for name, folder in places)
    raise FileNotFoundError(f"no shipped checkpoints folder found (tried {tried}). Install the course with "
                            "`pip install .` or `pip install -e .` from the repository, or set "
                            f"{SHIPPED_ENV} to its checkpoints/ folder.")


def read_torch_file(path, what: str = "checkpoint", map_location="cpu",
                    missing_hint: str = "`python -m course_lib train dcgan --out DIR` writes DIR/checkpoint.pt."
                    ) -> object:
    """``torch.load(path, weights_only=True)`` (never runs code from the file) with errors that say what is wrong.

    FileNotFoundError (with ``missing_hint``), or CheckpointError for a Git LFS pointer, a file that is not a
    torch zip archive, or one holding Python objects a safe load refuses. ``what`` names the expected file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{what} {path} does not exist; {missing_hint}")
    with open(path, "rb") as f:
        if f.read(64).startswith(b"version https://git-lfs"):
            raise CheckpointError(f"{path} is a Git LFS pointer, not the weights: run `git lfs pull` to fetch them.")
    if not zipfile.is_zipfile(path):
        raise CheckpointError(f"{path} is not a {what}: torch.load failed (not a zip archive, which torch.save "
                              "writes). Is the file truncated or of another type?")
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        raise CheckpointError(f"{path} holds Python objects that a safe load (weights_only=True) refuses, "
                              f"so it was not written by course_lib ({str(err).splitlines()[0]}).") from err
    except Exception as err:  # zip/EOF/pickle errors of many types: all mean "not a torch file"
        raise CheckpointError(f"{path} is not a {what}: torch.load failed ({type(err).__name__}). "
                              "Is the file truncated or of another type?") from err
