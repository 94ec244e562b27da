"""course_lib.commands.evaluators: the U-Net evaluator the evaluate command dispatches to."""

import json

from unet_files import catalog, tiny_file


def test_evaluator_entry_for_the_evaluate_command(tmp_path, monkeypatch):
    import argparse

    from course_lib.commands.evaluators import unet_evaluator
    from course_lib.editing import evaluation

    monkeypatch.setattr(evaluation, "held_out_images", lambda n: catalog()[:n])
    args = argparse.Namespace(n=20_000, seed=0, device="cpu")
    path = tiny_file(tmp_path, ("inpaint",))
    payload, text = unet_evaluator(path, None, args)  # no contents given: the file is read here
    assert payload["n"] == 6 and payload["seed"] == 0 and json.loads(json.dumps(payload)) == payload
    row = next(r for r in payload["rows"] if r["method"] == "unet" and r["strength"] == 0.5)
    assert payload["metrics"]["inpaint_s0.5_unet_psnr"] == row["psnr"]
    assert "inpaint_margin_db" in payload["metrics"] and "inpaint (one model" in text
