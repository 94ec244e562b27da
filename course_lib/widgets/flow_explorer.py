"""An ipywidgets panel for lesson 10: one description, drawn by the flow model and by the GAN side by side.

A prompt (English or 中文), a slider of sampling steps (1–64) and one of the guidance scale (0–6, 1 = none) for
the flow model; the GAN draws the same prompt in its one forward pass, from the same seed. Under the pictures:
how long each took here, in milliseconds per image, and the network calls per flow image. A prompt the models
cannot use keeps the last pictures and says why. Headless (nbval, tests): call ``update()`` once.
"""

from __future__ import annotations

import html
import time

import ipywidgets as widgets
from matplotlib.figure import Figure

from ..plots import png_of
from ..text2img.flow import velocity_calls
from ..text2img.prompts import PromptError


def timed_draw(model, prompt: str, n: int, seed: int):
    """(images (n, 3, 28, 28), milliseconds per image) of one draw."""
    start = time.perf_counter()
    images, _ = model.generate(prompt, n=n, seed=seed)
    return images, 1000 * (time.perf_counter() - start) / n


class FlowExplorer(widgets.VBox):
    """The panel; ``flow_images``, ``gan_images`` and ``ms`` ({"flow", "gan"}) hold the last draw."""

    def __init__(self, flow, gan, prompt: str = "a red dress", n: int = 8, seed: int = 0):
        if getattr(flow, "kind", None) != "flow" or getattr(gan, "generator", None) is None:
            raise ValueError("the explorer needs a flow model (`train flow`) and a text2img GAN, both loaded with "
                             "course_lib.text2img.model.load.")
        self.flow, self.gan, self.n = flow, gan, n
        self.flow_images = self.gan_images = None
        self.ms = {}
        self.prompt = widgets.Text(value=prompt, description="describe", continuous_update=False,
                                   layout=widgets.Layout(width="380px"))
        self.steps = widgets.IntSlider(value=flow.generator.steps, min=1, max=64, description="flow steps",
                                       continuous_update=False)
        self.guidance = widgets.FloatSlider(value=flow.generator.guidance, min=0.0, max=6.0, step=0.5,
                                            description="guidance", continuous_update=False)
        self.seed = widgets.IntSlider(value=seed, min=0, max=999, description="seed", continuous_update=False)
        self.answer = widgets.HTML()
        self.picture = widgets.Image(format="png")
        for control in (self.prompt, self.steps, self.guidance, self.seed):
            control.observe(self.update, names="value")
        super().__init__([widgets.HBox([self.prompt, self.seed]), widgets.HBox([self.steps, self.guidance]),
                          self.answer, self.picture])

    def update(self, change=None) -> None:
        """Draw the prompt with both models, time them, redraw the picture (or say why not)."""
        self.flow.generator.configure(steps=self.steps.value, guidance=self.guidance.value)
        try:
            flow_images, flow_ms = timed_draw(self.flow, self.prompt.value, self.n, self.seed.value)
            gan_images, gan_ms = timed_draw(self.gan, self.prompt.value, self.n, self.seed.value)
        except PromptError as error:
            self.answer.value = f"<b>cannot draw this prompt:</b> {html.escape(str(error))}"
            return
        self.flow_images, self.gan_images, self.ms = flow_images, gan_images, {"flow": flow_ms, "gan": gan_ms}
        calls = velocity_calls(self.steps.value, self.guidance.value, self.flow.generator.method)
        self.answer.value = (f"flow: {self.steps.value} Euler steps at guidance {self.guidance.value:g} = {calls} "
                             f"network calls per image, {flow_ms:.1f} ms per image here; GAN: one forward pass, "
                             f"{gan_ms:.2f} ms per image ({flow_ms / max(gan_ms, 1e-6):.0f}× faster)")
        fig = Figure(figsize=(1.0 * self.n, 2.3))  # not pyplot: no figure left open per change
        fig.subplots_adjust(left=0.07, right=0.99, bottom=0.02, top=0.9, wspace=0.05, hspace=0.08)
        for row, (name, images) in enumerate((("flow", flow_images), ("GAN", gan_images))):
            for i in range(self.n):
                ax = fig.add_subplot(2, self.n, row * self.n + i + 1)
                ax.imshow(((images[i] + 1) / 2).clamp(0, 1).permute(1, 2, 0).numpy())
                ax.set_xticks([]), ax.set_yticks([])
                if i == 0:
                    ax.set_ylabel(name, fontsize=8)
        fig.suptitle(f"{self.prompt.value!r}: flow model (top) and GAN (bottom), seed {self.seed.value}", fontsize=8)
        self.picture.value = png_of(fig, tight=True)


def flow_explorer(flow, gan, prompt: str = "a red dress", n: int = 8, seed: int = 0) -> FlowExplorer:
    """Build the panel and draw once."""
    panel = FlowExplorer(flow, gan, prompt, n, seed)
    panel.update()
    return panel
