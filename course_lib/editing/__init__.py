"""Editing product photos (lesson 05): degradations, image scores, classical baselines, pix2pix training of
the U-Net, its files and its evaluation. What a lesson needs is importable from here:

    from course_lib.editing import TASKS, degrade, fit_unet, restore, baseline, psnr

One concern per module: degrade (the four damages), scores (PSNR/SSIM, scoring a method), baselines
(classical methods), ambiguity (why L2 blurs), restoring (running a U-Net), pix2pix (its training step, on the
course's loop), training (one task's run, the default recipe), checkpoint (U-Net files, the shipped ones),
evaluation (U-Net against the baselines).
"""

from .. import lazy_exports
from .degrade import degrade as degrade  # named like its module: bound here, or the submodule would shadow it

# name -> the module that defines it, imported on first use (PEP 562): the baselines and scores pull in
# scikit-image (a second or more), which a caller of one part (the listing's restoration) does not need
EXPORTS = {
    **dict.fromkeys(("fit_prediction", "loss_optima", "plausible_answers", "sharpness", "with_fill"), "ambiguity"),
    **dict.fromkeys(("BASELINES", "baseline"), "baselines"),
    **dict.fromkeys(("load_pretrained_pair", "load_pretrained_unet", "shipped_pair_or", "shipped_unet_or"),
                    "checkpoint"),
    **dict.fromkeys(("HOLE_FILL", "TASKS", "physical_parameters", "rectangle_mask"), "degrade"),
    **dict.fromkeys(("evaluate_models", "evaluate_unet", "format_unet_report"), "evaluation"),
    **dict.fromkeys(("FitConfig", "fit_unet", "pix2pix_loop"), "pix2pix"),
    **dict.fromkeys(("restore", "unet_config"), "restoring"),
    **dict.fromkeys(("mean_psnr", "psnr", "restoration_scores", "score_restoration", "ssim"), "scores"),
}
__all__ = sorted([*EXPORTS, "degrade"])

__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
