"""An ipywidgets panel for lesson 09: type a description, see the ranked candidates with their checks, change one
word, see the listing card.

Top: the description (English or 中文), the seed, and the edit: an attribute and its new value ("none" keeps the
chosen candidate). Middle: the K candidates best first, each with its score and ✓/✗ per check. Bottom: the card
of the best candidate that passes every check, or of its re-description, with what the edit moved. A request
the listing refuses (empty, unknown words only, no product, contradictory) keeps the last pictures and says why.
Headless (nbval, tests): call ``update()`` once.
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
from matplotlib.figure import Figure

from ..listing.card import listing_card
from ..listing.pipeline import choose, draw, edit
from ..listing.request import ATTRIBUTES, RequestError, read_request, value_word
from ..plots import png_of
from ..text2img.attributes import VALUES

MARK = {True: "✓", False: "✗"}


def values_of(attribute: str) -> list[str]:
    """The English words of ``attribute``'s values."""
    size = 10 if attribute == "category" else len(VALUES[attribute])
    return [value_word(attribute, v) for v in range(size)]


class ListingExplorer(widgets.VBox):
    """The panel; ``candidates`` and ``edited`` hold the last draw."""

    def __init__(self, model, prompt: str = "红色宽松连衣裙", k: int = 8, seed: int = 0):
        if getattr(model, "generator", None) is None or getattr(model, "tagger", None) is None:
            raise ValueError("the listing explorer needs a finished text2img model with its tagger "
                             "(course_lib.text2img.model.load).")
        self.model, self.k = model, k
        self.candidates, self.edited = [], None
        self.prompt = widgets.Text(value=prompt, description="describe", continuous_update=False,
                                   placeholder="a dark wide coat, 红色宽松连衣裙, ...",
                                   layout=widgets.Layout(width="360px"))
        self.seed = widgets.IntSlider(value=seed, min=0, max=99, description="seed", continuous_update=False)
        self.attribute = widgets.Dropdown(options=["none", *ATTRIBUTES], value="none", description="change")
        self.value = widgets.Dropdown(options=values_of("colour"), value="blue", description="to")
        self.report = widgets.HTML()
        self.picture = widgets.Image(format="png")
        self.card = widgets.Image(format="png")
        self.attribute.observe(self.new_attribute, names="value")
        for control in (self.prompt, self.seed, self.value):
            control.observe(self.update, names="value")
        super().__init__([widgets.HBox([self.prompt, self.seed]), widgets.HBox([self.attribute, self.value]),
                          self.picture, widgets.HBox([self.card, self.report])])

    def new_attribute(self, change=None) -> None:
        """The value list of the chosen attribute, then a redraw."""
        if self.attribute.value != "none":
            options = values_of(self.attribute.value)
            self.value.unobserve(self.update, names="value")  # one redraw for the new list, not two
            self.value.options = options
            self.value.value = options[1]
            self.value.observe(self.update, names="value")
        self.update()

    def update(self, change=None) -> None:
        """Draw, rank and check the candidates; make the card of the chosen one, or of its edit."""
        try:
            request = read_request(self.model, self.prompt.value)
        except RequestError as error:
            self.report.value = f"<b>no listing for this request:</b> {html.escape(str(error))}"
            return
        self.candidates = draw(self.model, request, self.k, self.seed.value)
        self.picture.value = self.candidates_png(request.language)
        chosen = choose(self.candidates)
        lines = [f"<b>{html.escape(request.text)}</b>: {len(self.candidates)} candidates, seed {self.seed.value}"]
        if chosen is None:
            self.report.value = "<br>".join(lines + ["no candidate passes every check: nothing to list (try a seed)"])
            return
        final, self.edited = chosen, None
        if self.attribute.value != "none":
            target = values_of(self.attribute.value).index(self.value.value)
            self.edited = edit(self.model, request, chosen, self.attribute.value, target, self.k, self.seed.value)
            final = self.edited.candidate
            moved = ", ".join(f"{name} {value_word(name, a)} → {value_word(name, b)}"
                              for name, (a, b) in self.edited.changed.items()) or "nothing"
            lines.append(f"edit {html.escape(self.edited.change)}: «{html.escape(self.edited.prompt)}»; the tagger "
                         f"sees {html.escape(moved)} move ({'clean' if self.edited.clean else 'not clean'})")
        lines += [f"{MARK[c.passed]} {c.name}: {html.escape(c.why)}" for c in final.checks]
        self.report.value = "<br>".join(lines)
        image, _ = listing_card(final.image, final.reading.read)
        buffer = io.BytesIO()
        image.resize((image.width // 2, image.height // 2)).save(buffer, format="PNG")
        self.card.value = buffer.getvalue()

    def candidates_png(self, language: str) -> bytes:
        """The candidates best first, each with its score and its three checks."""
        fig = Figure(figsize=(1.15 * self.k, 2.1))  # not pyplot: no figure left open per change
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.3, top=0.82, wspace=0.1)
        for i, c in enumerate(self.candidates):
            ax = fig.add_subplot(1, self.k, i + 1)
            ax.imshow(((c.image + 1) / 2).clamp(0, 1).permute(1, 2, 0).numpy())
            ax.set_xticks([]), ax.set_yticks([])
            ax.set_title(f"#{i + 1}  {c.reading.score:.2f}", fontsize=7)
            ax.set_xlabel("\n".join(f"{MARK[ch.passed]} {ch.name}" for ch in c.checks), fontsize=6)
        fig.suptitle("candidates, best first: score, and each check (✓ passes)", fontsize=8, y=0.98)
        return png_of(fig, tight=True)


def listing_explorer(model, prompt: str = "红色宽松连衣裙", k: int = 8, seed: int = 0) -> ListingExplorer:
    """Build the panel and draw once."""
    panel = ListingExplorer(model, prompt, k, seed)
    panel.update()
    return panel
