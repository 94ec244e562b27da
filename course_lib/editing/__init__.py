"""Editing product photos (lesson 05): degradations, image scores, classical baselines, pix2pix training of
the U-Net, its files and its evaluation. What a lesson needs is importable from here:

    from course_lib.editing import TASKS, degrade, fit_unet, restore, baseline, psnr

One concern per module: degrade (the four damages), scores (PSNR/SSIM, scoring a method), baselines
(classical methods), ambiguity (why L2 blurs), restoring (running a U-Net), pix2pix (its training step, on the
course's loop), training (one task's run, the default recipe), checkpoint (U-Net files, the shipped ones),
evaluation (U-Net against the baselines).
"""

from .ambiguity import fit_prediction, loss_optima, plausible_answers, sharpness, with_fill
from .baselines import BASELINES, baseline
from .checkpoint import load_pretrained_pair, load_pretrained_unet, shipped_pair_or, shipped_unet_or
from .degrade import HOLE_FILL, TASKS, degrade, physical_parameters, rectangle_mask
from .evaluation import evaluate_models, evaluate_unet, format_unet_report
from .pix2pix import FitConfig, fit_unet, pix2pix_loop
from .restoring import restore, unet_config
from .scores import mean_psnr, psnr, restoration_scores, score_restoration, ssim

__all__ = ["FitConfig", "HOLE_FILL", "BASELINES", "TASKS", "baseline", "degrade", "evaluate_models", "evaluate_unet",
           "fit_prediction", "fit_unet", "format_unet_report", "load_pretrained_pair", "load_pretrained_unet",
           "loss_optima", "mean_psnr", "physical_parameters", "pix2pix_loop", "plausible_answers", "psnr",
           "rectangle_mask", "restoration_scores", "restore", "score_restoration", "sharpness", "shipped_pair_or",
           "shipped_unet_or", "ssim", "unet_config", "with_fill"]
