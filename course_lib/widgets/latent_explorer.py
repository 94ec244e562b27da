"""ipywidgets panels over a generator's latent space: interpolate between two seeds, browse seeds, vary one
latent dimension. Each panel takes a generator object (pretrained or just trained) and draws with
``course_lib.gan.sampling.sample`` (eval mode, no gradients). Headless (nbval, tests) call ``update()`` once;
the picture is a PNG in an ``ipywidgets.Image`` and the last images are kept in ``.images``.
"""

from __future__ import annotations

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from ..gan.sampling import latent_noise, sample
from ..plots import png_of, show_images

INTERPOLATIONS = ("slerp", "lerp")


def lerp(z0: torch.Tensor, z1: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Straight line: z0, z1 (D,), t (T,) in [0, 1] -> (T, D) = (1 - t) z0 + t z1."""
    t = t.reshape(-1, 1).to(z0.dtype)
    return (1 - t) * z0 + t * z1


def slerp(z0: torch.Tensor, z1: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation along the great circle between the directions of z0 and z1 (D,).

    t: (T,) in [0, 1] -> (T, D). The norm is interpolated linearly, so every point keeps a norm close to
    sqrt(D), where N(0, I) puts its samples (the midpoint of ``lerp`` is shorter by up to a factor sqrt(2)).
    Falls back to ``lerp`` when the two directions are (anti)parallel.
    """
    t = t.reshape(-1, 1).to(z0.dtype)
    n0, n1 = z0.norm(), z1.norm()
    cos = torch.dot(z0 / n0, z1 / n1).clamp(-1.0, 1.0)
    omega = torch.arccos(cos)
    if omega.abs() < 1e-6 or (torch.pi - omega).abs() < 1e-6:
        return lerp(z0, z1, t.flatten())
    direction = (torch.sin((1 - t) * omega) * z0 / n0 + torch.sin(t * omega) * z1 / n1) / torch.sin(omega)
    return direction * ((1 - t) * n0 + t * n1)


def interpolation_path(latent_dim: int, seed_a: int, seed_b: int, steps: int, method: str = "slerp") -> torch.Tensor:
    """z (steps, latent_dim) from ``latent_noise(1, latent_dim, seed_a)`` to that of ``seed_b``."""
    if method not in INTERPOLATIONS:
        raise ValueError(f"method must be one of {INTERPOLATIONS}, got {method!r}.")
    if steps < 2:
        raise ValueError(f"an interpolation needs at least 2 steps, got {steps}.")
    z0, z1 = latent_noise(1, latent_dim, seed_a)[0], latent_noise(1, latent_dim, seed_b)[0]
    return (slerp if method == "slerp" else lerp)(z0, z1, torch.linspace(0, 1, steps))


def dimension_sweep(latent_dim: int, seed: int, dim: int, values: torch.Tensor) -> torch.Tensor:
    """z (len(values), latent_dim): the z of ``seed`` with coordinate ``dim`` set to each of ``values``."""
    if not 0 <= dim < latent_dim:
        raise ValueError(f"dim must be in [0, {latent_dim - 1}] (latent_dim={latent_dim}), got {dim}.")
    z = latent_noise(1, latent_dim, seed).repeat(len(values), 1)
    z[:, dim] = values.to(z.dtype)
    return z


def check_generator(generator) -> None:
    """These panels need an unconditional generator with ``latent_dim`` (``generator(z)``)."""
    if not isinstance(generator, torch.nn.Module) or not getattr(generator, "latent_dim", None):
        raise ValueError(f"expected a generator module with a latent_dim (e.g. trainer.ema.module), "
                         f"got {type(generator).__name__}.")
    if getattr(generator, "num_classes", None):
        raise ValueError("this panel is for unconditional generators; a conditional one needs labels "
                         "(see the cGAN lesson).")


class LatentPanel(widgets.VBox):
    """A row of controls over a picture; subclasses define ``latents()`` and the title."""

    def __init__(self, generator, controls: list, nrow: int):
        check_generator(generator)
        self.generator, self.nrow, self.images = generator, nrow, None
        self.picture = widgets.Image(format="png")
        for control in controls:
            control.observe(self.update, names="value")
        super().__init__([widgets.HBox(controls), self.picture])

    def latents(self) -> torch.Tensor:
        raise NotImplementedError

    def title(self) -> str:
        return ""

    def update(self, change=None) -> None:
        """Draw the images of the current controls into ``images`` (N, C, S, S) and the picture."""
        z = self.latents()
        self.images = sample(self.generator, z.shape[0], z=z)
        rows = (z.shape[0] + self.nrow - 1) // self.nrow
        fig = Figure(figsize=(0.9 * self.nrow, 0.9 * rows + 0.4))  # not pyplot: no open figure per move
        show_images(self.images, nrow=self.nrow, title=self.title(), ax=fig.subplots())
        self.picture.value = png_of(fig, dpi=90, tight=True)


class InterpolationExplorer(LatentPanel):
    """Images along the path between the z of two seeds; slerp or lerp."""

    def __init__(self, generator, seed_a: int = 0, seed_b: int = 1, steps: int = 10, method: str = "slerp"):
        if method not in INTERPOLATIONS:
            raise ValueError(f"method must be one of {INTERPOLATIONS}, got {method!r}.")
        self.seed_a = widgets.IntSlider(value=seed_a, min=0, max=999, description="seed A", continuous_update=False)
        self.seed_b = widgets.IntSlider(value=seed_b, min=0, max=999, description="seed B", continuous_update=False)
        self.method = widgets.ToggleButtons(options=INTERPOLATIONS, value=method, description="path")
        self.steps = steps
        super().__init__(generator, [self.seed_a, self.seed_b, self.method], nrow=steps)

    def latents(self) -> torch.Tensor:
        return interpolation_path(self.generator.latent_dim, self.seed_a.value, self.seed_b.value, self.steps,
                                  self.method.value)

    def title(self) -> str:
        return f"{self.method.value}: seed {self.seed_a.value} -> seed {self.seed_b.value}"


class SeedExplorer(LatentPanel):
    """A grid of ``n`` samples for one seed: each seed is a reproducible page of the catalog."""

    def __init__(self, generator, seed: int = 0, n: int = 32, nrow: int = 8):
        self.seed = widgets.IntSlider(value=seed, min=0, max=999, description="seed", continuous_update=False)
        self.n = n
        super().__init__(generator, [self.seed], nrow=nrow)

    def latents(self) -> torch.Tensor:
        return latent_noise(self.n, self.generator.latent_dim, self.seed.value)

    def title(self) -> str:
        return f"seed {self.seed.value}"


class DimensionExplorer(LatentPanel):
    """One z (from a seed) with a single coordinate swept over [-limit, limit]."""

    def __init__(self, generator, seed: int = 0, dim: int = 0, steps: int = 9, limit: float = 3.0):
        latent_dim = getattr(generator, "latent_dim", None) or 1
        self.seed = widgets.IntSlider(value=seed, min=0, max=999, description="seed", continuous_update=False)
        self.dim = widgets.IntSlider(value=dim, min=0, max=latent_dim - 1, description="dimension",
                                     continuous_update=False)
        self.limit = widgets.FloatSlider(value=limit, min=0.5, max=6.0, step=0.5, description="± range",
                                         continuous_update=False)
        self.steps = steps
        super().__init__(generator, [self.seed, self.dim, self.limit], nrow=steps)

    def values(self) -> torch.Tensor:
        return torch.linspace(-self.limit.value, self.limit.value, self.steps)

    def latents(self) -> torch.Tensor:
        return dimension_sweep(self.generator.latent_dim, self.seed.value, self.dim.value, self.values())

    def title(self) -> str:
        return f"seed {self.seed.value}: z[{self.dim.value}] from {-self.limit.value:g} to {self.limit.value:g}"
