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

from .. import lazy_exports

# name -> the module that defines it, imported on first use (PEP 562): the evaluation pulls in torch-fidelity and
# torchvision (seconds), which a caller of one small metric (memorisation, nearest) does not need; no exported
# name is also the name of a module here (a submodule's import would bind the package attribute to the module)
EXPORTS = {"blur_3x3": "calibration", "calibration_points": "calibration", "EvaluationConfig": "evaluation",
           "evaluate_generator": "evaluation", "feature_statistics": "frechet", "fid_from_features": "frechet",
           "frechet_distance": "frechet", "gan_test_accuracy": "gan_train", "gan_train_accuracy": "gan_train",
           "knn_radii": "prc", "precision_recall": "prc", "Evaluation": "result"}
__all__ = sorted(EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
