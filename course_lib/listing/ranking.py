"""Each candidate read back and scored against the request, with the reasons a shop owner can check.

The tagger reads the candidate's category, colour, tone, width and pattern; the CLIP encoders give the cosine
between the prompt and the image. The score is the share of the asked attributes the tagger reads as asked,
plus ``SIMILARITY_WEIGHT`` times the cosine: agreement decides, similarity breaks ties (a cosine moves the score
by at most 0.25, less than one attribute of four). Lesson 09's exercise asks for this score.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..text2img.encoder_training import embed_images, embed_texts
from ..text2img.tagger import predict
from .request import ATTRIBUTES, Request, value_word

SIMILARITY_WEIGHT = 0.25


@dataclass(frozen=True)
class Reading:
    """index: the candidate's place in the draw (its latent); read: attribute -> value the tagger reads; agree:
    asked attribute -> whether it reads as asked; similarity: prompt-image cosine; score: ``ranking_score``."""

    index: int
    read: dict
    agree: dict
    similarity: float
    score: float

    def reasons(self, language: str = "en") -> str:
        """'dress ✓, red ✓, wide ✗ (reads regular); cosine 0.41' for the asked attributes."""
        parts = []
        for name, ok in self.agree.items():
            word = value_word(name, self.read[name], language)
            parts.append(f"{word} ✓" if ok else f"{name} ✗ (reads {word})")
        return ", ".join(parts) + f"; cosine {self.similarity:.2f}"


def ranking_score(agree: dict, similarity: float, weight: float = SIMILARITY_WEIGHT) -> float:
    """The share of asked attributes read as asked, plus ``weight`` times the prompt-image cosine."""
    share = sum(agree.values()) / len(agree) if agree else 0.0
    return share + weight * similarity


def similarities(model, text: str, images: torch.Tensor) -> torch.Tensor:
    """Cosines (N,) between ``text`` and images (N, 3, 28, 28) in [-1, 1], in the model's CLIP space."""
    return (embed_images(model.clip, images) @ embed_texts(model.clip, model.tokenizer, [text])[0]).float()


def read_candidates(model, request: Request, images: torch.Tensor) -> list[Reading]:
    """Every candidate of images (N, 3, 28, 28) in [-1, 1], read and scored, best first (a stable sort, so equal
    scores keep the draw's order)."""
    found = predict(model.tagger, images)
    cosines = similarities(model, request.text, images)
    readings = []
    for i in range(len(images)):
        read = {name: int(found[name][i]) for name in ATTRIBUTES}
        agree = {name: read[name] == value for name, value in request.asked.items()}
        readings.append(Reading(i, read, agree, float(cosines[i]), ranking_score(agree, float(cosines[i]))))
    return sorted(readings, key=lambda r: -r.score)
