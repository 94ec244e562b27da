"""An ipywidgets panel: fit a 2-D critic with a gradient penalty of weight lambda, or with weight clipping,
and see its values, its gradient norms over the plane and at the interpolates the penalty looks at.

Each setting is fitted once (a second or two on a CPU) and cached. Headless (nbval, tests) call
``update()`` once; the picture is a PNG in an ``ipywidgets.Image``.
"""

from __future__ import annotations

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from ..gan.toy_problems import ToyCritic, critic_field, fit_critic, input_gradient_norms, interpolates
from ..plots import png_of

MODES = ("gradient penalty", "weight clipping", "no constraint")


class CriticExplorer(widgets.VBox):
    """The panel; ``result`` holds the last fit: a dict with critic, estimate, norms (at interpolates)."""

    def __init__(self, real: torch.Tensor, fake: torch.Tensor, num_steps: int = 200, seed: int = 0,
                 extent: float = 3.0, hidden: int = 64, batch_size: int = 128):
        if real.dim() != 2 or real.shape[1] != 2 or fake.dim() != 2 or fake.shape[1] != 2:
            raise ValueError(f"real and fake must be point clouds (N, 2), got {tuple(real.shape)} and "
                             f"{tuple(fake.shape)}.")
        self.real, self.fake, self.seed, self.extent = real, fake, seed, extent
        self.hidden, self.batch_size = hidden, batch_size
        self.cache: dict[tuple, dict] = {}
        self.result = None
        self.mode = widgets.ToggleButtons(options=MODES, value=MODES[0], description="constraint")
        self.penalty_weight = widgets.FloatLogSlider(value=10.0, base=10, min=-2, max=2, step=0.25,
                                                     description="λ (penalty)", continuous_update=False)
        self.clip = widgets.FloatLogSlider(value=0.01, base=10, min=-3, max=0, step=0.25,
                                           description="clip c", continuous_update=False)
        self.num_steps = widgets.IntSlider(value=num_steps, min=50, max=1000, step=50, description="steps",
                                           continuous_update=False)
        self.picture = widgets.Image(format="png")
        for control in (self.mode, self.penalty_weight, self.clip, self.num_steps):
            control.observe(self.update, names="value")
        super().__init__([self.mode, widgets.HBox([self.penalty_weight, self.clip, self.num_steps]), self.picture])

    def settings(self) -> tuple:
        """(penalty weight, clip or None, steps) of the current controls."""
        mode = self.mode.value
        weight = self.penalty_weight.value if mode == MODES[0] else 0.0
        clip = self.clip.value if mode == MODES[1] else None
        return weight, clip, self.num_steps.value

    def fit(self) -> dict:
        """Fit (or reuse) the critic for the current settings."""
        key = self.settings()
        if key not in self.cache:
            weight, clip, steps = key
            torch.manual_seed(self.seed)
            critic = ToyCritic(hidden=self.hidden)
            estimates = fit_critic(critic, self.real, self.fake, steps, penalty_weight=weight, clip=clip,
                                   batch_size=self.batch_size, seed=self.seed)
            n = min(len(self.real), len(self.fake))
            x_hat = interpolates(self.real[:n], self.fake[:n], seed=self.seed)
            self.cache[key] = {"critic": critic, "estimate": sum(estimates[-20:]) / len(estimates[-20:]),
                               "norms": input_gradient_norms(critic, x_hat),
                               "field": critic_field(critic, self.extent)}
        return self.cache[key]

    def update(self, change=None) -> None:
        """Refit if needed and redraw the three panels."""
        self.result = r = self.fit()
        xs, ys, values, norms = r["field"]
        fig = Figure(figsize=(13, 3.8))  # not pyplot: no figure left open per slider move
        ax0, ax1, ax2 = fig.subplots(1, 3)
        c0 = ax0.contourf(xs, ys, values, levels=20, cmap="coolwarm")
        fig.colorbar(c0, ax=ax0)
        for ax in (ax0, ax1):
            ax.scatter(*self.real[:300].T, s=3, c="black", label="real")
            ax.scatter(*self.fake[:300].T, s=3, c="tab:orange", label="fake")
            ax.set_aspect("equal")
        ax0.set_title(f"critic C(x); estimate of W: {r['estimate']:.3f}")
        ax0.legend(loc="lower left", fontsize=7)
        c1 = ax1.contourf(xs, ys, norms, levels=20, cmap="viridis")
        fig.colorbar(c1, ax=ax1)
        ax1.set_title("gradient norm ||∇C(x)||")
        ax2.hist(r["norms"].numpy(), bins=40, color="tab:green")
        ax2.axvline(1.0, color="black", linestyle="--")
        median = r["norms"].median().item()
        ax2.set_title(f"||∇C|| at interpolates (median {median:.2f})")
        weight, clip, steps = self.settings()
        fig.suptitle(f"{self.mode.value}: λ={weight:g}" + (f", c={clip:g}" if clip else "") + f", {steps} steps")
        fig.tight_layout()
        self.picture.value = png_of(fig, dpi=80)


def critic_explorer(real: torch.Tensor, fake: torch.Tensor, num_steps: int = 200, seed: int = 0, hidden: int = 64,
                    batch_size: int = 128) -> CriticExplorer:
    """Build the panel for point clouds real, fake (N, 2); display it, then call ``.update()`` once.

    hidden: width of the ToyCritic; num_steps, batch_size: of each fit (one per setting, then cached)."""
    return CriticExplorer(real, fake, num_steps=num_steps, seed=seed, hidden=hidden, batch_size=batch_size)
