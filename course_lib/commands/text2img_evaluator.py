"""The ``evaluate`` report of a text2img file (``text2img.evaluation.evaluate_text2img``): JSON fields and text.

Fields: ``retrieval_recall_at_1`` and ``retrieval_recall_at_5`` ({seen_en, seen_zh, held_out_en,
held_out_zh}), ``category_accuracy`` (samples, by the course classifier) beside ``category_accuracy_real``,
``attribute_accuracy`` ({colour, tone, width, pattern}: measured attributes of the samples against the
prompt) beside ``attribute_chance`` and ``tagger_on_real``, ``majority_baseline`` and ``fid_course``;
``category_accuracy_by_category`` and ``category_accuracy_by_colour`` ({group: generated, real, ratio, n}),
``prompt_diversity`` ({mean, min, max, prompts, by_category}: variety within one prompt, as a ratio to real).
"""

from __future__ import annotations

from pathlib import Path

from ..runtime import select_device
from ..text2img.evaluation import evaluate_text2img
from ..text2img.model import load
from . import UserError
from .flow_flags import configure as configure_sampler


def format_report(result: dict) -> str:
    """The text form of ``evaluate_text2img``'s result."""
    sampler = result.get("sampler")
    drawn = "" if sampler is None else (f", flow sampler: {sampler['steps']} {sampler['method']} steps, guidance "
                                        f"{sampler['guidance']:g}")
    lines = [f"text2img on {result['n']} test prompts (seed {result['seed']}{drawn})", "",
             "text -> image retrieval     recall@1   recall@5"]
    for key, r1 in result["retrieval_recall_at_1"].items():
        lines.append(f"  {key:<24}  {r1:8.3f}   {result['retrieval_recall_at_5'][key]:8.3f}")
    lines += ["", f"category of samples (classifier): {result['category_accuracy']:.3f}   "
              f"(real images {result['category_accuracy_real']:.3f}, chance 0.100)", "",
              "category of samples, by category   samples   real   ratio"]
    for name, row in result["category_accuracy_by_category"].items():
        ratio = "  n/a" if row["ratio"] is None else f"{row['ratio']:.2f}"
        lines.append(f"  {name:<30} {row['generated']:8.3f} {row['real']:6.3f} {ratio:>7}")
    lines += ["", "attribute of samples = prompt   samples   chance   tagger on real"]
    tagger = result.get("tagger_on_real", {})
    for name, value in result["attribute_accuracy"].items():
        lines.append(f"  {name:<28} {value:8.3f} {result['attribute_chance'][name]:8.3f} "
                     f"{tagger.get(name, float('nan')):12.3f}")
    variety = result.get("prompt_diversity", {})
    if variety.get("prompts"):
        lines += ["", f"variety within one prompt (samples / real, classifier features): mean {variety['mean']:.2f}, "
                      f"min {variety['min']:.2f}, max {variety['max']:.2f} over {variety['prompts']} prompts",
                  "  by category: " + ", ".join(f"{k} {v:.2f}" for k, v in variety["by_category"].items())]
    lines += ["", f"FID (course scale, luminance views): {result['fid_course']:.2f}"]
    return "\n".join(lines)


def text2img_evaluator(path: Path, obj: dict, args) -> tuple[dict, str]:
    """Evaluator of text2img files. Uses ``args.n`` (test prompts), ``args.seed`` and ``args.device``."""
    given = [flag for flag, on in (("--calibration", args.calibration), ("--inception-weights",
             args.inception_weights), ("--data", args.data), ("--no-gan-train", args.no_gan_train)) if on]
    if given:
        raise UserError(f"{', '.join(given)}: not for a text2img file (it is scored on the colour edition).")
    device = select_device(args.device)
    model = load(path, device=device, obj=obj)
    configure_sampler(model, args)
    result = evaluate_text2img(model, n=args.n, seed=args.seed, device=device)
    if getattr(model, "kind", None) == "flow":
        result["sampler"] = {"steps": model.generator.steps, "guidance": model.generator.guidance,
                             "method": model.generator.method}
    return result, format_report(result)
