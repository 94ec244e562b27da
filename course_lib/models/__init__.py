"""The course's architectures, one per file (GANs, U-Net, PatchGAN, classifier, CLIP, tagger), and the registry of the
GAN architectures a checkpoint can name, so a generator can be rebuilt from the file alone.

A kind is a config dataclass plus a build function ``build(cfg) -> (generator, discriminator)``.
Conventions every kind follows: the generator exposes ``latent_dim`` (or None when it takes no noise)
and ``num_classes`` when it is conditional; it is called ``generator(z)`` or ``generator(z, labels)``,
the discriminator ``discriminator(x)`` or ``discriminator(x, labels)`` and returns logits (N,).
Adding a kind is one entry in ``GAN_KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch import nn

from ..serialization import config_from_dict
from .cgan import CGANConfig, build_cgan
from .dcgan import DCGANConfig, build_dcgan
from .wgan import WGANConfig, build_wgan


@dataclass(frozen=True)
class ModelKind:
    """config_cls: the frozen config dataclass; build: cfg -> (generator, discriminator)."""

    config_cls: type
    build: Callable[..., tuple[nn.Module, nn.Module]]
    conditional: bool = False


GAN_KINDS: dict[str, ModelKind] = {
    "dcgan": ModelKind(DCGANConfig, build_dcgan),
    "cgan": ModelKind(CGANConfig, build_cgan, conditional=True),
    "wgan-gp": ModelKind(WGANConfig, build_wgan),
}


def get_model_kind(name: str) -> ModelKind:
    """The registry entry ``name``; unknown names list the known ones."""
    if name not in GAN_KINDS:
        raise ValueError(f"unknown model kind {name!r}; known kinds: {', '.join(sorted(GAN_KINDS))}.")
    return GAN_KINDS[name]


def model_config(kind: str, values: dict):
    """Rebuild the config of ``kind`` from ``asdict(cfg)``; unknown fields are named in the error.

    Fields missing from ``values`` take their defaults (a config saved before the field existed).
    """
    cls = get_model_kind(kind).config_cls
    return config_from_dict(cls, values, f"config for model kind {kind!r}")


def build_models(kind: str, cfg) -> tuple[nn.Module, nn.Module]:
    """(generator, discriminator) of ``kind`` built from ``cfg`` (a config dataclass or its dict)."""
    entry = get_model_kind(kind)
    if isinstance(cfg, dict):
        cfg = model_config(kind, cfg)
    if not isinstance(cfg, entry.config_cls):
        raise TypeError(f"model kind {kind!r} needs a {entry.config_cls.__name__}, got {type(cfg).__name__}.")
    return entry.build(cfg)
