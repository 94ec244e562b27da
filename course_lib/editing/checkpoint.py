"""Editing U-Net files: one small model per task in one file, written atomically, loaded safely.

``python -m course_lib train unet`` writes ``DIR/checkpoint.pt``; the repository ships the same format
as ``checkpoints/unet.pt``. The file is a dict of plain values and tensors (``torch.load(weights_only=
True)`` reads it without running pickled code):

    {"format": FORMAT, "version": VERSION, "kind": "unet",
     "run": {"tasks": [...], "model": asdict(UNetConfig), "fit": asdict(FitConfig), "batch_size": int,
             "adversarial": bool},
     "tasks": {task: {"network": {"arch": "unet", "config": asdict(UNetConfig), "state": state_dict},
                      "fit": asdict(FitConfig), "step": steps done, "seconds": float,
                      "history": {column: (step,) tensor}}},
     "extra": {...}}

The network is one entry in the library's one spelling (``models.registry``). Version 1 files, whose task
entries spelled it ``"model"`` + ``"weights"`` (the shipped lesson-05 files among them), still load.

A task entry with ``step < fit["num_steps"]`` is unfinished (the run was interrupted). In a lesson:

    unet = load_pretrained_unet("denoise") or the_one_trained_above

The repository also ships lesson 05's two inpainting U-Nets of section 3, one trained with L1 and one with L1 +
PatchGAN (``PAIR_FILES``, made by the ``train unet`` commands in ``docs/models.md``), read by
``load_pretrained_pair``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..gan.zoo import shipped_or
from ..models.registry import network_entry, rebuild
from ..models.unet import UNet
from ..runtime import resolve_device
from ..serialization import CheckpointError, atomic_save, check_format, config_from_dict, read_torch_file, shipped_dir
from .degrade import check_task
from .pix2pix import FitConfig

FORMAT, VERSION = "course_lib.unet_checkpoint", 2
VERSIONS = (1, 2)  # 1: a task's network as "model" + "weights"; 2: as "network", an entry
FILE_KEYS = ("format", "version", "kind", "run", "tasks")
ENTRY_KEYS = ("network", "fit", "step", "seconds", "history")
OLD_ENTRY_KEYS = ("model", "fit", "weights", "step", "seconds", "history")
MISSING_HINT = "`python -m course_lib train unet --task denoise --out DIR` writes DIR/checkpoint.pt."


def task_entry(unet: UNet, fit: FitConfig, step: int, seconds: float, history: dict) -> dict:
    """One task's part of the file: the network entry, the fit config, steps done, wall time, history columns."""
    return {"network": network_entry("unet", unet.cfg, unet), "fit": dataclasses.asdict(fit),
            "step": int(step), "seconds": float(seconds), "history": dict(history)}


def unet_network(entry: dict) -> dict:
    """The network entry of a task entry, from a version 2 file or a version 1 one ("model" + "weights")."""
    if "network" in entry:
        return entry["network"]
    return {"arch": "unet", "config": entry["model"], "state": entry["weights"]}


def save_unets(path, run: dict, entries: dict[str, dict], extra: dict | None = None) -> Path:
    """Write the file (atomically: a crash leaves the old file or the new one)."""
    for task in entries:
        check_task(task)
    return atomic_save({"format": FORMAT, "version": VERSION, "kind": "unet", "run": dict(run),
                        "tasks": dict(entries), "extra": dict(extra or {})}, path)


def read_unet_file(path) -> object:
    """The safe load of ``serialization.read_torch_file``, with the U-Net's hint for a missing file."""
    return read_torch_file(path, "checkpoint", missing_hint=MISSING_HINT)


def is_unet_file(path) -> bool:
    """True when ``path`` is a readable torch file with this module's format marker."""
    try:
        obj = read_unet_file(path)
    except (CheckpointError, FileNotFoundError):
        return False
    return isinstance(obj, dict) and obj.get("format") == FORMAT


def build_unet(entry: dict, device="auto") -> UNet:
    """The U-Net of one task entry, with its weights, in eval mode on ``device`` (a torch.device or a name)."""
    return rebuild(unet_network(entry)).to(resolve_device(device)).eval()


def check_entry(path, task: str, entry) -> None:
    """Raise CheckpointError unless ``entry`` has every key, valid configs and weights that fit its model."""
    keys = OLD_ENTRY_KEYS if isinstance(entry, dict) and "network" not in entry and "weights" in entry else ENTRY_KEYS
    missing = [key for key in keys if not isinstance(entry, dict) or key not in entry]
    if missing:
        raise CheckpointError(f"{path}: task {task!r} is missing {missing}; the file was truncated or "
                              "written by other code.")
    try:
        config_from_dict(FitConfig, entry["fit"], "fit config")
        if unet_network(entry)["arch"] != "unet":
            raise ValueError(f"its network is a {unet_network(entry)['arch']!r}, not a 'unet'")
        build_unet(entry, device="cpu")  # only checks that the weights fit: nothing runs
    except (ValueError, TypeError, KeyError, RuntimeError) as err:
        raise CheckpointError(f"{path}: task {task!r} does not rebuild: {err}") from err


