"""GAN files: training checkpoints (enough to resume bit for bit) and slim generator files (what ships).

A training checkpoint is a dict: a format marker, the model kind ('dcgan', ...), the configs as plain dicts
(``{'model': asdict(model_cfg), 'train': asdict(train_cfg)}``), the trainer's state (models, optimizers,
EMA, step, noise generator, BatchSource position, history) and the global RNG states (python, numpy,
torch, cuda). It is the trainer's own state, laid out as ``Trainer.state_dict`` writes it (the optimizer states
refer to those weights); ``generator_entry`` reads its generator as a network entry. A slim generator file
(``save_pretrained``) holds the kind and the EMA generator as one network entry (``models.registry``:
``{"arch": "KIND.generator", "config", "state"}``; version 1 files, which spelled it ``config.model`` +
``generator`` weights, still load). Both are plain values and tensors, written by ``serialization.atomic_save``
and read with ``torch.load(weights_only=True)``; ``read_generator(path)`` reads either. Only rank 0 writes.

Under torchrun the checkpoint also holds ``world_size`` and ``ranks``, every process's random streams
(gathered by ``Trainer.state_dict``, which every process calls). Resuming with another number of processes is
refused with a CheckpointError that says how many to start: the same number continues bit for bit.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import torch

from ..models import get_model_kind, model_config
from ..models.registry import network_entry, rebuild
from ..runtime import is_main_process, resolve_device
from ..serialization import CheckpointError, atomic_save, check_format, read_torch_file
from .rng import rng_states, set_rng_states

FORMAT, VERSION = "course_lib.gan_checkpoint", 1
GENERATOR_FORMAT, GENERATOR_VERSION = "course_lib.pretrained_generator", 2
GENERATOR_VERSIONS = (1, 2)  # 1: {"config": {"model": ...}, "generator": weights}; 2: "generator" is an entry
TRAINER_KEYS = ("generator", "discriminator", "ema", "opt_g", "opt_d", "step", "noise", "batches", "history")
REQUIRED_KEYS = ("format", "version", "kind", "config", "rng", *TRAINER_KEYS)
MISSING_HINT = ("`python -m course_lib train KIND --out DIR` writes DIR/checkpoint.pt, and the repository ships "
                "checkpoints/KIND.pt.")


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


def model_config_dict(obj: dict) -> dict:
    """``asdict`` of the model config of a loaded GAN file: a training checkpoint, or a slim file of either version."""
    generator = obj.get("generator")
    if isinstance(generator, dict) and "arch" in generator:
        return generator["config"]
    return obj["config"]["model"]


def checked_model_config(path, obj: dict):
    """The model config of a loaded file, rebuilt; CheckpointError naming ``path`` when it does not rebuild."""
    try:
        return model_config(obj["kind"], model_config_dict(obj))
    except (ValueError, TypeError, KeyError) as err:
        raise CheckpointError(f"{path}: {err}") from err


def load_checkpoint(path, map_location="cpu") -> dict:
    """Load and validate a training checkpoint; CheckpointError says what is wrong with a bad file."""
    obj = read_torch_file(path, "checkpoint", map_location)
    check_format(obj, path, FORMAT, VERSION, REQUIRED_KEYS, "a course_lib training checkpoint",
                 "pass a checkpoint.pt written by `train`.")
    checked_model_config(path, obj)
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


def restore_trainer(trainer, ckpt: dict) -> None:
    """Put ``trainer`` (built with the checkpoint's configs) and the global RNGs where ``ckpt`` left them."""
    trainer.load_state_dict(ckpt)
    if "ranks" not in ckpt:  # under torchrun the trainer restored each process's own global RNG
        set_rng_states(ckpt["rng"])


def save_pretrained(path, kind: str, model_cfg, generator: torch.nn.Module, extra: dict | None = None) -> Path:
    """Write the slim file: kind and ``generator`` (pass the EMA module) as one network entry."""
    get_model_kind(kind)
    return atomic_save({"format": GENERATOR_FORMAT, "version": GENERATOR_VERSION, "kind": kind,
                        "generator": network_entry(f"{kind}.generator", model_cfg, generator),
                        "extra": dict(extra or {})}, path)


def export_checkpoint(checkpoint_path, path) -> Path:
    """The slim file for a training checkpoint's EMA generator (what the repository ships)."""
    generator, ckpt = read_generator(checkpoint_path, device="cpu")  # file to file: nothing runs
    cfg = model_config(ckpt["kind"], ckpt["config"]["model"])
    data = {"data": ckpt["extra"]["data"]} if ckpt.get("extra", {}).get("data") else {}  # `train --data`'s folder
    return save_pretrained(path, ckpt["kind"], cfg, generator, extra={"step": int(ckpt["step"]),
                                                                      "train": ckpt["config"]["train"], **data})


def read_generator(path, device="auto", use_ema: bool = True) -> tuple[torch.nn.Module, dict]:
    """(generator in eval mode on ``device``, the file's dict) from a slim file or a training checkpoint.
    device: a torch.device or a name ('auto': cuda, then mps, then the CPU).

    use_ema: the averaged weights (smoother samples); False takes the last training weights, which only a
    training checkpoint has.
    """
    obj = read_torch_file(Path(path), "checkpoint or generator file", missing_hint=MISSING_HINT)
    return generator_from(obj, path, device, use_ema), obj


def generator_entry(obj, path, use_ema: bool = True) -> dict:
    """The generator of a loaded GAN file (``obj``, read from ``path``) as a network entry, checked: the EMA or
    last weights of a training checkpoint, or a slim file's (versions 1 and 2). CheckpointError otherwise."""
    marker = obj.get("format") if isinstance(obj, dict) else None
    if marker == FORMAT:
        check_format(obj, path, FORMAT, VERSION, REQUIRED_KEYS, "a course_lib training checkpoint",
                     "pass a checkpoint.pt written by `train`.")
        weights = obj["ema"]["module"] if use_ema else obj["generator"]
        return {"arch": f"{obj['kind']}.generator", "config": obj["config"]["model"], "state": weights}
    if marker != GENERATOR_FORMAT:
        raise CheckpointError(f"{path} is a torch file but neither a pretrained generator ({GENERATOR_FORMAT!r}) "
                              "nor a training checkpoint; write it with course_lib.gan.checkpoint.save_pretrained.")
    keys = ("kind", "generator") if obj.get("version") == 2 else ("kind", "config", "generator")
    check_format(obj, path, GENERATOR_FORMAT, GENERATOR_VERSIONS, keys, "a pretrained generator",
                 "write it with course_lib.gan.checkpoint.save_pretrained.")
    if not use_ema:
        raise CheckpointError(f"{path} is a slim generator file, which holds only the EMA weights; the last "
                              "training weights are in the training checkpoint (DIR/checkpoint.pt).")
    if obj["version"] == 2:
        return obj["generator"]
    return {"arch": f"{obj['kind']}.generator", "config": obj["config"]["model"], "state": obj["generator"]}


def generator_network(obj, path, use_ema: bool = True) -> torch.nn.Module:
    """The generator of a loaded GAN file (``obj``, read from ``path``) in eval mode, where ``rebuild`` puts it
    (the CPU); the file is not read again. CheckpointError naming ``path`` when it is not a GAN file or does not
    rebuild."""
    entry = generator_entry(obj, path, use_ema)
    checked_model_config(path, obj)
    if entry.get("arch") != f"{obj['kind']}.generator":
        raise CheckpointError(f"{path} names kind {obj['kind']!r} but holds a {entry.get('arch')!r} network.")
    try:
        return rebuild(entry)
    except (ValueError, TypeError, KeyError, RuntimeError) as err:
        raise CheckpointError(f"{path}: the weights do not fit the {obj['kind']!r} model of its config "
                              f"({err})") from err


def generator_from(obj, path, device="auto", use_ema: bool = True) -> torch.nn.Module:
    """``generator_network`` moved to ``device`` (a torch.device or a name; 'auto': cuda, then mps, then the CPU)."""
    return generator_network(obj, path, use_ema).to(resolve_device(device))
