"""course_lib.models.flow: the velocity network's shapes, its conditioning, the "no caption" embedding, the file."""

import pytest
import torch

from course_lib.models.flow import FlowConfig, VelocityNet, time_features
from course_lib.models.registry import network_entry, rebuild


def trained_looking(net: VelocityNet) -> VelocityNet:
    """Every weight (FiLM and null embedding included, which start at zero) set to random values."""
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.2)
    return net


def test_shapes_and_unbounded_output():
    net = trained_looking(VelocityNet(FlowConfig(text_dim=8, width=8, time_dim=16)))
    x, t, e = torch.randn(5, 3, 28, 28), torch.rand(5), torch.randn(5, 8)
    v = net(x, t, e)
    assert v.shape == (5, 3, 28, 28) and v.abs().max() > 1  # a velocity, no tanh
    assert net.latent_shape == (3, 28, 28)
    with pytest.raises(ValueError, match="one time per image"):
        net(x, torch.rand(1), e)


def test_time_and_text_change_the_velocity_and_drop_means_no_caption():
    net = trained_looking(VelocityNet(FlowConfig(text_dim=8, width=8, time_dim=16))).eval()
    x, t, e = torch.randn(4, 3, 28, 28), torch.rand(4), torch.randn(4, 8)
    base = net(x, t, e)
    assert not torch.allclose(net(x, t.flip(0), e), base) and not torch.allclose(net(x, t, -e), base)
    drop = torch.tensor([True, False, True, False])
    mixed, free = net(x, t, e, drop), net(x, t, None)
    torch.testing.assert_close(mixed[drop], free[drop])
    torch.testing.assert_close(mixed[~drop], base[~drop])


def test_time_features_are_sines_and_cosines():
    f = time_features(torch.tensor([0.0, 0.5]), 8)
    assert f.shape == (2, 8)
    torch.testing.assert_close(f[0], torch.tensor([0.0] * 4 + [1.0] * 4))
    torch.testing.assert_close(f[:, :4].square() + f[:, 4:].square(), torch.ones(2, 4))


def test_config_is_checked_and_the_entry_rebuilds():
    with pytest.raises(ValueError, match="time_dim must be even"):
        FlowConfig(time_dim=15)
    with pytest.raises(ValueError, match="multiple of groups"):
        FlowConfig(width=12)
    net = trained_looking(VelocityNet(FlowConfig(text_dim=8, width=8, time_dim=16))).eval()
    again = rebuild(network_entry("flow", net.cfg, net))
    x, t, e = torch.randn(2, 3, 28, 28), torch.rand(2), torch.randn(2, 8)
    torch.testing.assert_close(again(x, t, e), net(x, t, e))
