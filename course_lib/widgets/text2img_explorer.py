"""An ipywidgets panel for a description-to-image model: type a description in English or 中文, see 8 products.

Under the pictures: what the prompt names (the course lexicon's reading), the notes of the prompt check
(unknown words, words cut off, contradictions, mixed languages) and, under each image, the attribute tagger's
verdict, marked ✓ where it agrees with the prompt. A prompt the model cannot use (empty, or only unknown
words) keeps the last pictures and says why. Headless (nbval, tests): call ``update()`` once.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
from matplotlib.figure import Figure

from ..plots import png_of
from ..text2img.attributes import VALUES
from ..text2img.captions import CATEGORY_EN
from ..text2img.prompts import PromptError
from ..text2img.tagger import predict


def verdict(found: dict, i: int, parsed: dict) -> str:
    """'dress ✓ red ✓ dark' for image i: the tagger's values, ✓ where the prompt names the same one."""
    words = []
    for name in ("category", *VALUES):
        value = int(found[name][i])
        word = CATEGORY_EN[value][0] if name == "category" else VALUES[name][value]
        words.append(word + (" ✓" if parsed.get(name) == value else ""))
    return "\n".join(words)


class TextToImageExplorer(widgets.VBox):
    """The panel. ``images`` (n, 3, 28, 28) in [-1, 1] and ``check`` hold the last draw."""

    def __init__(self, model, prompt: str = "红色宽松连衣裙", n: int = 8, seed: int = 0):
        if getattr(model, "generator", None) is None or getattr(model, "tokenizer", None) is None:
            raise ValueError("the explorer needs a finished text2img model (course_lib.text2img.model.load).")
        self.model, self.n = model, n
        self.images = self.check = None
        self.prompt = widgets.Text(value=prompt, placeholder="a light blue ankle boot, 红色连衣裙, ...",
                                   description="describe", continuous_update=False,
                                   layout=widgets.Layout(width="420px"))
        self.seed = widgets.IntSlider(value=seed, min=0, max=999, description="seed", continuous_update=False)
        self.answer = widgets.HTML()
        self.picture = widgets.Image(format="png")
        for control in (self.prompt, self.seed):
            control.observe(self.update, names="value")
        super().__init__([widgets.HBox([self.prompt, self.seed]), self.answer, self.picture])

    def update(self, change=None) -> None:
        """Check the prompt, draw n images, tag them, redraw the picture (or say why not)."""
        try:
            images, check = self.model.generate(self.prompt.value, n=self.n, seed=self.seed.value)
        except PromptError as error:
            self.answer.value = f"<b>cannot draw this prompt:</b> {html.escape(str(error))}"
            return
        self.images, self.check = images, check
        names = [f"{name} {CATEGORY_EN[v][0] if name == 'category' else VALUES[name][v]}"
                 for name, v in check.parsed.items()]
        lines = [f"<b>the prompt names:</b> {html.escape(', '.join(names) or 'nothing the lexicon knows')}"]
        lines += [f"<b>note:</b> {html.escape(note)}" for note in check.notes]
        self.answer.value = "<br>".join(lines)
        found = predict(self.model.tagger, images) if self.model.tagger is not None else None
        fig = Figure(figsize=(1.1 * self.n, 2.2))  # not pyplot: no figure left open per change
        # axes boxes about as tall as the square images are wide (no band above them), 5 label lines below
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.32, top=0.8, wspace=0.1)
        for i in range(self.n):
            ax = fig.add_subplot(1, self.n, i + 1)
            ax.imshow(((images[i] + 1) / 2).clamp(0, 1).permute(1, 2, 0).numpy())
            ax.set_xticks([]), ax.set_yticks([])
            if found is not None:
                ax.set_xlabel(verdict(found, i, check.parsed), fontsize=7)
        fig.suptitle("the tagger's verdict under each image (✓ = as the prompt says)", fontsize=8, y=0.86)
        self.picture.value = png_of(fig, tight=True)


def text_to_image_explorer(model, prompt: str = "红色宽松连衣裙", n: int = 8, seed: int = 0) -> TextToImageExplorer:
    """Build the panel and draw once."""
    panel = TextToImageExplorer(model, prompt, n, seed)
    panel.update()
    return panel
