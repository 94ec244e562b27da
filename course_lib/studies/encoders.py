"""The course's text encoder against a pretrained sentence encoder (e5-small), on held-out phrasings and 中文.

Two measures, both recall@1 with the match rule of ``encoder_training.retrieval`` (the retrieved item has the
query's category and every attribute it names; captions name every attribute):

- **text -> text**, no training: each caption of a test product retrieves among captions of the same products
  in another phrasing or language (held-out English -> seen English, held-out 中文 -> seen 中文, seen 中文 ->
  seen English). It asks whether an encoder maps a new phrasing, or a translation, onto the same description.
- **text -> image with a locked text tower** (the mirror image of LiT, Zhai et al. 2022): the pretrained encoder
  stays frozen; a linear map of its vectors and the course's image encoder train with the same multi-positive
  InfoNCE as the course's CLIP. The pretrained encoder is slow on a CPU (about 8 s per 1000 captions on 2 cores), so its
  captions come from a fixed pool (``caption_pool``: a few per image, written once) instead of fresh captions
  every step, and there is no word dropout: a handicap against the course's encoder, stated with the numbers.

``embed`` arguments are any text tower: texts -> unit vectors (N, D); ``cached`` keeps the vectors of
texts already embedded, so the pool and repeated evaluation captions are embedded once.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import torch

from ..models.clip import ClipConfig, LockedTextClip
from ..runtime import eval_mode
from ..text2img.captions import LANGUAGES, Caption
from ..text2img.catalog import Edition
from ..text2img.contrastive import info_nce, match_matrix, recall_at
from ..text2img.encoder_training import caption_batch, embed_images, optimise, retrieval_of

Embed = Callable[[list[str]], torch.Tensor]
PAIRS = (("held_out_en", "seen_en"), ("held_out_zh", "seen_zh"), ("seen_zh", "seen_en"))


def cached(embed: Embed) -> Embed:
    """``embed`` that embeds each distinct text once per process (the vectors are kept in a dict)."""
    store: dict[str, torch.Tensor] = {}

    def wrapped(texts: list[str]) -> torch.Tensor:
        new = list(dict.fromkeys(t for t in texts if t not in store))
        if new:
            store.update(zip(new, embed(new)))
        return torch.stack([store[t] for t in texts]) if texts else embed([])
    return wrapped


def caption_sets(data: Edition, seed: int = 0) -> dict[str, list[Caption]]:
    """One full caption (every attribute named) per product of ``data``, per phrasing and language:
    {'seen_en': [...], 'held_out_en': [...], 'seen_zh': [...], 'held_out_zh': [...]}."""
    index = torch.arange(len(data))
    return {f"{split}_{language}": caption_batch(data, index, random.Random(seed), split, language, 1.0)
            for split in ("seen", "held_out") for language in LANGUAGES}


def text_to_text(embed: Embed, data: Edition, seed: int = 0) -> dict[str, float]:
    """Recall@1 of each pair in PAIRS, 'query->gallery': the nearest gallery caption (cosine) describes the
    query's product (category and every attribute)."""
    sets = caption_sets(data, seed)
    vectors = {name: embed([c.text for c in captions]) for name, captions in sets.items()}
    out = {}
    for query, gallery in PAIRS:
        match = match_matrix(sets[query], data.labels, data.attributes)
        out[f"{query}->{gallery}"] = round(recall_at(vectors[query] @ vectors[gallery].T, match, 1), 4)
    return out


EXAMPLE_PAIRS = (("a red dress", "a blue dress"), ("a red dress", "a red coat"), ("a red dress", "红色连衣裙"),
                 ("a red dress", "looking for a red dress"), ("蓝色的运动鞋", "红色的运动鞋"))


def pair_cosines(embed: Embed, pairs=EXAMPLE_PAIRS) -> dict[str, float]:
    """{'A | B': cosine of A's and B's vectors} under ``embed`` (an encoder of unit vectors): how close it puts
    two descriptions that differ in one attribute, in language, or in phrasing."""
    vectors = embed([text for pair in pairs for text in pair])
    return {f"{a} | {b}": round(float(vectors[2 * i] @ vectors[2 * i + 1]), 3) for i, (a, b) in enumerate(pairs)}


def caption_pool(data: Edition, per_image: int, seed: int) -> tuple[torch.Tensor, list[Caption]]:
    """(image index (per_image * N,), one seen caption each, English or 中文 at random): the fixed captions a
    locked text tower trains on."""
    index = torch.arange(len(data)).repeat(per_image)
    return index, caption_batch(data, index, random.Random(seed))


def train_locked(data: Edition, index: torch.Tensor, captions: list[Caption], vectors: torch.Tensor, steps: int,
                 batch_size: int = 256, seed: int = 0, lr: float = 2e-3, cfg: ClipConfig | None = None,
                 progress: bool = True) -> tuple[LockedTextClip, list[float]]:
    """Train a LockedTextClip on the pool: index (P,) images of ``data``, captions (P,), vectors (P, text_dim)
    their frozen sentence vectors. Returns (model in eval mode, the loss of every step)."""
    if not len(index) == len(captions) == len(vectors):
        raise ValueError(f"index, captions and vectors must have one row per pool caption, got {len(index)}, "
                         f"{len(captions)} and {len(vectors)}.")
    torch.manual_seed(seed)
    model = LockedTextClip(vectors.shape[1], cfg or ClipConfig(vocab_size=1))
    g, images = torch.Generator().manual_seed(seed), data.floats()

    def batch_loss() -> torch.Tensor:
        rows = torch.randint(len(index), (batch_size,), generator=g)
        batch = index[rows]
        target = match_matrix([captions[r] for r in rows.tolist()], data.labels[batch],
                              {k: v[batch] for k, v in data.attributes.items()})
        return info_nce(model.logits(model.text(vectors[rows]), model.image(images[batch])), target)
    losses = optimise(model, steps, lr, batch_loss, "locked text tower (InfoNCE)", progress)
    return model.eval(), losses


@torch.no_grad()
def locked_retrieval(model: LockedTextClip, embed: Embed, data: Edition, seed: int = 0, ks=(1, 5)) -> dict:
    """``encoder_training.retrieval`` for a LockedTextClip over the frozen encoder ``embed``."""
    with eval_mode(model):
        return retrieval_of(lambda texts: model.text(embed(texts)), embed_images(model, data.floats()), data, seed,
                            ks)
