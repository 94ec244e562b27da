"""``train --augment POLICY``, ``--eval-every N`` and ``--tensorboard DIR`` for the GAN kinds: the flags, their
checks, and the callbacks they hang on the trainer (``commands.train_gan`` calls ``check_flags`` and ``attach``).

- ``--augment``: a DiffAugment policy, part of the train config (``TrainConfig.augment``), so ``--resume`` with
  another one is refused by the checkpoint's config check.
- ``--eval-every N``: every N generator steps, the course FID of the EMA generator (``finetune``'s scorer:
  ``gan.scoring.validation_fid``, the course classifier's features, in the one scoring callback, ``ScoreEvery``,
  without a patience) against real images it was not trained on: the catalog's test split (without an
  ``--exclude-category``).
  A photo folder (``--data``) has no held-out split: its reference is a seeded slice of its own training photos,
  and only 32-px grey folders can be scored, the input the course classifier knows (as ``evaluate`` decides);
  other folders are refused, and ``evaluate`` scores them in Inception features after training. 200 samples
  (and at most 200 real images) in fast mode, 1000 otherwise. Each value is printed, goes into the history as
  the sparse column ``fid`` (history.json, the checkpoint), and each new best rewrites ``OUT/best.pt``, a slim
  generator file with its step and FID in ``extra``. The scorer's state is the checkpoint's
  ``extra['fid_evaluation']``: ``--resume`` continues it exactly (with its N unless another is given).
- ``--tensorboard DIR``: ``gan.tensorboard.TensorBoardLogger`` on ``on_log``, plus its sample grid whenever the
  run saves (every epoch, at the end, on Ctrl-C); needs the optional ``[tracking]`` extra.
"""

from __future__ import annotations

import argparse
import dataclasses

import torch
from tqdm.auto import tqdm

from ..data import load_fashion_mnist, to_float
from ..data.augment import DIFF_OPS
from ..gan.checkpoint import save_pretrained
from ..gan.scoring import ScoreEvery, validation_fid
from ..gan.tensorboard import INSTALL_HINT, TensorBoardLogger, TrackingUnavailable, summary_writer_class
from ..runtime import is_main_process
from . import UserError
from .args import count
from .evaluators import judgeable

EVAL_IMAGES = {True: 200, False: 1000}  # samples per evaluation, by fast mode (finetune's numbers)
STATE_KEY = "fid_evaluation"


def augment_policy(value: str) -> str:
    """A DiffAugment policy: comma-separated parts of ``augment.DIFF_OPS``, each once, applied in the order given;
    returned without spaces ('' = off), so a resume's policy compares equal to the checkpoint's."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [part for part in parts if part not in DIFF_OPS]
    if unknown or len(set(parts)) != len(parts):
        what = f"unknown part(s) {', '.join(map(repr, unknown))}" if unknown else "a part given twice"
        raise argparse.ArgumentTypeError(f"{what} in the DiffAugment policy {value!r}; valid parts: "
                                         f"{', '.join(DIFF_OPS)}, comma-separated, each at most once (e.g. "
                                         f"{','.join(DIFF_OPS)})")
    return ",".join(parts)


def add_arguments(p) -> None:
    """The three options, for ``train``."""
    p.add_argument("--augment", type=augment_policy, default=None, metavar="POLICY",
                   help=f"GANs: DiffAugment on real and fake, comma-separated parts of {','.join(DIFF_OPS)} "
                        "(default: the recipe's, none)")
    p.add_argument("--eval-every", type=count(), default=None, metavar="N",
                   help="GANs: every N generator steps, the course FID of the EMA generator against held-out test "
                        "images (--data: 32-px grey folders only, against their training photos), printed and kept "
                        "in history.json; OUT/best.pt keeps the best generator")
    p.add_argument("--tensorboard", default=None, metavar="DIR",
                   help=f"GANs: write losses, gradient norms, FID and sample grids for TensorBoard into DIR (needs "
                        f"{INSTALL_HINT})")


def check_flags(args) -> None:
    """Before any data is read: --tensorboard needs the tensorboard package."""
    if args.tensorboard is None:
        return
    try:
        summary_writer_class()
    except TrackingUnavailable:
        raise UserError(f"--tensorboard needs the tensorboard package, which is not installed: {INSTALL_HINT} "
                        "(the tracking extra), or `pip install tensorboard`.") from None


@dataclasses.dataclass
class Tracking:
    """The run's optional callbacks: the FID evaluation and the TensorBoard logger (None when not asked for)."""

    fid: FIDEvaluation | None = None
    logger: TensorBoardLogger | None = None

    def extra(self) -> dict:
        """What the checkpoint keeps: the FID scorer's state."""
        return {STATE_KEY: self.fid.state_dict()} if self.fid is not None else {}

    def saved(self, trainer) -> None:
        """After each save: the logger's scalars not yet written, and a sample grid."""
        if self.logger is not None:
            self.logger.write_samples(trainer)


