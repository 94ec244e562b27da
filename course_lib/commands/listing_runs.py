"""The two runs of ``listing``: from a prompt and from a photo; each prints its stages and writes the listing."""

from __future__ import annotations

from ..listing.checks import COPY_QUANTILE
from ..listing.export import checkpoint_hashes, source_type, write_listing
from ..listing.pipeline import choose, draw, edit, photo_listing
from ..listing.request import read_request
from ..models.classifier import WEIGHTS_PATH
from ..serialization import shipped_dir


def print_candidates(candidates, language: str) -> None:
    """One line per candidate, best first: rank, latent, score, reasons, failed checks."""
    for rank, c in enumerate(candidates, 1):
        verdict = "passes every check" if c.passed else "FAILS " + c.failures()
        print(f"  {rank}. candidate {c.reading.index}: score {c.reading.score:.3f} ({c.reading.reasons(language)}); "
              f"{verdict}")


def prompt_run(model, args, change, out) -> int:
    """--prompt: draw, rank, check, choose, optionally edit, write."""
    request = read_request(model, args.prompt)
    for note in request.notes:
        print(f"note: {note}")
    candidates = draw(model, request, args.candidates, args.seed)
    print(f"{len(candidates)} candidates for {request.text!r} (seed {args.seed}), best first:")
    print_candidates(candidates, request.language)
    chosen = choose(candidates) or (candidates[0] if args.force else None)
    if chosen is None:
        print("no candidate passes every check, so nothing was written; try another --seed or more --candidates, "
              "or export the best one anyway with --force")
        return 1
    edits, record_edit, final = [], None, chosen
    if change is not None:
        made = edit(model, request, chosen, *change, args.candidates, args.seed)
        moved = ", ".join(f"{name} {a}->{b}" for name, (a, b) in made.changed.items()) or "nothing"
        print(f"edit {made.change}: {made.prompt!r}; the tagger sees {moved} move "
              f"({'only what was asked' if made.clean else 'NOT only what was asked'})")
        if not made.candidate.passed and not args.force:
            print(f"the edited candidate fails: {made.candidate.failures()}; nothing was written (--force exports it)")
            return 1
        edits.append(f"re-described: {made.change} ({made.prompt})")
        record_edit = {"change": made.change, "prompt": made.prompt, "clean": made.clean,
                       "moved": {name: list(pair) for name, pair in made.changed.items()},
                       "checks": [c.as_dict() for c in made.candidate.checks]}
        final = made.candidate
    record = {"prompt": request.text, "seed": args.seed, "candidates_drawn": args.candidates,
              "chosen_candidate": chosen.reading.index, "forced": not final.passed,
              "ranking": [{"candidate": c.reading.index, "score": round(c.reading.score, 4),
                           "reasons": c.reading.reasons("en"), "passed": c.passed} for c in candidates],
              "checks": [c.as_dict() for c in final.checks], "copy_quantile": COPY_QUANTILE,
              "edits": [record_edit] if record_edit else [],
              "checkpoints": checkpoint_hashes({"text2img": shipped_dir() / "text2img.pt",
                                                "classifier": WEIGHTS_PATH})}
    card, info = write_listing(out, final.image, final.reading.read, record, "generated",
                               source_type("generated"), edits)
    print(f"wrote {card} and {info}: candidate {final.reading.index}, labelled as AI-generated (visible mark and "
          "PNG metadata)")
    return 0


def photo_run(model, args, out, device) -> int:
    """--photo: read, restore, tag, check, write."""
    found = photo_listing(model, args.photo, args.restore, device)
    estimate = ", ".join(f"{k} {v}" for k, v in found.estimate["measured"].items())
    print(f"photo {args.photo}: measured {estimate}; restoration: {found.task or 'none'} "
          f"({'estimated' if args.restore == 'auto' else 'asked for'})")
    print(f"colour: {found.colour_note}")
    words = ", ".join(f"{k} {v}" for k, v in found.attributes.items())
    print(f"attributes (value indices): {words}")
    failed = [c for c in found.checks if not c.passed]
    for check in found.checks:
        print(f"check {check.name}: {'passes' if check.passed else 'FAILS'}: {check.why}")
    if failed and not args.force:
        print("nothing was written (--force exports it anyway)")
        return 1
    used = {"classifier": WEIGHTS_PATH, "text2img (tagger)": shipped_dir() / "text2img.pt"}
    if found.task is not None:
        used["unet"] = shipped_dir() / "unet.pt"
    record = {"photo": str(args.photo), "restoration": found.task, "restoration_chosen": args.restore,
              "damage_estimate": found.estimate, "colour": found.colour_note, "forced": bool(failed),
              "checks": [c.as_dict() for c in found.checks], "edits": [], "checkpoints": checkpoint_hashes(used)}
    card, info = write_listing(out, found.image, found.attributes, record, "restored",
                               source_type("restored", found.task is not None),
                               [f"restored: {found.task}"] if found.task else [])
    print(f"wrote {card} and {info}, labelled as AI-restored (visible mark and PNG metadata)")
    return 0
