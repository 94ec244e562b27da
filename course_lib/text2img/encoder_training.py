"""Train the course's text encoder CLIP-style on the colour edition, and measure its retrieval.

Every step draws a batch of images, writes one fresh caption per image (``captions.caption``, seen phrasings,
English or Chinese at random), drops a share of the tokens to [UNK] (``tokenizer.word_dropout``) and takes one
Adam step on the multi-positive InfoNCE loss (``contrastive.info_nce`` with ``match_matrix`` targets).
Seeded: the same seed gives the same weights.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import torch
from tokenizers import Tokenizer
from tqdm.auto import tqdm

from ..models.clip import Clip, ClipConfig
from ..runtime import eval_mode, resolve_device
from .captions import LANGUAGES, caption
from .catalog import Edition
from .contrastive import info_nce, match_matrix, recall_at
from .tokenizer import encode, word_dropout

DROPOUT = 0.1


def caption_batch(data: Edition, index: torch.Tensor, rng: random.Random, split: str = "seen",
                  language: str | None = None, mention: float = 0.6) -> list:
    """Captions of the images at ``index``, each in ``language`` (or English/Chinese at random)."""
    labels = data.labels[index].tolist()
    values = {name: v[index].tolist() for name, v in data.attributes.items()}
    return [caption(labels[i], {name: values[name][i] for name in values}, rng, split,
                    language or rng.choice(LANGUAGES), mention) for i in range(len(labels))]


def one_cycle(optimiser, lr: float, steps: int):
    """OneCycle (10 % warm-up, at least two steps of it) for runs of 3 steps and more; a constant rate below."""
    if steps < 3:
        return torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: 1.0)
    warmup = min(0.5, max(0.1, 2.0 / steps))
    return torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=steps, pct_start=warmup)


def optimise(model: torch.nn.Module, steps: int, lr: float, batch_loss: Callable[[], torch.Tensor], desc: str,
             progress: bool = True) -> list[float]:
    """``steps`` AdamW steps (weight decay 0.01, ``one_cycle``) on ``batch_loss()``; the loss of every step."""
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    schedule, losses = one_cycle(optimiser, lr, steps), []
    for _ in tqdm(range(steps), desc=desc, disable=not progress):
        loss = batch_loss()
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        schedule.step()
        losses.append(loss.item())
    return losses


def train_clip(data: Edition, tokenizer: Tokenizer, steps: int, batch_size: int = 256, seed: int = 0,
               lr: float = 2e-3, cfg: ClipConfig | None = None, progress: bool = True,
               device: str | torch.device = "auto") -> tuple[Clip, list[float]]:
    """(the trained Clip, on ``device``, the loss of every step). Batches, captions and word dropout are drawn
    from CPU generators, so a seed gives the same batches on every device."""
    device = resolve_device(device)
    torch.manual_seed(seed)
    cfg = cfg or ClipConfig(vocab_size=tokenizer.get_vocab_size())
    model = Clip(cfg).to(device)
    rng, g = random.Random(seed), torch.Generator().manual_seed(seed)
    images = data.floats().to(device)

    def batch_loss() -> torch.Tensor:
        index = torch.randint(len(data), (batch_size,), generator=g)
        captions = caption_batch(data, index, rng)
        tokens = encode(tokenizer, [c.text for c in captions])
        target = match_matrix(captions, data.labels[index], {k: v[index] for k, v in data.attributes.items()})
        ids = word_dropout(tokens.ids, DROPOUT, g).to(device)
        text = model.text(ids, tokens.mask.to(device))
        return info_nce(model.logits(text, model.image(images[index.to(device)])), target.to(device))
    losses = optimise(model, steps, lr, batch_loss, "text encoder (InfoNCE)", progress)
    return model.eval(), losses


@torch.no_grad()
def embed_texts(model: Clip, tokenizer: Tokenizer, texts: list[str], batch_size: int = 512) -> torch.Tensor:
    """Unit text embeddings (N, embed_dim) of ``texts``, on the CPU (the model runs on its own device)."""
    device = next(model.parameters()).device
    with eval_mode(model):
        parts = []
        for start in range(0, len(texts), batch_size):
            tokens = encode(tokenizer, texts[start:start + batch_size], model.cfg.max_tokens)
            parts.append(model.text(tokens.ids.to(device), tokens.mask.to(device)).float().cpu())
    return torch.cat(parts)


@torch.no_grad()
def embed_images(model: Clip, images: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """Unit image embeddings (N, embed_dim) on the CPU of images (N, 3, 28, 28) in [-1, 1]."""
    device = next(model.parameters()).device
    with eval_mode(model):
        return torch.cat([model.image(images[i:i + batch_size].to(device)).float().cpu()
                          for i in range(0, len(images), batch_size)])


def retrieval(model: Clip, tokenizer: Tokenizer, data: Edition, seed: int = 0, ks=(1, 5)) -> dict[str, dict]:
    """Text -> image recall@k over ``data`` (gallery = its images, one caption per image that names every
    attribute), for seen and held-out phrasings in English and Chinese: {'seen_en': {'1': r, '5': r}, ...}."""
    return retrieval_of(lambda texts: embed_texts(model, tokenizer, texts), embed_images(model, data.floats()),
                        data, seed, ks)


def retrieval_of(embed: Callable[[list[str]], torch.Tensor], gallery: torch.Tensor, data: Edition, seed: int = 0,
                 ks=(1, 5)) -> dict[str, dict]:
    """``retrieval`` for any text tower: embed(texts) -> unit vectors (N, D), gallery (len(data), D) unit image
    embeddings in the same space."""
    out = {}
    for split in ("seen", "held_out"):
        for language in LANGUAGES:
            captions = caption_batch(data, torch.arange(len(data)), random.Random(seed), split, language, 1.0)
            similarity = embed([c.text for c in captions]) @ gallery.T
            match = match_matrix(captions, data.labels, data.attributes)
            out[f"{split}_{language}"] = {str(k): round(recall_at(similarity, match, k), 4) for k in ks}
    return out
