"""The files of a listing: ``OUT/listing.png`` (the card, both labels) and ``OUT/listing.json`` (everything else).

Both are written atomically (``serialization.atomic_save``): a crash leaves the previous file or the new one.
The JSON holds the attributes in English and 中文, the prompt or the photo, the seed, the sha256 of every
checkpoint used, every check with its number, the edits, the labels and their C2PA mapping.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

from .. import __version__
from ..serialization import atomic_save, file_sha256, save_json
from .card import MARKS, listing_card
from .labels import GENERATED, RESTORED, aigc_label, c2pa_actions, save_labelled_png
from .request import value_word

IPTC_PROCESSED = "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicallyEnhanced"


def attributes_both(attributes: dict) -> dict:
    """{'en': {name: word}, 'zh': {name: word}} of {name: value index}."""
    return {language: {name: value_word(name, value, language) for name, value in attributes.items()}
            for language in ("en", "zh")}


def checkpoint_hashes(paths: dict) -> dict:
    """{name: {'file': path, 'sha256': ...}} of the checkpoints a listing used."""
    return {name: {"file": str(path), "sha256": file_sha256(path)} for name, path in paths.items()}


def source_type(kind: str, restored: bool = True) -> str:
    """The IPTC digital source type: a generated product, a photo a network restored, or a photo only re-drawn
    (normalised and drawn in its measured colour: an algorithmic enhancement)."""
    return GENERATED if kind == "generated" else RESTORED if restored else IPTC_PROCESSED


def write_listing(out, image, attributes: dict, record: dict, kind: str, source: str,
                  edits: list[str]) -> tuple[Path, Path]:
    """Write the card and the JSON into ``out``. image: (3, 28, 28) in [-1, 1]; attributes: {name: value index};
    kind: 'generated' or 'restored' (the visible mark; a photo listing is always re-drawn, so always marked);
    source: ``source_type``'s; record: the facts so far (prompt or photo, seed, checks, ...)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    aigc = aigc_label(f"course-lib-{uuid.uuid4().hex}")
    c2pa = c2pa_actions(source, edits, f"course_lib {__version__}")
    card, languages = listing_card(image, attributes, kind)
    words = attributes_both(attributes)
    description = f"{' '.join(words['en'].values())} / {' '.join(words['zh'].values())}"
    card_path = atomic_save(card, out / "listing.png",
                            write=lambda c, f: save_labelled_png(c, f, aigc, c2pa, description))
    labels = {"explicit": {"text": MARKS[kind][0 if "zh" in languages else 1],
                           "visible_label_languages": languages, "where": "a band across the top of the picture"},
              "implicit": {"format": "PNG iTXt chunks AIGC (GB 45438-2025 fields) and c2pa.actions",
                           "AIGC": aigc}}
    full = {**record, "kind": kind, "attributes": words, "attribute_values": dict(attributes),
            "labels": labels, "c2pa": {**c2pa, "digitalSourceType": source, "signed": False},
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "software": f"course_lib {__version__}"}
    json_path = save_json(full, out / "listing.json")
    return card_path, json_path
