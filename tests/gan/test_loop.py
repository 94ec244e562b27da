"""course_lib.gan.loop: one loop drives every adversarial family; each is interrupted by Ctrl-C mid-run and resumed
bit for bit from a saved state; and no other discriminator update is hidden in the library."""

import ast
import io
import os
import signal
from pathlib import Path

import pytest
import torch
from text2img.edition_files import tiny_text_gan_setup
from tiny_gan import tiny_images, tiny_trainer

from course_lib.data.batches import BatchSource
from course_lib.editing.pix2pix import FitConfig, pix2pix_loop
from course_lib.gan.health import NonFiniteLossError
from course_lib.gan.loop import Loop
from course_lib.models.patchgan import PatchGAN, PatchGANConfig
from course_lib.models.unet import UNet, UNetConfig
from course_lib.text2img.text_gan import GANRun, text_gan_loop

LIBRARY = Path(__file__).resolve().parents[2] / "course_lib"
STEPS, CUT = 6, 3


def gan_loop() -> Loop:
    return tiny_trainer(log_every=2)


def text_loop() -> Loop:
    data, tokenizer, clip, cfg = tiny_text_gan_setup()
    return text_gan_loop(data, clip, tokenizer, GANRun(steps=STEPS, batch_size=8, seed=5), cfg, "cpu", log_every=2)


def pix2pix_family_loop() -> Loop:
    torch.manual_seed(0)
    unet, patch_d = UNet(UNetConfig(width=8, depth=2, groups=4, cond_channels=1)), PatchGAN(PatchGANConfig(width=8))
    batches = BatchSource(tiny_images(40), None, batch_size=8, seed=1)
    cfg = FitConfig(tasks=("inpaint",), num_steps=STEPS, seed=2)
    return pix2pix_loop(unet, batches, cfg, patch_d, log_every=2)


FAMILIES = {"gan": gan_loop, "text": text_loop, "pix2pix": pix2pix_family_loop}


def ctrl_c_at(loop: Loop, step: int) -> None:
    """Send SIGINT to this process after ``step``, as a user pressing Ctrl-C in the terminal would."""
    loop.add_callback("on_step_end", lambda loop: os.kill(os.getpid(), signal.SIGINT) if loop.step == step else None)


def through_a_file(state: dict) -> dict:
    """The state as ``torch.load(weights_only=True)`` reads it back from a checkpoint."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def assert_same(a, b, where="state"):
    """Nested dicts/lists of tensors and plain values are equal, tensors bit for bit."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, torch.Tensor):
        assert torch.equal(a, b), where
    else:
        assert a == b, where


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_family_interrupted_mid_run_resumes_bit_for_bit(family):
    make = FAMILIES[family]
    whole = make()
    whole.run(STEPS, progress=False)

    cut = make()
    ctrl_c_at(cut, CUT)
    with pytest.raises(KeyboardInterrupt, match=f"after step {CUT}"):
        cut.run(STEPS, progress=False)
    state = through_a_file(cut.state_dict())
    resumed = make()
    resumed.load_state_dict(state)
    assert resumed.step == CUT
    resumed.run(STEPS - resumed.step, progress=False)

    assert resumed.step == whole.step == STEPS
    assert_same(through_a_file(whole.state_dict()), through_a_file(resumed.state_dict()))
    assert resumed.history.steps == list(range(1, STEPS + 1))


def test_a_non_finite_loss_stops_the_pix2pix_family_as_it_stops_the_gans():
    loop = pix2pix_family_loop()
    with torch.no_grad():
        next(loop.update.unet.parameters()).fill_(float("nan"))
    with pytest.raises(NonFiniteLossError, match="became nan at step 1"):
        loop.run(2, progress=False)
    with pytest.raises(NonFiniteLossError):
        loop.state_dict()  # a bad state is never saved


# Every discriminator update in the library, and why it is not on the loop. The step objects' update functions
# are what the loop drives; the rest teach or time a loop written out by hand. (gan/toy_problems.py fits lesson
# 04's toy critic to fixed samples with an `opt`: no generator takes turns with it, so it is no GAN loop.)
D_UPDATES = {
    "gan/steps.py": "d_step, the update of GANStep (noise to image)",
    "editing/pix2pix.py": "patch_d_step, the update of Pix2PixStep (the editing U-Net)",
    "text2img/text_gan.py": "MatchingAwareStep's D update (description to image)",
    "studies/tutorial.py": "the benchmark's reference: lesson 02's loop written out by hand, timed against the library",
    "exercises/lesson02.py": "the exercise's references: a learner's hand-written D step is compared with them",
}


def d_update_sites() -> set[str]:
    """Files of course_lib that call ``<something named opt_d>.step()``."""
    sites = set()
    for path in LIBRARY.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "step":
                receiver = node.func.value
                name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
                if name == "opt_d":
                    sites.add(path.relative_to(LIBRARY).as_posix())
    return sites


def test_every_discriminator_update_is_a_step_object_or_an_exempted_reference():
    assert d_update_sites() == set(D_UPDATES)
