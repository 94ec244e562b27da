"""Sample grids captured during training on one fixed z, and a slider to scroll through them.

``SnapshotRecorder`` is a trainer callback (``trainer.add_callback('on_log', recorder)``): every
``every`` steps it draws the same z through the EMA generator (or the live one) and keeps the grid, so
the frames differ only by what training changed. ``snapshot_slider(recorder)`` shows them.
"""

from __future__ import annotations

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from ..gan.sampling import latent_noise, sample
from ..plots import png_of, show_images


class SnapshotRecorder:
    """Callback keeping ``frames``: a list of (step, epoch, images (n, C, S, S) in [-1, 1] on the CPU)."""

    def __init__(self, n: int = 32, seed: int = 0, every: int = 100, use_ema: bool = True):
        if n < 1 or every < 1:
            raise ValueError(f"n and every must be at least 1, got n={n}, every={every}.")
        self.n, self.seed, self.every, self.use_ema = n, seed, every, use_ema
        self.frames: list[tuple[int, float, torch.Tensor]] = []

    def capture(self, trainer) -> None:
        """Record a frame now, whatever the step (one frame per step: a second call at the same step adds none)."""
        if self.frames and self.frames[-1][0] == trainer.step:
            return
        generator = trainer.ema.module if self.use_ema else trainer.generator
        z = latent_noise(self.n, generator.latent_dim, self.seed)
        self.frames.append((trainer.step, trainer.epoch, sample(generator, self.n, z=z)))

    def __call__(self, trainer) -> None:
        last = self.frames[-1][0] if self.frames else None
        if trainer.step != last and (last is None or trainer.step - last >= self.every):
            self.capture(trainer)


class SnapshotSlider(widgets.VBox):
    """A slider over the recorder's frames and the picture of the selected one."""

    def __init__(self, recorder: SnapshotRecorder, nrow: int = 8):
        if not recorder.frames:
            raise ValueError("the recorder holds no frames yet: add it as a callback and train first "
                             "(or call recorder.capture(trainer)).")
        self.recorder, self.nrow = recorder, nrow
        self.frame = widgets.IntSlider(value=len(recorder.frames) - 1, min=0, max=len(recorder.frames) - 1,
                                       description="snapshot", continuous_update=False)
        self.picture = widgets.Image(format="png")
        self.frame.observe(self.update, names="value")
        super().__init__([self.frame, self.picture])

    def update(self, change=None) -> None:
        step, epoch, images = self.recorder.frames[self.frame.value]
        rows = (images.shape[0] + self.nrow - 1) // self.nrow
        fig = Figure(figsize=(0.9 * self.nrow, 0.9 * rows + 0.4))
        show_images(images, nrow=self.nrow, title=f"step {step} (epoch {epoch:.2f})", ax=fig.subplots())
        self.picture.value = png_of(fig, dpi=90, tight=True)


def snapshot_slider(recorder: SnapshotRecorder, nrow: int = 8) -> SnapshotSlider:
    """The slider panel over ``recorder.frames``; display it, then call ``.update()``."""
    return SnapshotSlider(recorder, nrow=nrow)
