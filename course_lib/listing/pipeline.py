"""The listing's stages in order, as functions a lesson can call one by one.

From a description: ``read_request`` -> ``draw`` (K candidates of the shipped text-to-image model, one seed) ->
``read_candidates`` (tagger + cosine, ranked) -> ``run_checks`` -> ``choose`` (the best candidate that passes
every check) -> optionally ``edit`` (the same latent, the prompt with one attribute word changed, read again).
From a photo: ``photo_listing`` (read, estimate what is wrong, restore, tag; ``photo.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from ..text2img.prompts import PromptError
from ..text2img.tagger import predict
from .checks import Check, category_check, classifier_probabilities, run_checks
from .ranking import Reading, read_candidates
from .request import ATTRIBUTES, Request, RequestError, read_request, redescribe, value_word


@dataclass
class Candidate:
    """image: (3, 28, 28) in [-1, 1]; reading: what the tagger reads and its score; checks: the three checks."""

    image: torch.Tensor
    reading: Reading
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def failures(self) -> str:
        """'category: ...; attributes: ...' of the failed checks ('' when all pass)."""
        return "; ".join(f"{c.name}: {c.why}" for c in self.checks if not c.passed)


def draw(model, request: Request, k: int, seed: int) -> list[Candidate]:
    """K candidates for ``request`` (seed ``seed``: candidate i is latent i of that draw), ranked, checked."""
    images, _ = model.generate(request.text, n=k, seed=seed)
    readings = read_candidates(model, request, images)
    checks = run_checks(images, readings, request.asked["category"])
    return [Candidate(images[r.index], r, c) for r, c in zip(readings, checks)]


def choose(candidates: list[Candidate]) -> Candidate | None:
    """The best-ranked candidate that passes every check, or None."""
    return next((c for c in candidates if c.passed), None)


@dataclass(frozen=True)
class Edit:
    """change: 'colour=blue'; prompt: the prompt after it; candidate: the edited candidate, read and checked;
    changed: attribute -> (before, after) value where the tagger's reading moved; clean: only the asked one moved,
    to the asked value."""

    change: str
    prompt: str
    candidate: Candidate
    changed: dict
    clean: bool


def edit(model, request: Request, before: Candidate, attribute: str, value: int, k: int, seed: int,
         checked: bool = True) -> Edit:
    """Re-describe: the same latent (candidate ``before.reading.index`` of the same seed and K), the prompt with
    ``attribute`` set to ``value``; what the tagger reads before and after. ``checked=False`` skips the checks
    (a study of the readings alone)."""
    text = redescribe(request, attribute, value)
    try:
        changed_request = read_request(model, text)
    except (RequestError, PromptError) as err:
        raise RequestError(f"the edited prompt {text!r} cannot be used: {err}") from None
    images, _ = model.generate(text, n=k, seed=seed)
    image = images[before.reading.index: before.reading.index + 1]
    reading = read_candidates(model, changed_request, image)[0]
    reading = Reading(before.reading.index, reading.read, reading.agree, reading.similarity, reading.score)
    checks = run_checks(image, [Reading(0, reading.read, reading.agree, reading.similarity, reading.score)],
                        changed_request.asked["category"])[0] if checked else []
    moved = {name: (before.reading.read[name], reading.read[name]) for name in ATTRIBUTES
             if before.reading.read[name] != reading.read[name]}
    clean = set(moved) == {attribute} and moved[attribute][1] == value
    return Edit(f"{attribute}={value_word(attribute, value)}", text, Candidate(image[0], reading, checks), moved,
                clean)


@dataclass(frozen=True)
class PhotoListing:
    """grey: the photo's catalog view (1, 1, 28, 28) in [-1, 1]; task: the restoration run (None: none); estimate:
    the damage measurements; restored: (1, 1, 28, 28); image: the tagger's view (3, 28, 28) in [-1, 1], drawn in
    the measured colour; attributes: name -> value (no colour when unknown); colour_note; checks."""

    grey: torch.Tensor
    task: str | None
    estimate: dict
    restored: torch.Tensor
    image: torch.Tensor
    attributes: dict
    colour_note: str
    checks: list[Check]


def photo_listing(model, path, restoration: str = "auto", device="auto") -> PhotoListing:
    """Read the photo, restore it (``restoration``: 'auto' estimates the task, 'none', or a task), tag it."""
    from .photo import estimate_damage, read_shop_photo, restore_photo, tagger_view  # editing: only for photos

    photo = read_shop_photo(path)
    grey = photo.grey.float().div(127.5).sub(1).unsqueeze(0)  # (1, 1, 28, 28)
    guessed, estimate = estimate_damage(grey)
    task = guessed if restoration == "auto" else None if restoration == "none" else restoration
    restored = restore_photo(grey, task, device)
    view = tagger_view(restored, photo.colour)
    found = predict(model.tagger, view)
    attributes = {name: int(found[name][0]) for name in ATTRIBUTES if name != "colour" or photo.colour is not None}
    if photo.colour is not None:
        attributes["colour"] = photo.colour
    probabilities = classifier_probabilities(restored)
    checks = [category_check(probabilities[0], attributes["category"])]
    return PhotoListing(grey, task, estimate, restored, view[0], {n: attributes[n] for n in ATTRIBUTES
                                                                  if n in attributes}, photo.colour_note, checks)
