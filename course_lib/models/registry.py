"""Every architecture of the course by name, and the one way a network is rebuilt from a file.

A network in a file is one **entry**, spelled the same in every format the library writes (slim generator files,
U-Net files, text-to-image files)::

    {"arch": "dcgan.generator", "config": asdict(DCGANConfig(...)), "state": state_dict on the CPU}

``network_entry(arch, config, module)`` writes one; ``rebuild(entry)`` reads it back through
``ARCHITECTURES``: the config dataclass of ``arch`` (unknown fields named, missing ones at their defaults), the
network built from it, the weights loaded, eval mode. Nothing in an entry is code. The GAN pairs
(``GAN_KINDS`` in ``models/__init__.py``) are a view of this table: kind ``K`` is ``K.generator`` and
``K.discriminator`` over one config.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from torch import nn

from ..serialization import config_from_dict
from .cgan import CGANConfig, ConditionalGenerator, ProjectionDiscriminator
from .classifier import ClassifierConfig, FashionClassifier
from .clip import Clip, ClipConfig
from .dcgan import DCGANConfig, Discriminator, Generator
from .flow import FlowConfig, VelocityNet
from .patchgan import PatchGAN, PatchGANConfig
from .tagger import Tagger, TaggerConfig
from .text_gan import TextDiscriminator, TextGANConfig, TextGenerator
from .unet import UNet, UNetConfig
from .wgan import Critic, WGANConfig


@dataclass(frozen=True)
class Architecture:
    """config_cls: the frozen config dataclass; build: cfg -> a freshly initialised network (seed torch first)."""

    config_cls: type
    build: Callable[..., nn.Module]


ARCHITECTURES: dict[str, Architecture] = {
    "dcgan.generator": Architecture(DCGANConfig, Generator),
    "dcgan.discriminator": Architecture(DCGANConfig, Discriminator),
    "cgan.generator": Architecture(CGANConfig, ConditionalGenerator),
    "cgan.discriminator": Architecture(CGANConfig, ProjectionDiscriminator),
    "wgan-gp.generator": Architecture(WGANConfig, lambda cfg: Generator(cfg.generator_config())),
    "wgan-gp.discriminator": Architecture(WGANConfig, Critic),
    "unet": Architecture(UNetConfig, UNet),
    "patchgan": Architecture(PatchGANConfig, PatchGAN),
    "classifier": Architecture(ClassifierConfig, FashionClassifier),
    "clip": Architecture(ClipConfig, Clip),
    "text_gan.generator": Architecture(TextGANConfig, TextGenerator),
    "text_gan.discriminator": Architecture(TextGANConfig, TextDiscriminator),
    "tagger": Architecture(TaggerConfig, Tagger),
    "flow": Architecture(FlowConfig, VelocityNet),
}


def get_architecture(arch: str) -> Architecture:
    """The registry entry ``arch``; ValueError listing the known names otherwise."""
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {arch!r}; known: {', '.join(sorted(ARCHITECTURES))}.")
    return ARCHITECTURES[arch]


def entry_config(entry: dict):
    """The config dataclass of a network entry, rebuilt (ValueError / KeyError / TypeError when it does not)."""
    return config_from_dict(get_architecture(entry["arch"]).config_cls, entry["config"],
                            f"config of architecture {entry['arch']!r}")


def build_network(arch: str, cfg) -> nn.Module:
    """A freshly initialised ``arch`` network from ``cfg`` (its config dataclass or that dataclass's dict)."""
    architecture = get_architecture(arch)
    if isinstance(cfg, dict):
        cfg = config_from_dict(architecture.config_cls, cfg, f"config of architecture {arch!r}")
    if not isinstance(cfg, architecture.config_cls):
        raise TypeError(f"architecture {arch!r} needs a {architecture.config_cls.__name__}, got {type(cfg).__name__}.")
    return architecture.build(cfg)


def network_entry(arch: str, cfg, network: nn.Module) -> dict:
    """``{"arch", "config": asdict(cfg), "state": network's weights on the CPU}``: the one spelling of a network
    in a file. cfg: the config dataclass ``arch`` is built from (checked against the registry)."""
    architecture = get_architecture(arch)
    if not isinstance(cfg, architecture.config_cls):
        raise TypeError(f"architecture {arch!r} needs a {architecture.config_cls.__name__}, got {type(cfg).__name__}.")
    return {"arch": arch, "config": dataclasses.asdict(cfg),
            "state": {k: v.detach().cpu().clone() for k, v in network.state_dict().items()}}


def rebuild(entry: dict) -> nn.Module:
    """The network of ``entry`` (``{"arch", "config", "state"}``) with its weights, in eval mode, on the CPU.

    Raises ValueError, KeyError, TypeError or RuntimeError (weights that do not fit) for a bad entry; the file
    readers turn these into a CheckpointError naming the file.
    """
    if not isinstance(entry, dict) or not {"arch", "config", "state"} <= set(entry):
        raise KeyError(f"a network entry needs the keys arch, config and state, got {sorted(entry or {})}")
    network = build_network(entry["arch"], entry_config(entry))
    network.load_state_dict(entry["state"])
    return network.eval()