def attach(trainer, args, out, kind: str, model_cfg, ckpt: dict | None, images: torch.Tensor, fast: bool,
           run: dict) -> Tracking:
    """Build what ``--eval-every`` and ``--tensorboard`` ask for (and a resumed evaluation) and register it on
    ``trainer``, after its state is restored. images: the training images (N, S, S[, 3]) uint8; run: what the
    checkpoint's ``extra`` says about the data (``exclude_category``, a folder's ``data``), kept in best.pt too."""
    tracking = Tracking()
    saved = (ckpt or {}).get("extra", {}).get(STATE_KEY)
    every = args.eval_every or (saved or {}).get("every")
    on_folder = args.data is not None
    if every is not None and on_folder and not judgeable(model_cfg):
        raise UserError(f"--eval-every scores with the course FID, whose features (the course classifier) know "
                        f"28x28 or 32x32 grey images only, and this model draws {model_cfg.image_size}-px photos with "
                        f"{model_cfg.channels} channel(s): drop --eval-every and score it after training with "
                        "`python -m course_lib evaluate OUT/checkpoint.pt` (Inception FID), or train with "
                        "--image-size 32 --channels 1.")
    if every is not None and is_main_process():  # only rank 0 scores and writes; the others train on
        n = saved["n"] if saved else EVAL_IMAGES[fast]
        reference, what = reference_images(images if on_folder else None, n, run.get("exclude_category"),
                                           model_cfg.image_size)
        data = {key: run[key] for key in ("exclude_category", "data") if run.get(key) is not None}
        tracking.fid = FIDEvaluation(reference, what, every, n, out / "best.pt", kind, model_cfg, data)
        if saved:
            tracking.fid.load_state_dict(saved)
        trainer.add_callback("on_step_end", tracking.fid)
    if args.tensorboard is not None:
        tracking.logger = TensorBoardLogger(args.tensorboard, start_step=trainer.step)
        trainer.add_callback("on_log", tracking.logger)
    return tracking


def reference_images(folder_images: torch.Tensor | None, n: int, excluded: int | None,
                     image_size: int) -> tuple[torch.Tensor, str]:
    """(real images (M, C, S, S) in [-1, 1], what they are): the catalog's test split (first n, without the excluded
    category), or a seeded slice of n of a folder's training photos (M = n or fewer)."""
    if folder_images is not None:
        order = torch.randperm(len(folder_images), generator=torch.Generator().manual_seed(0))[:n]
        return to_float(folder_images[order], image_size), f"{len(order)} of its training photos (no held-out split)"
    test, labels = load_fashion_mnist().split("test")
    if excluded is not None:
        test = test[labels != excluded]
    return to_float(test[:n], image_size), f"{min(n, len(test))} held-out test images"


class FIDEvaluation:
    """Callback for ``on_step_end``: every ``every`` steps, the course FID of the EMA generator (n samples, seed 0)
    against ``reference``, recorded in the history as ``fid``, printed, and ``best_path`` rewritten at a new best."""

    def __init__(self, reference: torch.Tensor, what: str, every: int, n: int, best_path, kind: str, model_cfg,
                 data: dict | None = None):
        # scores and keeps the best value; best.pt holds the best weights, so the checkpoint keeps the curve only
        self.stopper = ScoreEvery(validation_fid(reference, n=n), every, keep_weights=False)
        self.what, self.every, self.n, self.best_path = what, every, n, best_path
        self.kind, self.model_cfg, self.data = kind, model_cfg, dict(data or {})  # data: for `sample --data`

    def __call__(self, trainer) -> None:
        if trainer.step % self.every:
            return
        self.stopper(trainer)
        step, fid = self.stopper.curve[-1]
        trainer.history.record(step, "fid", fid)
        best = self.stopper.best_step == step
        if best:
            save_pretrained(self.best_path, self.kind, self.model_cfg, trainer.ema.module,
                            extra={"step": step, "fid": fid, "fid_samples": self.n, "fid_reference": self.what,
                                   "train": dataclasses.asdict(trainer.cfg), **self.data})
        tqdm.write(f"step {step}: FID {fid:.2f} (EMA generator, {self.n} samples against {self.what}); "
                   + (f"new best, saved {self.best_path}" if best else
                      f"best {self.stopper.best:.2f} at step {self.stopper.best_step}"))

    def state_dict(self) -> dict:
        """Plain values (the curve, the best, N and the sample count), for ``torch.load(weights_only=True)``."""
        return {**self.stopper.state_dict(), "every": self.every, "n": self.n}

    def load_state_dict(self, state: dict) -> None:
        self.stopper.load_state_dict(state)
