"""course_lib.commands.gan_run: a GAN run's settings read from a checkpoint in one place, and each difference on
--resume refused with the flag that matches it."""

import pytest

from course_lib.commands import UserError
from course_lib.commands.gan_run import GANRunSettings, check_resume

FOLDER = {"folder": "shop", "absolute": "/data/shop", "image_size": 64, "channels": 3, "classes": []}


def test_settings_round_trip_through_the_checkpoint_extra_and_old_files_read_with_defaults():
    settings = GANRunSettings(2.0, "bf16", 9, FOLDER)
    assert GANRunSettings.saved_in({"extra": settings.extra()}, default_epochs=5) == settings
    assert set(GANRunSettings(2.0, "fp32").extra()) == {"epochs", "exclude_category", "precision"}  # no folder key
    assert GANRunSettings.saved_in({"extra": {}}, default_epochs=5) == GANRunSettings(5)  # a file from before
    assert GANRunSettings.saved_in({}, default_epochs=5) == GANRunSettings(5)


@pytest.mark.parametrize("now,flag,message", [
    (GANRunSettings(2.0, "bf16", 9, None), None, "was trained on --data shop: resume with that --data"),
    (GANRunSettings(2.0, "bf16", 3, FOLDER), "Dress", "--exclude-category Dress: the checkpoint was trained "
                                                      "excluding 9"),
    (GANRunSettings(2.0, "fp32", 9, FOLDER), None, "trained in bf16 and this run resolves to fp32: resume with "
                                                   "--precision bf16"),
])
def test_each_difference_is_refused_with_its_flag(now, flag, message):
    saved = GANRunSettings(2.0, "bf16", 9, FOLDER)
    check_resume(saved, saved, "ckpt.pt", None)
    with pytest.raises(UserError, match=message):
        check_resume(saved, now, "ckpt.pt", flag)


def test_a_file_without_a_recorded_precision_resumes_in_any():
    check_resume(GANRunSettings(2.0), GANRunSettings(2.0, "bf16"), "ckpt.pt", None)
