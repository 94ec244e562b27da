"""An ipywidgets panel for a conditional generator: pick a category (English · 中文) or type a description,
move the seed and a few latent coordinates, see the products.

The description box uses ``course_lib.categories.match_description``: plain keyword matching, and the panel
says so next to every answer. The generator is any object with ``latent_dim`` and ``num_classes`` called
as ``generator(z, labels)`` (the one a lesson trained, or a pretrained one). Headless (nbval, tests): call
``update()`` once; the picture is a PNG in an ``ipywidgets.Image``.
"""

from __future__ import annotations

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from ..categories import CLASS_NAMES, CLASS_NAMES_ZH, NUM_CLASSES, match_description
from ..gan.sampling import latent_noise, sample
from ..plots import png_of, show_images


class CategoryExplorer(widgets.VBox):
    """The panel. ``z`` (n, latent_dim) and ``images`` (n, C, S, S) in [-1, 1] hold the last draw."""

    def __init__(self, generator, n: int = 8, seed: int = 0, num_latent_sliders: int = 3, category: int = 0,
                 description: str = ""):
        num_classes = getattr(generator, "num_classes", None)
        if not num_classes or not getattr(generator, "latent_dim", None):
            raise ValueError("the explorer needs a conditional generator (with latent_dim and num_classes), "
                             f"got {type(generator).__name__}; train or load a cgan.")
        if num_classes != NUM_CLASSES:
            raise ValueError(f"the generator knows {num_classes} categories, the catalog {NUM_CLASSES}.")
        if not 0 <= num_latent_sliders <= generator.latent_dim:
            raise ValueError(f"num_latent_sliders must be in [0, {generator.latent_dim}], got {num_latent_sliders}.")
        self.generator, self.n = generator, n
        self.z = self.images = None
        options = [(f"{k} {en} · {zh}", k) for k, (en, zh) in enumerate(zip(CLASS_NAMES, CLASS_NAMES_ZH))]
        self.category = widgets.Dropdown(options=options, value=category, description="category")
        self.seed = widgets.IntSlider(value=seed, min=0, max=999, description="seed", continuous_update=False)
        self.latents = [widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.1, description=f"z[{i}] +",
                                            continuous_update=False) for i in range(num_latent_sliders)]
        self.description = widgets.Text(value=description, placeholder="ankle boot, 红色连衣裙, ...",
                                        description="describe", continuous_update=False)
        self.answer = widgets.HTML()
        self.picture = widgets.Image(format="png")
        self.description.observe(self.on_description, names="value")
        for control in (self.category, self.seed, *self.latents):
            control.observe(self.update, names="value")
        super().__init__([widgets.HBox([self.description, self.answer]),
                          widgets.HBox([self.category, self.seed]), widgets.HBox(self.latents), self.picture])
        if description:
            self.apply_description(description)

    def apply_description(self, text: str) -> None:
        """Match ``text`` to a category by keywords and select it; say what matched (or that nothing did)."""
        match = match_description(text)
        if match is None:
            self.answer.value = (f"keyword matching found no category word in {text!r}; "
                                 "try e.g. dress, sneaker, 外套. The category stays as it is.")
            return
        self.answer.value = match.explain()
        self.category.value = match.label  # redraws through the observer when it changes

    def on_description(self, change) -> None:
        self.apply_description(change["new"])
        self.update()

    def latent(self) -> torch.Tensor:
        """z (n, latent_dim): the seed's noise with the slider offsets added to the first coordinates."""
        z = latent_noise(self.n, self.generator.latent_dim, self.seed.value)
        for i, slider in enumerate(self.latents):
            z[:, i] += slider.value
        return z

    def update(self, change=None) -> None:
        """Draw n products of the chosen category and redraw the picture."""
        self.z = self.latent()
        labels = torch.full((self.n,), self.category.value, dtype=torch.long)
        self.images = sample(self.generator, self.n, z=self.z, labels=labels)
        k = self.category.value
        fig = Figure(figsize=(0.9 * self.n, 1.3))  # not pyplot: no figure left open per slider move
        show_images(self.images, nrow=self.n, title=f"{k} {CLASS_NAMES[k]}, seed {self.seed.value}",
                    ax=fig.subplots())
        self.picture.value = png_of(fig, dpi=100, tight=True)


def category_explorer(generator, n: int = 8, seed: int = 0, num_latent_sliders: int = 3, category: int = 0,
                      description: str = "") -> CategoryExplorer:
    """Build the panel for a conditional generator; display it, then ``.update()`` to draw once.

    description: a starting text for the description box (matched by keywords at once).
    """
    return CategoryExplorer(generator, n=n, seed=seed, num_latent_sliders=num_latent_sliders,
                            category=category, description=description)
