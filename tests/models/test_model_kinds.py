"""The registry of model kinds: rebuild models from a config or its dict."""

import dataclasses

import pytest
import torch

from course_lib.models import GAN_KINDS, build_models, get_model_kind, model_config
from course_lib.models.dcgan import DCGANConfig, Generator


def test_dcgan_is_registered():
    assert get_model_kind("dcgan").config_cls is DCGANConfig
    assert not GAN_KINDS["dcgan"].conditional


def test_build_from_config_or_its_dict_gives_the_same_models():
    cfg = DCGANConfig(image_size=32, latent_dim=4, width=8)
    torch.manual_seed(1)
    g1, _ = build_models("dcgan", cfg)
    torch.manual_seed(1)
    g2, _ = build_models("dcgan", dataclasses.asdict(cfg))
    assert isinstance(g2, Generator) and g2.cfg == cfg
    for a, b in zip(g1.parameters(), g2.parameters()):
        assert torch.equal(a, b)


def test_clear_errors():
    with pytest.raises(ValueError, match="unknown model kind 'stylegan'; known kinds: .*dcgan"):
        get_model_kind("stylegan")
    with pytest.raises(ValueError, match=r"unknown fields \['depth'\]"):
        model_config("dcgan", {"width": 8, "depth": 3})
    with pytest.raises(TypeError, match="needs a DCGANConfig"):
        build_models("dcgan", object())


def test_missing_fields_take_their_defaults():
    assert model_config("dcgan", {"width": 8}) == DCGANConfig(width=8)
