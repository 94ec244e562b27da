"""``python -m course_lib sample CHECKPOINT --prompt "..."``: images of a description from a text2img file.

The prompt is checked first (``text2img.prompts``): an empty one, or one of unknown words only, is refused
with what to write; unknown words, words past the encoder's length, contradictions ("dark light dress") and
mixed languages are printed as notes before the images are drawn. Every ``--out`` form of ``sample`` works;
an .npz also stores the prompt of every image.
"""

from __future__ import annotations

from pathlib import Path

from ..runtime import select_device
from ..text2img.attributes import VALUES
from ..text2img.captions import CATEGORY_EN
from ..text2img.model import load
from ..text2img.prompts import PromptError
from ..text2img.tagger import predict
from . import UserError
from .flow_flags import configure as configure_sampler
from .sample_output import write_samples

REFUSED = ("label", "data")


def parsed_text(parsed: dict) -> str:
    """'category dress, colour red, tone dark' from the lexicon's reading of a prompt."""
    words = [f"category {CATEGORY_EN[parsed['category']][0]}"] if "category" in parsed else []
    words += [f"{name} {VALUES[name][value]}" for name, value in parsed.items() if name != "category"]
    return ", ".join(words) or "no attribute the lexicon knows"


def tagger_text(model, images) -> str:
    """The tagger's verdict on each image: '1: dress, red, dark, wide, plain'."""
    found = predict(model.tagger, images)
    rows = []
    for i in range(len(images)):
        words = [CATEGORY_EN[int(found["category"][i])][0]]
        words += [VALUES[name][int(found[name][i])] for name in VALUES]
        rows.append(f"  {i}: {', '.join(words)}")
    return "\n".join(rows)


def sample_prompt(path, obj: dict, args) -> int:
    """Check the prompt, draw ``args.n`` images of it, write them in the ``--out`` form, print the notes."""
    given = [f"--{name}" for name in REFUSED if getattr(args, name, None) is not None] + \
        (["--no-ema"] if args.no_ema else [])
    if given:
        raise UserError(f"{', '.join(given)}: not for a text-to-image file, which draws what --prompt describes.")
    if args.prompt is None:
        raise UserError(f"{path} is a text-to-image model: pass --prompt \"a red dress\" "
                        "(or \"红色连衣裙\").")
    model = load(path, device=select_device(args.device), obj=obj)
    configure_sampler(model, args)
    try:
        images, check = model.generate(args.prompt, n=args.n, seed=args.seed)
    except PromptError as error:
        raise UserError(str(error)) from None
    written = write_samples(images, Path(args.out), prompts=[args.prompt] * args.n, nrow=args.nrow or 8)
    print(f"wrote {args.out} ({written}): {args.n} samples of {args.prompt!r} (seed {args.seed})")
    print(f"the prompt names: {parsed_text(check.parsed)}")
    for note in check.notes:
        print(f"note: {note}")
    if model.tagger is not None and args.n <= 16:
        print("the tagger reads:\n" + tagger_text(model, images))
    return 0
