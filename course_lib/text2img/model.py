"""A description-to-image model as one object and one file: tokenizer, CLIP encoders, generator, tagger.

``TextToImage.generate("红色宽松连衣裙", n=8)`` checks the prompt (``prompts.check_prompt``), embeds it with
the text encoder and draws n images from the generator. The file (``save`` / ``load``) is a dict of tensors
and plain values read with ``weights_only=True``: the tokenizer is its JSON string, every network one entry in
the library's one spelling (``models.registry``: arch, config, state; version 1 files, whose entries had no
arch, still load), the attribute thresholds tensors. Nothing in it is code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch

from ..models.clip import Clip
from ..models.registry import network_entry, rebuild
from ..models.tagger import Tagger
from ..models.text_gan import TextGenerator
from ..runtime import resolve_device
from ..serialization import CheckpointError, atomic_save, check_format, read_torch_file
from .attributes import Thresholds
from .catalog import thresholds_dict, thresholds_from
from .flow import FlowGenerator
from .prompts import PromptCheck, check_prompt
from .text_gan import caption_embeddings, generate
from .tokenizer import from_json

FORMAT, VERSION, KIND = "course_lib.text2img", 2, "text2img"
VERSIONS = (1, 2)  # 1: networks as {"config", "state"}; 2: as entries {"arch", "config", "state"}
ARCHS = {"clip": "clip", "generator": "text_gan.generator", "tagger": "tagger"}  # the file's key -> architecture
GENERATORS = {"text2img": "text_gan.generator", "flow": "flow"}  # the file's kind -> its generator's architecture
KEYS = ("kind", "tokenizer", "clip", "generator", "tagger", "thresholds", "extra")
HINT = "`python -m course_lib train text2img` writes one, and the repository ships checkpoints/text2img.pt."


@dataclass
class TextToImage:
    """tokenizer (a ``tokenizers.Tokenizer``), clip, generator (EMA) and tagger (None until trained),
    thresholds (``attributes.Thresholds``), extra (how it was trained, what it measured), gan_state (while
    the GAN or flow phase is unfinished: its loop's state and seconds, ``text2img.training.run_resumable``) and
    kind: 'text2img' (lesson 07's GAN) or 'flow' (lesson 10's flow model: its generator a ``flow.FlowGenerator``,
    its sampler settings in ``extra['sampler']``)."""

    tokenizer: object
    clip: Clip
    generator: TextGenerator | None
    tagger: Tagger | None
    thresholds: Thresholds
    extra: dict = field(default_factory=dict)
    gan_state: dict | None = None
    kind: str = KIND

    def check(self, prompt: str) -> PromptCheck:
        """The prompt's check (``prompts.check_prompt``); PromptError when it cannot be used."""
        return check_prompt(self.tokenizer, prompt, self.clip.cfg.max_tokens)

    def to(self, device) -> TextToImage:
        """Move every network to ``device`` (a torch.device, or a name such as 'auto'); returns the model."""
        device = resolve_device(device)
        for network in (self.clip, self.generator, self.tagger):
            if network is not None:
                network.to(device)
        return self

    def embed(self, prompts: list[str]) -> torch.Tensor:
        """Text embeddings (N, E) of ``prompts`` (not checked), on the CPU."""
        self.clip.eval()
        return caption_embeddings(self.clip, self.tokenizer, list(prompts)).cpu()

    def generate(self, prompt: str, n: int = 8, seed: int = 0) -> tuple[torch.Tensor, PromptCheck]:
        """(images (n, 3, 28, 28) in [-1, 1], the prompt's check) for one prompt."""
        check = self.check(prompt)
        return generate(self.generator, self.embed([prompt]).expand(n, -1), seed=seed), check


def save(path, model: TextToImage) -> Path:
    """Write ``model`` atomically to ``path``."""
    archs = {**ARCHS, "generator": GENERATORS[model.kind]}
    generator = getattr(model.generator, "net", model.generator)  # a flow's velocity network, not its sampler
    obj = {"format": FORMAT, "version": VERSION, "kind": model.kind, "tokenizer": model.tokenizer.to_str(),
           **{key: None if network is None else network_entry(archs[key], network.cfg, network)
              for key, network in (("clip", model.clip), ("generator", generator), ("tagger", model.tagger))},
           "thresholds": thresholds_dict(model.thresholds), "extra": model.extra}
    if model.gan_state is not None:
        obj["gan_state"] = model.gan_state
    return atomic_save(obj, path)


def read(path, obj=None) -> dict:
    """The checked contents of a text2img file; CheckpointError / FileNotFoundError saying what is wrong.
    obj: the file's contents when the caller has read it already (``path`` then only names it in messages)."""
    obj = read_torch_file(path, "text-to-image model file", missing_hint=HINT) if obj is None else obj
    return check_format(obj, path, FORMAT, VERSIONS, KEYS, "a text-to-image model file", HINT)


def is_text2img(obj) -> bool:
    """True for the contents of a text2img file (either kind)."""
    return isinstance(obj, dict) and obj.get("format") == FORMAT


def build(entry: dict, key: str, path, kind: str = KIND) -> torch.nn.Module:
    """The network under ``key`` ('clip', 'generator' or 'tagger') of a file of ``kind``, rebuilt from its entry
    (a version 1 entry has no arch: the key names it), in eval mode; CheckpointError naming ``path`` when it does
    not rebuild."""
    arch = GENERATORS[kind] if key == "generator" else ARCHS[key]
    try:
        if entry.get("arch", arch) != arch:
            raise ValueError(f"it holds a {entry['arch']!r} network, not a {arch!r}")
        return rebuild({"arch": arch, **entry})
    except (ValueError, TypeError, KeyError, RuntimeError) as err:
        raise CheckpointError(f"{path}: the {key} does not rebuild ({err})") from err


def load(path, finished: bool = True, device="auto", obj: dict | None = None) -> TextToImage:
    """The model in ``path``, every network in eval mode on ``device``. ``finished=False`` also reads a file
    whose training stopped before the GAN phase ended (for ``--resume``). obj: the file's contents when the
    caller has read it already."""
    obj = read(path, obj)
    kind = obj["kind"]
    if kind not in GENERATORS:
        raise CheckpointError(f"{path} holds a text-to-image model of kind {kind!r}; this version reads "
                              f"{', '.join(GENERATORS)}.")
    if finished and obj["generator"] is None:
        done = ", ".join(obj["extra"].get("phases", {})) or "none"
        raise CheckpointError(f"{path} is an unfinished {kind} training file (phases done: {done}); finish it "
                              f"with `python -m course_lib train {kind} --out FOLDER --resume`.")
    networks = {key: None if obj[key] is None else build(obj[key], key, path, kind) for key in ARCHS}
    extra, generator = dict(obj["extra"]), networks["generator"]
    if kind == "flow" and generator is not None:
        generator = FlowGenerator(generator, **extra.get("sampler", {}))
    return TextToImage(from_json(obj["tokenizer"]), networks["clip"], generator, networks["tagger"],
                       thresholds_from(obj["thresholds"]), extra, None if finished else obj.get("gan_state"),
                       kind).to(device)
