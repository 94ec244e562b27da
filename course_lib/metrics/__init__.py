"""Metrics for generated Fashion-MNIST images: FID, KID, IS, precision/recall, per-class FID, GAN-test/train.

``evaluate_generator(images_or_sample_fn)`` runs everything against the real test split with the course's frozen
classifier as feature extractor (torch-fidelity does the math); ``calibration_points()`` gives the numbers
of known references; ``frechet_distance`` / ``fid_from_features`` are the FID math by hand (scipy).
One concern per file: scorer (the one way to score a generator: ``FidScorer``), frechet (math), prc
(precision/recall), features (extraction and cache), samples (sampling), per_class, gan_train, inception, result
(the returned dataclass), evaluation, calibration, fidelity (the torch-fidelity extractor), images (the input
check), leak_probe (lesson 01), nearest (nearest training neighbours, memorisation), photo_metrics (PSNR/SSIM),
sample_size (FID's bias against n).
"""

from .calibration import blur_3x3, calibration_points
from .evaluation import EvaluationConfig, evaluate_generator
from .frechet import feature_statistics, fid_from_features, frechet_distance
from .gan_train import gan_test_accuracy, gan_train_accuracy
from .prc import knn_radii, precision_recall
from .result import Evaluation

__all__ = ["Evaluation", "EvaluationConfig", "blur_3x3", "calibration_points", "evaluate_generator",
           "feature_statistics", "fid_from_features", "frechet_distance", "gan_test_accuracy", "gan_train_accuracy",
           "knn_radii", "precision_recall"]
