"""An ipywidgets panel: pick a product class, move augmentation strengths, see before/after grids.

The after grid is ``DiffAugment(ClassicAugment(before))`` with the strengths on the sliders; every
slider at 0 gives the identity, so the two grids match. Headless (nbval, tests) call ``update()`` once;
the picture is a PNG in an ``ipywidgets.Image``.
"""

from __future__ import annotations

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from ..categories import CLASS_NAMES, CLASS_NAMES_ZH, NUM_CLASSES
from ..data import to_float
from ..data.augment import ClassicAugment, ClassicConfig, DiffAugment
from ..plots import png_of, show_images

# (name, label, max, step): slider ranges match the validated ranges of ClassicConfig / DiffAugment
CLASSIC_SLIDERS = (("flip", "flip prob.", 1.0, 0.05), ("rotate", "rotate (deg)", 45.0, 1.0),
                   ("translate", "shift (frac.)", 0.3, 0.01), ("scale", "zoom (frac.)", 0.5, 0.01),
                   ("crop", "crop (area)", 0.6, 0.01), ("erase", "erase prob.", 1.0, 0.05))
DIFF_SLIDERS = (("color", "Diff color", 1.0, 0.05), ("translation", "Diff shift", 1.0, 0.05),
                ("cutout", "Diff cutout", 1.0, 0.05))


class AugmentationExplorer(widgets.VBox):
    """The panel; ``before`` and ``after`` hold the last drawn batches, (per_class, 1, 28, 28) in [-1, 1]."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, per_class: int = 8, seed: int = 0,
                 initial: dict | None = None):
        if images.dtype != torch.uint8 or images.dim() != 3:
            raise ValueError(f"images must be uint8 (N, 28, 28) as loaded by course_lib.data, "
                             f"got {images.dtype} {tuple(images.shape)}.")
        if labels.shape != images.shape[:1]:
            raise ValueError(f"need one label per image: {tuple(labels.shape)} labels, {images.shape[0]} images.")
        self.images, self.labels, self.per_class = images, labels, per_class
        self.before = self.after = None
        options = [(f"{k} {en} · {zh}", k) for k, (en, zh) in enumerate(zip(CLASS_NAMES, CLASS_NAMES_ZH))]
        self.product = widgets.Dropdown(options=options, value=7, description="product")
        self.seed = widgets.IntSlider(value=seed, min=0, max=99, description="seed")
        style, layout = {"description_width": "110px"}, widgets.Layout(width="330px")
        self.sliders = {name: widgets.FloatSlider(value=0.0, min=0.0, max=high, step=step, description=label,
                                                  style=style, layout=layout, continuous_update=False)
                        for name, label, high, step in CLASSIC_SLIDERS + DIFF_SLIDERS}
        unknown = set(initial or {}) - set(self.sliders)
        if unknown:
            raise ValueError(f"initial strengths for unknown sliders {sorted(unknown)}; "
                             f"choose from {', '.join(self.sliders)}.")
        for name, value in (initial or {}).items():
            slider = self.sliders[name]
            if not slider.min <= value <= slider.max:  # a slider would silently clip it
                raise ValueError(f"initial {name}={value} is outside the slider range [0, {slider.max:g}].")
            slider.value = value  # before the observers exist: no redraw yet
        self.picture = widgets.Image(format="png")  # a PNG we render: works live, headless and in tests
        for control in (self.product, self.seed, *self.sliders.values()):
            control.observe(self.update, names="value")
        columns = widgets.HBox([
            widgets.VBox([widgets.HTML("<b>torchvision v2 (per image)</b>")]
                         + [self.sliders[name] for name, *_ in CLASSIC_SLIDERS]),
            widgets.VBox([widgets.HTML("<b>DiffAugment</b>")] + [self.sliders[name] for name, *_ in DIFF_SLIDERS])])
        super().__init__([widgets.HBox([self.product, self.seed]), columns, self.picture])

    def augmented(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(before, after) for the current controls, each (per_class, 1, 28, 28) in [-1, 1]."""
        index = torch.nonzero(self.labels == self.product.value).flatten()[: self.per_class]
        if index.numel() == 0:
            raise ValueError(f"no image of class {self.product.value} among the {len(self.labels)} given.")
        before = to_float(self.images[index], 28)
        values = {name: slider.value for name, slider in self.sliders.items()}
        classic = ClassicAugment(ClassicConfig(**{name: values[name] for name, *_ in CLASSIC_SLIDERS}),
                                 seed=self.seed.value)
        diff = DiffAugment(",".join(name for name, *_ in DIFF_SLIDERS),
                           strength={name: values[name] for name, *_ in DIFF_SLIDERS}, seed=self.seed.value)
        return before, diff(classic(before))

    def update(self, change=None) -> None:
        """Recompute the after batch and redraw both grids."""
        self.before, self.after = self.augmented()
        fig = Figure(figsize=(0.9 * self.per_class, 2.3))  # not pyplot: no figure left open per slider move
        axes = fig.subplots(2, 1)
        show_images(self.before, nrow=self.per_class, title="before", ax=axes[0])
        show_images(self.after, nrow=self.per_class, title="after", ax=axes[1])
        self.picture.value = png_of(fig, dpi=100, tight=True)


def augmentation_explorer(images: torch.Tensor, labels: torch.Tensor, per_class: int = 8, seed: int = 0,
                          initial: dict | None = None) -> AugmentationExplorer:
    """Build the panel for uint8 images (N, 28, 28) and labels (N,) in [0, 9]; display it, then ``.update()``.

    initial: starting slider values by name, e.g. ``{"rotate": 15, "cutout": 0.5}`` (all 0 by default).
    """
    if labels.numel() and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
        raise ValueError(f"labels must be in [0, {NUM_CLASSES - 1}], got [{labels.min()}, {labels.max()}].")
    return AugmentationExplorer(images, labels, per_class=per_class, seed=seed, initial=initial)
