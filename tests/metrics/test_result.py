"""course_lib.metrics.result: the Evaluation dataclass is JSON-ready and prints a readable summary."""

import json

from course_lib.categories import CLASS_NAMES
from course_lib.metrics.result import Evaluation


def evaluation(**changes):
    values = dict(fid=8.5, kid_mean=0.1, kid_std=0.01, is_mean=6.4, is_std=0.1, precision=0.5, recall=0.6,
                  per_class_fid=tuple(float(c) for c in range(10)), per_class_count=(100,) * 10,
                  per_class_by="predicted class", gan_test_accuracy=None, gan_train_accuracy=None,
                  fid_inception=None, num_generated=1000, num_real=1000, kid_subset_size=1000,
                  extractor_sha256="ab" * 32, seconds=1.5)
    return Evaluation(**{**values, **changes})


def test_to_dict_is_json_ready():
    result = evaluation()
    assert json.loads(json.dumps(result.to_dict()))["fid"] == 8.5


def test_summary_shows_what_was_measured():
    text = evaluation().summary()
    assert "FID 8.50" in text and "precision 0.500" in text and CLASS_NAMES[9] in text
    assert "GAN-test" not in text and "Inception" not in text
    text = evaluation(gan_test_accuracy=0.93, gan_train_accuracy=0.81, fid_inception=25.0).summary()
    assert "GAN-test accuracy 0.930   GAN-train accuracy 0.810" in text and "Inception FID 25.00" in text
