"""Tokenisation of product descriptions with Hugging Face's ``tokenizers``: words in English, characters in 中文.

The normaliser lowercases and puts spaces around every CJK character (BERT's ``handle_chinese_chars``), the
pre-tokeniser splits on spaces and punctuation, and a word-level model maps each piece to an id learned from
the training captions: "红色宽松连衣裙" -> 红 色 宽 松 连 衣 裙, "a loose-fit dress" -> a loose - fit dress.
Anything not in the vocabulary becomes ``[UNK]``; ``unknown_words`` names those pieces so a user is told,
never silently ignored. The tokenizer is stored in a model file as its JSON string (no code is loaded).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

PAD, UNK = "[PAD]", "[UNK]"
MAX_TOKENS = 32


def train_tokenizer(texts: list[str]) -> Tokenizer:
    """A word-level tokenizer whose vocabulary is every piece of ``texts``, plus [PAD] = 0 and [UNK] = 1."""
    tokenizer = Tokenizer(models.WordLevel(unk_token=UNK))
    tokenizer.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                      strip_accents=False, lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.train_from_iterator(texts, trainers.WordLevelTrainer(special_tokens=[PAD, UNK], show_progress=False))
    return tokenizer


def from_json(text: str) -> Tokenizer:
    """The tokenizer saved by ``tokenizer.to_str()``."""
    return Tokenizer.from_str(text)


@dataclass(frozen=True)
class Tokens:
    """ids (N, L) int64 padded with 0, mask (N, L) bool (True = a real token), and what was cut off."""

    ids: torch.Tensor
    mask: torch.Tensor
    truncated: tuple[str, ...]


def encode(tokenizer: Tokenizer, texts: list[str], max_tokens: int = MAX_TOKENS) -> Tokens:
    """Token ids of ``texts``, each cut at ``max_tokens`` (the pieces cut off are listed in ``truncated``)."""
    encodings = tokenizer.encode_batch(list(texts))
    length = max(1, min(max_tokens, max(len(e.ids) for e in encodings)))
    ids = torch.zeros(len(encodings), length, dtype=torch.long)
    truncated = []
    for i, e in enumerate(encodings):
        kept = e.ids[:length]
        ids[i, :len(kept)] = torch.tensor(kept, dtype=torch.long)
        truncated.extend(e.tokens[length:])
    return Tokens(ids, ids != 0, tuple(truncated))


def unknown_words(tokenizer: Tokenizer, text: str) -> list[str]:
    """The pieces of ``text`` (as the user wrote them) that the vocabulary does not hold, in order, once each;
    punctuation it does not know is not a word and is left out."""
    encoding = tokenizer.encode(text)
    unk = tokenizer.token_to_id(UNK)
    found = []
    for token_id, (start, end) in zip(encoding.ids, encoding.offsets):
        word = text[start:end]
        if token_id == unk and word not in found and any(ch.isalnum() for ch in word):
            found.append(word)
    return found


def pieces(tokenizer: Tokenizer, text: str) -> list[str]:
    """The pieces the encoder reads, after normalising and splitting: 'Red dress' -> ['red', 'dress']."""
    return tokenizer.encode(text).tokens


def word_dropout(ids: torch.Tensor, rate: float, generator: torch.Generator) -> torch.Tensor:
    """Replace a share ``rate`` of the real tokens by [UNK] (id 1), so [UNK] learns to mean "no information"
    and a prompt with words the model never saw still lands near its known words. ids: (N, L) -> (N, L)."""
    drop = (torch.rand(ids.shape, generator=generator) < rate) & (ids != 0)
    return torch.where(drop, torch.ones_like(ids), ids)
