"""An ipywidgets panel for lesson 08: pick N (photos of the new line) and a fine-tuning method; see the run's
samples above their nearest training images (the memorisation check) and its validation curve.

Controls: N (a selection slider over the N that were run) and the method. Panels: a row of samples of the
generator at its early stop, under each the training image nearest to it in pixels (with the distance,
red when it is under the memorisation threshold), and the validation FID curve with the stop marked.
Headless (nbval, tests) call ``update()`` once; the picture is a PNG in an ``ipywidgets.Image``.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator

from ..data import to_float
from ..gan.sampling import sample
from ..metrics.memorisation import copy_threshold, memorisation
from ..plots import png_of
from ..studies.few_shot_runs import RunResult


@dataclass
class ExplorerRun:
    """One run to show: its measurement, its generator at the stop, its N training images (N, 28, 28) uint8."""

    result: RunResult
    generator: torch.nn.Module
    train: torch.Tensor


class FewShotExplorer(widgets.VBox):
    """The panel over ``runs`` {(n, method): ExplorerRun}; ``validation`` (M, 1, 28, 28) in [-1, 1] sets the
    memorisation threshold; ``floor``, when given, is drawn on the curve: the validation FID of real photos (a
    perfect generator). ``shown`` holds the last drawing's samples, neighbours and distances."""

    def __init__(self, runs: dict, validation: torch.Tensor, count: int = 8, seed: int = 0,
                 floor: float | None = None):
        if not runs:
            raise ValueError("runs must hold at least one fine-tuning run, {(n, method): ExplorerRun}.")
        self.runs, self.validation, self.count, self.seed, self.floor = dict(runs), validation, count, seed, floor
        self.shown, self.thresholds = None, {}  # thresholds: per run, computed at its first drawing
        ns = sorted({n for n, _ in self.runs})
        methods = list(dict.fromkeys(m for _, m in self.runs))
        self.n = widgets.SelectionSlider(options=ns, value=ns[len(ns) // 2], description="N photos",
                                         continuous_update=False)
        first = "full fine-tune" if "full fine-tune" in methods else methods[0]
        self.method = widgets.Dropdown(options=methods, value=first, description="method")
        self.picture = widgets.Image(format="png")
        self.n.observe(self.update, names="value")
        self.method.observe(self.update, names="value")
        super().__init__([widgets.HBox([self.n, self.method]), self.picture])

    def update(self, change=None) -> None:
        """Sample the chosen run, find each sample's nearest training image, redraw."""
        key = (self.n.value, self.method.value)
        fig = Figure(figsize=(11, 3.2))
        if key not in self.runs:
            ax = fig.subplots()
            ax.text(0.5, 0.5, f"no run for N = {key[0]} with {key[1]}", ha="center", va="center")
            ax.set_axis_off()
            self.picture.value = png_of(fig, dpi=90)
            return
        run, train = self.runs[key], to_float(self.runs[key].train)
        if key not in self.thresholds:
            self.thresholds[key] = copy_threshold(train, self.validation)
        fake = sample(run.generator, self.count, seed=self.seed)
        check = memorisation(fake, train, self.validation, threshold=self.thresholds[key])
        neighbours = train[check.indices]
        self.shown = {"samples": fake, "neighbours": neighbours, "distances": check.distances,
                      "threshold": check.threshold}
        grid = fig.add_gridspec(2, self.count + 4)
        for i in range(self.count):
            for row, images in enumerate((fake, neighbours)):
                ax = fig.add_subplot(grid[row, i])
                ax.imshow(images[i, 0].add(1).div(2).clamp(0, 1).numpy(), cmap="gray", vmin=0, vmax=1)
                ax.set_axis_off()
                if row == 1:
                    close = check.distances[i] < check.threshold
                    ax.set_title(f"{check.distances[i]:.1f}", fontsize=8, color="red" if close else "black")
        fig.text(0.01, 0.93, "samples (top) and their nearest training images (bottom; pixel distance, red = "
                 f"under {check.threshold:.1f}, where 1 in 20 new real photos falls too)", fontsize=8)
        self.draw_curve(fig.add_subplot(grid[:, self.count + 1:]), run.result, self.floor)
        fig.subplots_adjust(left=0.01, right=0.98, bottom=0.15, top=0.85, wspace=0.1, hspace=0.3)
        self.picture.value = png_of(fig, dpi=90)

    @staticmethod
    def draw_curve(ax, result: RunResult, floor: float | None = None) -> None:
        steps, values = [s for s, _, _ in result.curve], [v for _, v, _ in result.curve]
        ax.plot(steps, values, "o-", markersize=3)
        ax.axvline(result.stop_step, color="k", linestyle="--", linewidth=1)
        if floor is not None:
            ax.axhline(floor, color="tab:green", linestyle=":", linewidth=1)
            ax.text(steps[0], floor * 1.05, "real photos", fontsize=7, color="tab:green")
            values = [*values, floor]
        ax.set_title(f"{result.method}, N = {result.n}: kept {result.stop_fid:.2f} at step {result.stop_step}",
                     fontsize=8)
        ax.set_xlabel("step", fontsize=8)
        ax.set_ylabel("validation FID", fontsize=8)
        if max(values) > 3 * min(values):  # a curve over decades: log scale, ticks at 1, 2, 5 x 10^k
            ax.set_yscale("log")
            ax.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
            for axis_formatter in (ax.yaxis.set_major_formatter, ax.yaxis.set_minor_formatter):
                axis_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.tick_params(which="both", labelsize=7)


def few_shot_explorer(runs: dict, validation: torch.Tensor, count: int = 8, seed: int = 0,
                      floor: float | None = None) -> FewShotExplorer:
    """Build the panel; display it, then call ``.update()`` once."""
    return FewShotExplorer(runs, validation, count, seed, floor)
