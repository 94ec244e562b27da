"""Training checkpoints: written atomically, loaded safely, validated, enough to resume bit for bit.

A checkpoint is a dict: a format marker, the model kind ('dcgan', ...), the configs as plain dicts
(``{'model': asdict(model_cfg), 'train': asdict(train_cfg)}``), the trainer's state (models, optimizers,
EMA, step, noise generator, BatchSource position, history) and the global RNG states (python, numpy,
torch, cuda). Everything is a tensor or a plain Python value, so ``torch.load(weights_only=True)`` reads
it without running arbitrary pickled code. Only the process with RANK 0 writes (torchrun-ready).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import random
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import torch

from .models import build_models, config_from_dict, get_model_kind

FORMAT, VERSION = "course_lib.gan_checkpoint", 1
TRAINER_KEYS = ("generator", "discriminator", "ema", "opt_g", "opt_d", "step", "noise", "batches", "history")
REQUIRED_KEYS = ("format", "version", "kind", "config", "rng", *TRAINER_KEYS)


class CheckpointError(ValueError):
    """The file is not a usable checkpoint, or not one for this run; the message says why."""


def is_main_process() -> bool:
    """True unless torchrun (or similar) set RANK to another process: only rank 0 prints and writes."""
    return int(os.environ.get("RANK", "0")) == 0


def rng_states() -> dict:
    """The global random states of python, numpy, torch and every CUDA device, as safe-to-load values."""
    _, keys, pos, has_gauss, cached = np.random.get_state()
    return {"python": random.getstate(),
            "numpy": {"keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                      "has_gauss": int(has_gauss), "cached_gaussian": float(cached)},
            "torch": torch.get_rng_state(),
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []}


def set_rng_states(state: dict) -> None:
    """Restore what ``rng_states()`` returned (CUDA states only when the same number of GPUs is present)."""
    random.setstate(state["python"])
    n = state["numpy"]
    np.random.set_state(("MT19937", n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"],
                         n["cached_gaussian"]))
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available() and len(state["cuda"]) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(state["cuda"])


def rng_owner_state(fn) -> dict | None:
    """RNG state of an augment/regularizer that owns one (``state_dict()`` or a ``generator``), else None."""
    if hasattr(fn, "state_dict"):
        return fn.state_dict()
    generator = getattr(fn, "generator", None)
    return {"generator": generator.get_state()} if isinstance(generator, torch.Generator) else None


def load_rng_owner_state(fn, state: dict | None) -> None:
    """Restore what ``rng_owner_state`` returned."""
    if state is not None and hasattr(fn, "load_state_dict"):
        fn.load_state_dict(state)
    elif state is not None:
        fn.generator.set_state(state["generator"])


def atomic_save(obj, path) -> Path:
    """``torch.save`` to a temporary file in the same folder, fsync, then rename over ``path``.

    A crash or Ctrl-C leaves either the old file or the new one, never a half-written mix.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
        with os.fdopen(fd, "wb") as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (POSIX)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return path


def save_checkpoint(path, trainer, kind: str, model_cfg, extra: dict | None = None) -> Path | None:
    """Write ``trainer``'s full state to ``path`` (on rank 0 only; returns None elsewhere).

    extra: plain values to keep with it (the ``train`` command stores the run's target epochs).
    The trainer's pending stats are checked first: a NaN/inf raises NonFiniteLossError and nothing is written.
    """
    get_model_kind(kind)
    state = trainer.state_dict()
    if not is_main_process():
        return None
    config = {"model": dataclasses.asdict(model_cfg), "train": dataclasses.asdict(trainer.cfg)}
    return atomic_save({"format": FORMAT, "version": VERSION, "kind": kind, "config": config,
                        "rng": rng_states(), "extra": dict(extra or {}), **state}, path)


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


def load_checkpoint(path, map_location="cpu") -> dict:
    """Load and validate a checkpoint; CheckpointError says what is wrong with a bad file."""
    path = Path(path)
    obj = read_torch_file(path, "checkpoint", map_location)
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise CheckpointError(f"{path} is a torch file but not a course_lib training checkpoint (no "
                              f"format marker {FORMAT!r}); pass a checkpoint.pt written by `train`.")
    if obj.get("version") != VERSION:
        raise CheckpointError(f"{path} has checkpoint format version {obj.get('version')}, this course_lib "
                              f"reads version {VERSION}.")
    missing = [key for key in REQUIRED_KEYS if key not in obj]
    if missing:
        raise CheckpointError(f"{path} is missing keys {missing}: it was truncated or written by other code.")
    try:
        config_from_dict(obj["kind"], obj["config"]["model"])
    except (ValueError, TypeError, KeyError) as err:
        raise CheckpointError(f"{path}: {err}") from err
    return obj


def check_config(ckpt: dict, kind: str | None = None, model_cfg=None, train_cfg=None) -> None:
    """Raise CheckpointError naming every field where ``ckpt`` differs from this run's kind and configs."""
    if kind is not None and ckpt["kind"] != kind:
        raise CheckpointError(f"the checkpoint is from a {ckpt['kind']!r} model, not {kind!r}; "
                              "use a different --out folder or train the matching kind.")
    problems = []
    for section, cfg in (("model", model_cfg), ("train", train_cfg)):
        if cfg is None:
            continue
        saved = ckpt["config"][section]
        for field in dataclasses.fields(cfg):
            default = field.default if field.default is not dataclasses.MISSING else None
            was, now = saved.get(field.name, default), getattr(cfg, field.name)
            if was != now:
                problems.append(f"{section}.{field.name}: checkpoint {was!r}, this run {now!r}")
        unknown = sorted(set(saved) - {f.name for f in dataclasses.fields(cfg)})
        problems += [f"{section}.{name}: in the checkpoint, unknown to this version" for name in unknown]
    if problems:
        raise CheckpointError("config mismatch: " + "; ".join(problems) + ". Resume with the same settings, "
                              "or start a new run in another --out folder.")


def restore(trainer, ckpt: dict) -> None:
    """Put ``trainer`` (built with the checkpoint's configs) and the global RNGs where ``ckpt`` left them."""
    trainer.load_state_dict(ckpt)
    set_rng_states(ckpt["rng"])


def load_generator(path, use_ema: bool = True, device="cpu"):
    """(generator in eval mode on ``device``, checkpoint dict), rebuilt from the file alone.

    use_ema: the averaged weights (smoother samples) rather than the last training weights.
    """
    ckpt = load_checkpoint(path)
    generator, _ = build_models(ckpt["kind"], ckpt["config"]["model"])
    generator.load_state_dict(ckpt["ema"]["module"] if use_ema else ckpt["generator"])
    return generator.to(device).eval(), ckpt
