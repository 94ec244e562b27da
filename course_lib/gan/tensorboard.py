"""TensorBoard logging of a GAN run, as a trainer callback; the optional ``[tracking]`` extra (``tensorboard``).

``TensorBoardLogger(log_dir)``, called on ``on_log``, writes every per-step column the history has gained since
its last write (d_loss, g_loss, d_real, d_fake, d_acc, d_grad_norm, g_grad_norm, ...) as scalars
``train/<column>`` at their steps, and the sparse columns (the ``fid`` of ``train --eval-every``) as
``eval/<column>``. ``write_samples`` (on ``on_epoch_end`` and when the run saves) adds the EMA generator's
grid on a fixed z as the image ``samples``. Only rank 0 writes.

Importing this module imports no tensorboard; building a logger does, and without the package raises
``TrackingUnavailable``, which names the pip line.
"""

from __future__ import annotations

from ..plots import image_grid
from ..runtime import is_main_process
from .sampling import sample

INSTALL_HINT = 'pip install -e ".[tracking]"'


class TrackingUnavailable(ImportError):
    """The tensorboard package is not installed."""


def summary_writer_class():
    """``torch.utils.tensorboard.SummaryWriter``; TrackingUnavailable with the install line without tensorboard."""
    try:
        import tensorboard  # noqa: F401  (torch.utils.tensorboard needs it; checked first for a clear message)
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as err:
        raise TrackingUnavailable(f"TensorBoard logging needs the tensorboard package: {INSTALL_HINT} (or `pip "
                                  "install tensorboard`).") from err
    return SummaryWriter


class TensorBoardLogger:
    """Callback ``fn(trainer)`` for ``on_log``: the history's new rows as scalars, into ``log_dir``.

    start_step: the step the run starts from (a resumed run's): rows up to it are not written again, and events
    a crashed run wrote after it are hidden (``purge_step``). seed, n: the fixed z of the sample grid.
    """

    def __init__(self, log_dir, start_step: int = 0, seed: int = 0, n: int = 64):
        writer_class = summary_writer_class()
        purge = {"purge_step": start_step + 1} if start_step else {}
        self.writer = writer_class(str(log_dir), **purge) if is_main_process() else None
        self.last_step, self.last_image_step, self.seed, self.n = start_step, None, seed, n

    def __call__(self, trainer) -> None:
        if self.writer is None:
            return
        history = trainer.history
        new = [i for i, step in enumerate(history.steps) if step > self.last_step]  # flushed by the trainer
        for key in history.keys():
            column = history[key]
            for i in new:
                self.writer.add_scalar(f"train/{key}", column[i], history.steps[i])
        for key, points in history.sparse.items():
            for step, value in sorted(points.items()):
                if self.last_step < step <= trainer.step:
                    self.writer.add_scalar(f"eval/{key}", value, step)
        self.last_step = max([self.last_step, *(history.steps[i] for i in new)])
        self.writer.flush()

    def write_samples(self, trainer) -> None:
        """The scalars not yet written, and the EMA generator's grid (n images, fixed z) at this step, once."""
        if self.writer is None:
            return
        trainer.flush()
        self(trainer)
        if self.last_image_step != trainer.step:
            generator = trainer.ema.module
            images = sample(generator, self.n, seed=self.seed)  # (n, C, S, S) in [-1, 1]
            nrow = getattr(generator, "num_classes", None) or 8
            self.writer.add_image("samples", image_grid(images, nrow=nrow), trainer.step)  # (3, H, W) in [0, 1]
            self.last_image_step = trainer.step
        self.writer.flush()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
