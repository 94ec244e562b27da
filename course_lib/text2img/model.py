"""A description-to-image model as one object and one file: tokenizer, CLIP encoders, generator, tagger.

``TextToImage.generate("红色宽松连衣裙", n=8)`` checks the prompt (``prompts.check_prompt``), embeds it with
the text encoder and draws n images from the generator. The file (``save`` / ``load``) is a dict of tensors
and plain values read with ``weights_only=True``: the tokenizer is its JSON string, every network a
config dict plus a state dict, the attribute thresholds tensors. Nothing in it is code.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import torch

from ..models.clip import Clip, ClipConfig
from ..models.tagger import Tagger, TaggerConfig
from ..models.text_gan import TextGANConfig, TextGenerator
from ..runtime import resolve_device
from ..serialization import CheckpointError, atomic_save, check_format, config_from_dict, read_torch_file
from .attributes import Thresholds
from .catalog import thresholds_dict, thresholds_from
from .prompts import PromptCheck, check_prompt
from .text_gan import caption_embeddings, generate
from .tokenizer import from_json

FORMAT, VERSION, KIND = "course_lib.text2img", 1, "text2img"
KEYS = ("kind", "tokenizer", "clip", "generator", "tagger", "thresholds", "extra")
HINT = "`python -m course_lib train text2img` writes one, and the repository ships checkpoints/text2img.pt."


@dataclass
class TextToImage:
    """tokenizer (a ``tokenizers.Tokenizer``), clip, generator (EMA) and tagger (None until trained),
    thresholds (``attributes.Thresholds``), extra (how it was trained, what it measured) and gan_state (while
    the GAN phase is unfinished: its loop's state and seconds, ``text2img.training.train_gan_phase``)."""

    tokenizer: object
    clip: Clip
    generator: TextGenerator | None
    tagger: Tagger | None
    thresholds: Thresholds
    extra: dict = field(default_factory=dict)
    gan_state: dict | None = None

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


def network_entry(model: torch.nn.Module) -> dict:
    """{'config': asdict(cfg), 'state': state_dict on the CPU} of a network that has ``cfg``."""
    return {"config": dataclasses.asdict(model.cfg), "state": {k: v.detach().cpu() for k, v in
                                                                model.state_dict().items()}}


def save(path, model: TextToImage) -> Path:
    """Write ``model`` atomically to ``path``."""
    obj = {"format": FORMAT, "version": VERSION, "kind": KIND, "tokenizer": model.tokenizer.to_str(),
           "clip": network_entry(model.clip), "generator": None if model.generator is None
           else network_entry(model.generator),
           "tagger": None if model.tagger is None else network_entry(model.tagger),
           "thresholds": thresholds_dict(model.thresholds), "extra": model.extra}
    if model.gan_state is not None:
        obj["gan_state"] = model.gan_state
    return atomic_save(obj, path)


def read(path) -> dict:
    """The checked contents of a text2img file; CheckpointError / FileNotFoundError saying what is wrong."""
    obj = read_torch_file(path, "text-to-image model file", missing_hint=HINT)
    return check_format(obj, path, FORMAT, VERSION, KEYS, "a text-to-image model file", HINT)


def is_text2img(obj) -> bool:
    """True for the contents of a text2img file."""
    return isinstance(obj, dict) and obj.get("format") == FORMAT


def build(entry: dict, cls, config_cls, what: str) -> torch.nn.Module:
    """A network rebuilt from its entry, in eval mode."""
    model = cls(config_from_dict(config_cls, entry["config"], f"{what} config"))
    model.load_state_dict(entry["state"])
    return model.eval()


def load(path, finished: bool = True, device="auto") -> TextToImage:
    """The model in ``path``, every network in eval mode on ``device``. ``finished=False`` also reads a file
    whose training stopped before the GAN phase ended (for ``--resume``)."""
    obj = read(path)
    if finished and obj["generator"] is None:
        done = ", ".join(obj["extra"].get("phases", {})) or "none"
        raise CheckpointError(f"{path} is an unfinished text2img training file (phases done: {done}); finish it "
                              "with `python -m course_lib train text2img --out FOLDER --resume`.")
    generator = None if obj["generator"] is None else build(obj["generator"], TextGenerator, TextGANConfig,
                                                            "generator")
    tagger = None if obj["tagger"] is None else build(obj["tagger"], Tagger, TaggerConfig, "tagger")
    return TextToImage(from_json(obj["tokenizer"]), build(obj["clip"], Clip, ClipConfig, "CLIP"),
                       generator, tagger,
                       thresholds_from(obj["thresholds"]), dict(obj["extra"]),
                       None if finished else obj.get("gan_state")).to(device)
