"""An ipywidgets panel: pick a model and a metric, see its value, what it measures and misses, where it lies
among the calibration points and the other models, and the model's samples.

It only displays numbers computed before (``course_lib.metrics.evaluation`` results), so every control
change redraws instantly. Headless (nbval, tests): call ``update()`` once; the picture is a PNG in an
``ipywidgets.Image``.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from ..categories import CLASS_NAMES
from ..metrics.result import Evaluation
from ..plots import png_of, show_images


@dataclass(frozen=True)
class MetricInfo:
    """label, the ``Evaluation`` field, which direction is better, what it measures and what it misses."""

    label: str
    field: str
    better: str
    measures: str
    misses: str


METRICS = {
    "fid": MetricInfo("FID", "fid", "lower",
                      "distance between Gaussians fitted to real and generated features: a mean shift (quality) and a "
                      "covariance mismatch (diversity) in one number",
                      "everything beyond two moments; biased upwards at small n; cannot say whether quality or "
                      "diversity is at fault"),
    "kid": MetricInfo("KID", "kid_mean", "lower",
                      "squared MMD between the feature sets with a cubic polynomial kernel, averaged over subsets",
                      "unbiased, so noisy at small n (it can be negative); like FID, one number for two failures"),
    "is": MetricInfo("IS", "is_mean", "higher",
                     "exp E[KL(p(y|x) || p(y))]: each sample confidently one class, all classes equally often",
                     "never looks at real images: one perfect image per class (or copies of the training set) "
                     "scores the maximum, 10"),
    "precision": MetricInfo("precision", "precision", "higher",
                            "share of samples inside some real image's k-NN ball: fidelity",
                            "diversity: a generator that draws one good product over and over has precision ~1"),
    "recall": MetricInfo("recall", "recall", "higher",
                         "share of real images inside some sample's k-NN ball: coverage of the catalog",
                         "fidelity; a few far-off samples with huge balls inflate it"),
    "gan_test": MetricInfo("GAN-test accuracy", "gan_test_accuracy", "higher",
                           "the frozen classifier agrees with the label a conditional sample was asked for",
                           "diversity: one recognisable image per class scores 1.0"),
    "gan_train": MetricInfo("GAN-train accuracy", "gan_train_accuracy", "higher",
                            "a fresh classifier trained only on labelled samples, tested on real images",
                            "costly and noisy; bounded by the same classifier trained on real images"),
    "per_class_fid": MetricInfo("per-class FID", "per_class_fid", "lower",
                                "FID of each category's samples against that category's real test images",
                                "each class has ~n/10 samples: a larger small-sample bias than the overall FID"),
}


def metric_value(result: Evaluation, key: str):
    """The number (or per-class tuple) of ``key`` in ``result``; None when it does not apply."""
    value = getattr(result, METRICS[key].field)
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


class MetricExplorer(widgets.VBox):
    """The panel. ``results``: {model name: Evaluation}; ``samples``: {model name: images (N, 1, H, W) in [-1, 1]};
    ``calibration``: {point name: Evaluation} from ``calibration_points``."""

    def __init__(self, results: dict, samples: dict, calibration: dict, model: str | None = None,
                 metric: str = "fid", nrow: int = 8):
        if not results or set(results) != set(samples):
            raise ValueError(f"results and samples need the same model names, got {sorted(results)} and "
                             f"{sorted(samples)}.")
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}; choose from {', '.join(METRICS)}.")
        self.results, self.samples, self.calibration, self.nrow = results, samples, calibration, nrow
        self.model = widgets.Dropdown(options=list(results), value=model or next(iter(results)), description="model")
        self.metric = widgets.Dropdown(options=[(info.label, key) for key, info in METRICS.items()], value=metric,
                                       description="metric")
        self.text = widgets.HTML()
        self.picture = widgets.Image(format="png")
        for control in (self.model, self.metric):
            control.observe(self.update, names="value")
        super().__init__([widgets.HBox([self.model, self.metric]), self.text, self.picture])

    def describe(self) -> str:
        """HTML: the selected value and what the metric measures and misses."""
        info, value = METRICS[self.metric.value], metric_value(self.results[self.model.value], self.metric.value)
        if value is None:
            shown = "n/a (GAN-test and GAN-train need a conditional generator)"
        elif isinstance(value, tuple):
            worst = max(range(len(value)), key=lambda c: -math.inf if math.isnan(value[c]) else value[c])
            shown = f"worst class {CLASS_NAMES[worst]} ({value[worst]:.2f})"
        else:
            shown = f"{value:.4f}" if info.field == "kid_mean" else f"{value:.3f}"
        return (f"<b>{html.escape(self.model.value)}</b>: {info.label} = <b>{html.escape(shown)}</b> "
                f"({info.better} is better)<br>measures: {html.escape(info.measures)}<br>"
                f"misses: {html.escape(info.misses)}")

    def bars(self) -> tuple[list[str], list[float], list[str]]:
        """(names, values, colours): calibration points (grey) then models (selected one red) that have a value."""
        names, values, colours = [], [], []
        rows = [(n, r, "grey") for n, r in self.calibration.items()]
        rows += [(n, r, "tab:red" if n == self.model.value else "tab:blue") for n, r in self.results.items()]
        for name, result, colour in rows:
            value = metric_value(result, self.metric.value)
            if value is not None:
                names.append(name)
                values.append(value)
                colours.append(colour)
        return names, values, colours

    def update(self, change=None) -> None:
        """Redraw the text, the comparison bars and the samples."""
        self.text.value = self.describe()
        info = METRICS[self.metric.value]
        fig = Figure(figsize=(13, 3.6))  # not pyplot: no figure left open per control change
        ax0, ax1 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
        if self.metric.value == "per_class_fid":
            lines = list(self.calibration.items())[:1] + [(self.model.value, self.results[self.model.value])]
            for (name, result), colour in zip(lines, ("grey", "tab:red")[-len(lines):]):
                ax0.plot(range(len(CLASS_NAMES)), result.per_class_fid, "o-", color=colour, label=name)
            ax0.set_xticks(range(len(CLASS_NAMES)), CLASS_NAMES, rotation=45, ha="right", fontsize=7)
            ax0.set_yscale("log")
            ax0.legend(fontsize=7)
        else:
            names, values, colours = self.bars()
            bars = ax0.barh(range(len(names)), values, color=colours)
            ax0.bar_label(bars, fmt="%.4g", fontsize=7, padding=2)
            ax0.set_yticks(range(len(names)), names, fontsize=7)
            ax0.invert_yaxis()
            if info.field == "fid" and values and min(values) > 0:
                ax0.set_xscale("log")
        ax0.set_title(f"{info.label} ({info.better} is better); grey: calibration points", fontsize=9)
        images = self.samples[self.model.value]
        show_images(images[: 4 * self.nrow].float(), nrow=self.nrow, ax=ax1, title=f"samples of {self.model.value}")
        fig.tight_layout()
        self.picture.value = png_of(fig, dpi=80)


def metric_explorer(results: dict, samples: dict[str, torch.Tensor], calibration: dict, model: str | None = None,
                    metric: str = "fid") -> MetricExplorer:
    """Build the panel from evaluations computed before; display it, then call ``.update()`` once."""
    return MetricExplorer(results, samples, calibration, model=model, metric=metric)
