"""The one architecture registry and the one spelling of a network in a file: every architecture rebuilds from
its entry bit for bit, the GAN kinds are a view of it, bad entries are refused by name, and every shipped file
loads, the version 1 ones (written before the entries) included."""

from pathlib import Path

import pytest
import torch

from course_lib.models import GAN_KINDS, build_models
from course_lib.models.clip import ClipConfig
from course_lib.models.registry import ARCHITECTURES, build_network, network_entry, rebuild
from course_lib.models.tagger import TaggerConfig

ROOT = Path(__file__).resolve().parents[2]
SMALL = {"tagger": TaggerConfig(heads=(("category", 10), ("colour", 8))),  # the configs without defaults
         "clip": ClipConfig(vocab_size=50)}


def default_config(arch: str):
    return SMALL.get(arch) or ARCHITECTURES[arch].config_cls()


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_every_architecture_rebuilds_from_its_entry(arch):
    torch.manual_seed(0)
    network = build_network(arch, default_config(arch))
    with torch.no_grad():
        for p in network.parameters():
            p.add_(torch.randn_like(p))  # weights no fresh init has
    entry = network_entry(arch, default_config(arch), network)
    assert set(entry) == {"arch", "config", "state"} and entry["arch"] == arch
    torch.manual_seed(1)  # another init: only the entry's weights may matter
    rebuilt = rebuild(entry)
    assert not rebuilt.training
    for key, value in network.state_dict().items():
        torch.testing.assert_close(rebuilt.state_dict()[key], value, rtol=0, atol=0)


@pytest.mark.parametrize("kind", sorted(GAN_KINDS))
def test_the_gan_kinds_are_a_view_of_the_registry(kind):
    cfg = GAN_KINDS[kind].config_cls()
    torch.manual_seed(0)
    generator, discriminator = build_models(kind, cfg)
    torch.manual_seed(0)
    expected = build_network(f"{kind}.generator", cfg), build_network(f"{kind}.discriminator", cfg)
    for got, want in zip((generator, discriminator), expected):
        assert type(got) is type(want)
        for a, b in zip(got.state_dict().values(), want.state_dict().values()):
            torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert GAN_KINDS[kind].conditional == (kind == "cgan")


def test_bad_entries_are_refused_by_name():
    cfg = ARCHITECTURES["unet"].config_cls()
    entry = network_entry("unet", cfg, build_network("unet", cfg))
    with pytest.raises(ValueError, match="unknown architecture 'resnet'; known: cgan.discriminator"):
        rebuild({**entry, "arch": "resnet"})
    with pytest.raises(KeyError, match="needs the keys arch, config and state"):
        rebuild({"arch": "unet", "config": entry["config"]})
    with pytest.raises(ValueError, match="unknown fields"):
        rebuild({**entry, "config": {**entry["config"], "colour": True}})
    with pytest.raises(RuntimeError, match="size mismatch"):
        rebuild({**entry, "config": {**entry["config"], "width": 2 * entry["config"]["width"]}})
    with pytest.raises(TypeError, match="needs a UNetConfig, got DCGANConfig"):
        network_entry("unet", ARCHITECTURES["dcgan.generator"].config_cls(), build_network("unet", cfg))


def test_every_shipped_file_loads_old_versions_included():
    """The shipped files predate the entries (version 1): each loads through the reader of its format."""
    from course_lib.editing.checkpoint import load_unets
    from course_lib.gan.checkpoint import read_generator
    from course_lib.serialization import read_torch_file
    from course_lib.text2img.model import load

    readers = {"course_lib.pretrained_generator": lambda p: [read_generator(p, device="cpu")[0]],
               "course_lib.gan_checkpoint": lambda p: [read_generator(p, device="cpu")[0]],
               "course_lib.unet_checkpoint": lambda p: list(load_unets(p, device="cpu").values()),
               "course_lib.text2img": lambda p: [load(p, device="cpu").generator]}
    versions = {}
    for path in sorted((ROOT / "checkpoints").glob("*.pt")):
        obj = read_torch_file(path)
        networks = readers[obj["format"]](path)
        assert networks and all(isinstance(n, torch.nn.Module) and not n.training for n in networks), path.name
        versions.setdefault(obj["format"], set()).add(obj["version"])
    assert set(versions) == set(readers)
    assert all(1 in v for fmt, v in versions.items() if fmt != "course_lib.gan_checkpoint"), versions
