"""The course's architectures, one per file (GANs, U-Net, PatchGAN, classifier, CLIP, tagger); ``registry`` names
every one of them (``ARCHITECTURES``, ``network_entry``, ``rebuild``), and ``GAN_KINDS`` is its view of the GAN
pairs a training checkpoint can name, so a generator can be rebuilt from the file alone.

A kind is a config dataclass plus a build function ``build(cfg) -> (generator, discriminator)``, made of the
registry's ``KIND.generator`` and ``KIND.discriminator``.
Conventions every kind follows: the generator exposes ``latent_dim`` (or None when it takes no noise)
and ``num_classes`` when it is conditional; it is called ``generator(z)`` or ``generator(z, labels)``,
the discriminator ``discriminator(x)`` or ``discriminator(x, labels)`` and returns logits (N,).
Adding a kind is its two architectures in ``registry.ARCHITECTURES`` and one line in ``GAN_KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch import nn

from ..serialization import config_from_dict
from .registry import ARCHITECTURES, build_network


@dataclass(frozen=True)
class ModelKind:
    """config_cls: the frozen config dataclass; build: cfg -> (generator, discriminator)."""

    config_cls: type
    build: Callable[..., tuple[nn.Module, nn.Module]]
    conditional: bool = False


def gan_pair(kind: str) -> ModelKind:
    """The GAN kind ``kind`` as a view of the registry: its generator and discriminator over one config."""

    def build(cfg) -> tuple[nn.Module, nn.Module]:
        return build_network(f"{kind}.generator", cfg), build_network(f"{kind}.discriminator", cfg)

    return ModelKind(ARCHITECTURES[f"{kind}.generator"].config_cls, build, conditional=kind == "cgan")


GAN_KINDS: dict[str, ModelKind] = {kind: gan_pair(kind) for kind in ("dcgan", "cgan", "wgan-gp")}


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