def load_unets_file(path, obj=None) -> dict:
    """Load and validate a U-Net file; CheckpointError says what is wrong with a bad one. obj: the file's contents
    when the caller has read it already (``path`` then only names it in messages)."""
    obj = read_unet_file(path) if obj is None else obj
    obj = check_format(obj, path, FORMAT, VERSIONS, FILE_KEYS, "an editing U-Net file",
                       "GAN checkpoints are read by course_lib.gan.checkpoint.")
    if not isinstance(obj["tasks"], dict):
        raise CheckpointError(f"{path} is missing keys ['tasks']: truncated or written by other code.")
    for task, entry in obj["tasks"].items():
        try:
            check_task(task)
        except ValueError as err:
            raise CheckpointError(f"{path}: {err}") from err
        check_entry(path, task, entry)
    return obj


def load_unets(path, device="auto", finished_only: bool = True) -> dict[str, UNet]:
    """{task: U-Net in eval mode on ``device``} from a file; ``finished_only`` skips tasks an interruption cut short."""
    obj = load_unets_file(path)
    return {task: build_unet(entry, device) for task, entry in obj["tasks"].items()
            if not finished_only or is_finished(entry)}


def is_finished(entry: dict) -> bool:
    """True when the task trained for all the steps its fit config asked for."""
    return entry["step"] >= entry["fit"]["num_steps"]


def pretrained_unet_path(root=None) -> Path:
    """ROOT/unet.pt (default ROOT: ``serialization.shipped_dir()``)."""
    return Path(shipped_dir() if root is None else root) / "unet.pt"


def load_pretrained_unet(task: str, root=None, device="auto") -> UNet | None:
    """The shipped U-Net for ``task`` in eval mode on ``device``, or None when ROOT/unet.pt does not exist.

    A file that exists but is damaged, or lacks a finished model for ``task``, raises CheckpointError.
    """
    check_task(task)
    try:
        path = pretrained_unet_path(root)
    except FileNotFoundError:
        return None  # no shipped folder at all: the lesson trains its own
    if not path.is_file():
        return None
    models = load_unets(path, device)
    if task not in models:
        raise CheckpointError(f"{path} has no finished model for {task!r} (it has: "
                              f"{', '.join(models) or 'none'}); retrain it with `train unet --task all`.")
    return models[task]


def shipped_unet_or(task: str, train_fn, root=None, device="auto") -> tuple[UNet, str]:
    """(U-Net in eval mode, where it came from): the shipped model for ``task`` when there is one, else
    ``train_fn()`` (a U-Net the lesson trains). The text says which, so a lesson never passes one off as the other."""
    def shipped(folder):
        return load_pretrained_unet(task, folder, device)

    unet, source = shipped_or("unet.pt", shipped, train_fn, root)
    return unet.eval(), source


# lesson 05's comparison of losses: name -> (file in the shipped folder, whether a PatchGAN trained it)
PAIR_FILES = {"L1": ("unet_inpaint_l1.pt", False), "L1 + PatchGAN": ("unet_inpaint_patchgan.pt", True)}


def load_pretrained_pair(root=None, device="auto") -> dict[str, UNet] | None:
    """{"L1": U-Net, "L1 + PatchGAN": U-Net}, the shipped inpainting U-Nets of ``PAIR_FILES`` in eval mode, or
    None when either file is absent. A file whose loss is not the one its name says raises CheckpointError."""
    try:
        folder = Path(shipped_dir() if root is None else root)
    except FileNotFoundError:
        return None
    paths = {name: folder / file for name, (file, _) in PAIR_FILES.items()}
    if not all(path.is_file() for path in paths.values()):
        return None
    pair = {}
    for name, path in paths.items():
        obj = load_unets_file(path)
        entry = obj["tasks"].get("inpaint")
        if bool(obj["run"].get("adversarial")) != PAIR_FILES[name][1] or entry is None or not is_finished(entry):
            raise CheckpointError(f"{path} is not the finished {name} inpainting U-Net its name says; remake it "
                                  "with the command in docs/models.md.")
        pair[name] = build_unet(entry, device)
    return pair


def shipped_pair_or(train_fn, root=None, device="auto") -> tuple[dict[str, UNet], str]:
    """(the two U-Nets of ``load_pretrained_pair`` in eval mode, where they came from), or ``train_fn()``'s
    {name: U-Net} when they are not shipped, so the lesson says which."""
    files = tuple(file for file, _ in PAIR_FILES.values())
    pair, source = shipped_or(files, lambda folder: load_pretrained_pair(folder, device), train_fn, root)
    return {name: unet.eval() for name, unet in pair.items()}, source
