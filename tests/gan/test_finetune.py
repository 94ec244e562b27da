"""course_lib.gan.finetune: FreezeD freezes the first blocks only; the warm-up's rates; the base's networks (early
stopping and the validation FID, which it imports, are tested in test_scoring.py)."""


import pytest
import torch

from course_lib.gan.finetune import discriminator_blocks, freeze_first_blocks
from course_lib.models.cgan import CGANConfig, build_cgan
from course_lib.models.dcgan import DCGANConfig, build_dcgan
from course_lib.models.wgan import WGANConfig, build_wgan


@pytest.mark.parametrize("build, cfg", [(build_dcgan, DCGANConfig(width=4)), (build_wgan, WGANConfig(width=4)),
                                        (build_cgan, CGANConfig(width=4, d_norm="batch"))])
def test_freeze_first_blocks(build, cfg):
    _, discriminator = build(cfg)
    blocks = discriminator_blocks(discriminator)
    assert len(blocks) >= 3 and isinstance(blocks[0][0], torch.nn.Conv2d)
    first = sum(p.numel() for m in blocks[0] for p in m.parameters(recurse=False))
    assert freeze_first_blocks(discriminator, 1) == first
    assert all(not p.requires_grad for p in blocks[0][0].parameters())
    assert all(p.requires_grad for m in blocks[-1] for p in m.parameters(recurse=False))
    with pytest.raises(ValueError, match="freeze-d must be between 0 and"):
        freeze_first_blocks(discriminator, len(blocks))


def test_linear_warm_up_rises_to_the_recipe_rates_and_refuses_zero_steps():
    from types import SimpleNamespace

    from course_lib.gan.finetune import LinearWarmUp

    params = [torch.nn.Parameter(torch.zeros(1))]
    trainer = SimpleNamespace(opt_g=torch.optim.Adam(params, lr=1.0), opt_d=torch.optim.Adam(params, lr=1.0),
                              cfg=SimpleNamespace(lr_g=4e-4, lr_d=2e-4), step=0,
                              add_callback=lambda event, fn: None)
    warm = LinearWarmUp(4)
    warm.attach(trainer)
    seen = [trainer.opt_g.param_groups[0]["lr"], trainer.opt_d.param_groups[0]["lr"]]
    for step in range(1, 6):
        trainer.step = step
        warm(trainer)
        seen += [trainer.opt_g.param_groups[0]["lr"], trainer.opt_d.param_groups[0]["lr"]]
    assert seen == pytest.approx([rate for k in (1, 2, 3, 4, 4, 4) for rate in (1e-4 * k, 5e-5 * k)])
    with pytest.raises(ValueError, match="at least 1 step"):
        LinearWarmUp(0)
