"""The implicit label of a generated or edited listing image: PNG text chunks a machine reads back.

China's Measures for Labelling AI-Generated and Synthetic Content (人工智能生成合成内容标识办法, CAC and three
other ministries, 2025-03-07, in force 2025-09-01) ask for two labels: an explicit one a person sees (the card's
mark, ``card.py``) and an implicit one in the file's metadata. Their companion mandatory national standard,
GB 45438-2025 (网络安全技术 人工智能生成合成内容标识方法), names the metadata fields of the implicit label:
``Label`` (1: generated or synthesised), ``ContentProducer`` (who generated it), ``ProduceID`` (the producer's
identifier for this content), ``ContentPropagator`` and ``PropagateID`` (who publishes it, and their identifier;
empty here: the shop fills them when it publishes), ``ReservedCode1`` and ``ReservedCode2``. They are written as one
JSON text chunk, ``AIGC``. The same facts are also given in the vocabulary of C2PA, the provenance standard most
tools read: an ``actions`` list (``c2pa.created`` for a generated image, ``c2pa.edited`` for each edit) with the
IPTC digital source type ``trainedAlgorithmicMedia`` (a photo restored by a network:
``compositeWithTrainedAlgorithmicMedia``). The course writes these fields; it does not sign a C2PA manifest, which
needs a certificate.
"""

from __future__ import annotations

import json

from PIL import Image, PngImagePlugin

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
GENERATED, RESTORED = IPTC + "trainedAlgorithmicMedia", IPTC + "compositeWithTrainedAlgorithmicMedia"
PRODUCER = "course_lib (Product Image GANs course)"
AIGC_KEYS = ("Label", "ContentProducer", "ProduceID", "ReservedCode1", "ContentPropagator", "PropagateID",
             "ReservedCode2")


def aigc_label(produce_id: str) -> dict:
    """The GB 45438-2025 metadata fields, in the standard's order; the propagator's are left for the shop."""
    return dict(zip(AIGC_KEYS, ("1", PRODUCER, produce_id, "", "", "", "")))


def c2pa_actions(source: str, edits: list[str], software: str) -> dict:
    """{'actions': [...]}: how the image was made (``source``: GENERATED or RESTORED), then each edit."""
    first = {"action": "c2pa.created" if source == GENERATED else "c2pa.edited", "digitalSourceType": source,
             "softwareAgent": software}
    return {"actions": [first, *({"action": "c2pa.edited", "digitalSourceType": source, "softwareAgent": software,
                                  "description": edit} for edit in edits)]}


def save_labelled_png(image: Image.Image, target, aigc: dict, c2pa: dict, description: str) -> None:
    """Write ``image`` as a PNG to ``target`` (a path or an open binary file) with the implicit label: text
    chunks ``AIGC`` (the GB 45438 fields, JSON), ``c2pa.actions`` (JSON), ``Description`` and ``Software``."""
    info = PngImagePlugin.PngInfo()
    info.add_itxt("AIGC", json.dumps(aigc, ensure_ascii=False))
    info.add_itxt("c2pa.actions", json.dumps(c2pa, ensure_ascii=False))
    info.add_itxt("Description", description)
    info.add_text("Software", PRODUCER)
    image.save(target, format="PNG", pnginfo=info)


def read_labels(path) -> dict:
    """The implicit label read back from a PNG: {'AIGC': dict, 'c2pa.actions': dict, 'Description': str}; a key
    is missing when the file does not carry it."""
    with Image.open(path) as image:
        text = dict(getattr(image, "text", {}))
    out = {key: json.loads(text[key]) for key in ("AIGC", "c2pa.actions") if key in text}
    if "Description" in text:
        out["Description"] = text["Description"]
    return out
