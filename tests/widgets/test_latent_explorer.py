"""course_lib.widgets.latent_explorer: interpolation math against references, and the three panels."""

import math

import pytest
import torch

from course_lib.gan.sampling import latent_noise, sample
from course_lib.models.dcgan import DCGANConfig, build_dcgan
from course_lib.widgets.latent_explorer import (
    DimensionExplorer,
    InterpolationExplorer,
    SeedExplorer,
    dimension_sweep,
    interpolation_path,
    lerp,
    slerp,
)


def tiny_generator():
    torch.manual_seed(0)
    return build_dcgan(DCGANConfig(latent_dim=6, width=4))[0]


def test_lerp_matches_torch_lerp():
    z0, z1 = torch.randn(5), torch.randn(5)
    t = torch.tensor([0.0, 0.3, 1.0])
    torch.testing.assert_close(lerp(z0, z1, t), torch.stack([torch.lerp(z0, z1, v) for v in t.tolist()]))


def test_slerp_on_the_unit_circle():
    z0, z1 = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    angles = torch.tensor([0.0, 0.25, 0.5, 1.0]) * math.pi / 2
    expected = torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)
    torch.testing.assert_close(slerp(z0, z1, torch.tensor([0.0, 0.25, 0.5, 1.0])), expected)


def test_slerp_endpoints_norms_and_parallel_fallback():
    z0, z1 = torch.randn(64, dtype=torch.float64), 2 * torch.randn(64, dtype=torch.float64)
    path = slerp(z0, z1, torch.linspace(0, 1, 7, dtype=torch.float64))
    torch.testing.assert_close(path[0], z0)
    torch.testing.assert_close(path[-1], z1)
    torch.testing.assert_close(path.norm(dim=1), torch.linspace(z0.norm().item(), z1.norm().item(), 7,
                                                                dtype=torch.float64))
    assert lerp(z0, -z0, torch.tensor([0.5], dtype=torch.float64)).norm() < 1e-12  # lerp collapses to 0
    torch.testing.assert_close(slerp(z0, 3 * z0, torch.tensor([0.5], dtype=torch.float64))[0], 2 * z0)


def test_paths_and_sweeps():
    path = interpolation_path(6, 0, 1, 5, "lerp")
    torch.testing.assert_close(path[0], latent_noise(1, 6, 0)[0])
    torch.testing.assert_close(path[-1], latent_noise(1, 6, 1)[0])
    z = dimension_sweep(6, 3, 2, torch.tensor([-1.0, 0.0, 1.0]))
    assert z.shape == (3, 6) and z[:, 2].tolist() == [-1.0, 0.0, 1.0]
    torch.testing.assert_close(z[:, [0, 1, 3, 4, 5]], latent_noise(1, 6, 3)[:, [0, 1, 3, 4, 5]].repeat(3, 1))
    with pytest.raises(ValueError, match="method must be one of"):
        interpolation_path(6, 0, 1, 5, "cubic")
    with pytest.raises(ValueError, match="at least 2 steps"):
        interpolation_path(6, 0, 1, 1)
    with pytest.raises(ValueError, match=r"dim must be in \[0, 5\]"):
        dimension_sweep(6, 0, 6, torch.zeros(2))


def test_panels_draw_from_the_generator_and_react_to_controls():
    generator = tiny_generator()
    panel = InterpolationExplorer(generator, seed_a=0, seed_b=1, steps=4)
    panel.update()
    assert panel.images.shape == (4, 1, 28, 28)
    assert panel.picture.value[:8] == b"\x89PNG\r\n\x1a\n"
    torch.testing.assert_close(panel.images[0], sample(generator, 1, seed=0)[0])
    before = panel.images.clone()
    panel.method.value = "lerp"  # same endpoints, different middle
    torch.testing.assert_close(panel.images[[0, -1]], before[[0, -1]])
    assert not torch.equal(panel.images[1:-1], before[1:-1])

    seeds = SeedExplorer(generator, seed=0, n=6, nrow=3)
    seeds.update()
    torch.testing.assert_close(seeds.images, sample(generator, 6, seed=0))
    seeds.seed.value = 5
    torch.testing.assert_close(seeds.images, sample(generator, 6, seed=5))

    sweep = DimensionExplorer(generator, seed=2, dim=1, steps=5, limit=2.0)
    sweep.update()
    assert sweep.images.shape == (5, 1, 28, 28) and sweep.dim.max == 5
    assert generator.training  # sampling left the model as it was


def test_bad_generators_are_refused():
    with pytest.raises(ValueError, match="latent_dim"):
        SeedExplorer(torch.nn.Linear(2, 2))

    class Conditional(torch.nn.Module):
        latent_dim, num_classes = 4, 10
    with pytest.raises(ValueError, match="unconditional"):
        SeedExplorer(Conditional())
