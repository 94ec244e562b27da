"""An ipywidgets panel: degrade one product photo, restore it with the U-Net and a classical method, compare.

Controls: task, strength (denoise, deblur, enhance), the photo, the classical method, and for inpainting
the hole's position and size (the hole is where you put it, not random). Panels: degraded, U-Net,
classical, clean, and where the U-Net differs from the clean photo; PSNR / SSIM under each.
Headless (nbval, tests) call ``update()`` once; the picture is a PNG in an ``ipywidgets.Image``.
"""

from __future__ import annotations

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from ..categories import CLASS_NAMES
from ..data import to_float
from ..editing.baselines import BASELINES, baseline
from ..editing.degrade import HOLE_FILL, check_task, degrade, rectangle_mask
from ..editing.restoring import restore
from ..editing.scores import restoration_scores
from ..plots import png_of


class RestoreExplorer(widgets.VBox):
    """The panel; ``result`` holds the last images, each (1, 1, 28, 28) in [-1, 1], and their scores."""

    def __init__(self, models: dict, images: torch.Tensor, labels: torch.Tensor | None = None, seed: int = 0):
        if not models:
            raise ValueError("models must map at least one task to a U-Net, e.g. {'denoise': unet}.")
        for task in models:
            check_task(task)
        if images.dtype != torch.uint8 or images.dim() != 3 or images.shape[0] == 0:
            raise ValueError(f"images must be uint8 (N, 28, 28) as loaded by course_lib.data, "
                             f"got {images.dtype} {tuple(images.shape)}.")
        self.models, self.images, self.labels, self.seed = dict(models), images, labels, seed
        self.result = None
        size = images.shape[1]
        self.task = widgets.Dropdown(options=list(self.models), description="task")
        self.method = widgets.Dropdown(options=BASELINES[self.task.value], description="classical")
        self.strength = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="strength",
                                            continuous_update=False)
        self.index = widgets.IntSlider(value=0, min=0, max=images.shape[0] - 1, description="photo",
                                       continuous_update=False)
        self.hole_size = widgets.IntSlider(value=8, min=1, max=size // 2, description="hole size",
                                           continuous_update=False)
        self.hole_top = widgets.IntSlider(value=size // 2 - 4, min=0, max=size - 1, description="hole top",
                                          continuous_update=False)
        self.hole_left = widgets.IntSlider(value=size // 2 - 4, min=0, max=size - 1, description="hole left",
                                           continuous_update=False)
        self.picture = widgets.Image(format="png")
        self.task.observe(self.on_task, names="value")
        self.method.observe(self.update, names="value")
        for control in (self.strength, self.index, self.hole_size, self.hole_top, self.hole_left):
            control.observe(self.update, names="value")
        self.on_task()
        super().__init__([widgets.HBox([self.task, self.method, self.index]),
                          widgets.HBox([self.strength, self.hole_size, self.hole_top, self.hole_left]), self.picture])

    def on_task(self, change=None) -> None:
        """Offer the task's classical methods and the controls it uses, then redraw (if drawn before)."""
        inpaint = self.task.value == "inpaint"
        self.strength.disabled = inpaint
        for slider in (self.hole_size, self.hole_top, self.hole_left):
            slider.disabled = not inpaint
        self.method.unobserve(self.update, names="value")  # one redraw below, not one per option change
        self.method.options = BASELINES[self.task.value]
        self.method.value = BASELINES[self.task.value][0]
        self.method.observe(self.update, names="value")
        if change is not None:
            self.update()

    def degraded(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """(clean, degraded, mask or None) for the current controls; images (1, 1, H, W) in [-1, 1]."""
        clean = to_float(self.images[self.index.value: self.index.value + 1], self.images.shape[1])
        if self.task.value != "inpaint":
            degraded, _ = degrade(clean, self.task.value, self.strength.value, seed=self.seed)
            return clean, degraded, None
        _, _, h, w = clean.shape
        side = self.hole_size.value
        top, left = min(self.hole_top.value, h - side), min(self.hole_left.value, w - side)
        mask = rectangle_mask(1, h, w, top, left, side, side)  # (1, 1, H, W), 1 = missing
        return clean, clean * (1 - mask) + HOLE_FILL * mask, mask

    def update(self, change=None) -> None:
        """Degrade, restore both ways, score and redraw."""
        task = self.task.value
        clean, degraded, mask = self.degraded()
        images = {"degraded": degraded, "U-Net": restore(self.models[task], degraded, mask),
                  f"classical ({self.method.value})": baseline(task, degraded, mask, method=self.method.value),
                  "clean": clean}
        scores = {name: {k: v.item() for k, v in restoration_scores(x, clean).items()} for name, x in images.items()}
        self.result = {"images": images, "scores": scores, "mask": mask}
        fig = Figure(figsize=(11, 2.9))  # not pyplot: no figure left open per slider move
        axes = fig.subplots(1, 5)
        for ax, (name, x) in zip(axes, images.items()):
            ax.imshow(x[0, 0].add(1).div(2).clamp(0, 1).numpy(), cmap="gray", vmin=0, vmax=1)
            s = scores[name]
            ax.set_title(name if name == "clean" else f"{name}\n{s['psnr']:.1f} dB, SSIM {s['ssim']:.2f}", fontsize=9)
        error = (images["U-Net"] - clean).abs()[0, 0] / 2  # on the [0, 1] scale
        axes[4].imshow(error.numpy(), cmap="magma", vmin=0, vmax=0.5)
        axes[4].set_title(f"|U-Net - clean| (max {error.max():.2f})", fontsize=9)
        for ax in axes:
            ax.set_axis_off()
        label = "" if self.labels is None else f": {CLASS_NAMES[int(self.labels[self.index.value])]}"
        fig.suptitle(f"{task}, photo {self.index.value}{label}", fontsize=10)
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.78, wspace=0.08)  # cheaper than tight_layout
        self.picture.value = png_of(fig, dpi=90)


def restore_explorer(models: dict, images: torch.Tensor, labels: torch.Tensor | None = None,
                     seed: int = 0) -> RestoreExplorer:
    """Build the panel for ``models`` ({task: U-Net}) and uint8 photos (N, 28, 28); display it, then call
    ``.update()`` once. labels: (N,) class indices for the titles; seed: of the noise."""
    return RestoreExplorer(models, images, labels, seed)
