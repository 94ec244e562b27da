"""course_lib.studies.stability: the same real-data budget for every kind, one Run per kind and seed."""

import dataclasses

import pytest
import torch
from tiny_gan import tiny_images

from course_lib.gan import recipes
from course_lib.models.dcgan import DCGANConfig
from course_lib.models.wgan import WGANConfig
from course_lib.studies import stability


@pytest.fixture
def tiny_recipes(monkeypatch):
    for kind, model in (("dcgan", DCGANConfig(latent_dim=4, width=4)), ("wgan-gp", WGANConfig(latent_dim=4, width=4))):
        monkeypatch.setitem(recipes.RECIPES, kind, dataclasses.replace(recipes.RECIPES[kind], model=model))
    monkeypatch.setattr(stability, "fid_of", lambda generator, n, scorer=None: float(n))


def test_budget_counts_real_batches(tiny_recipes):
    trainer = stability.train_on_budget("wgan-gp", 3, 10, tiny_images(64), batch_size=8)
    assert trainer.step == 2 and trainer.cfg.seed == 3 and trainer.cfg.n_critic == 5  # 10 batches / 5
    assert trainer.batches.epoch == 1 and trainer.batches.position == 16  # 8 batches per epoch, 10 used
    assert stability.train_on_budget("dcgan", 3, 10, tiny_images(64), batch_size=8).step == 10


def test_compare_runs_every_kind_and_seed(tiny_recipes):
    runs = stability.compare(["dcgan", "wgan-gp"], [0, 1], 5, tiny_images(256), n_fid=7)
    assert [(r.kind, r.seed) for r in runs] == [("dcgan", 0), ("dcgan", 1), ("wgan-gp", 0), ("wgan-gp", 1)]
    assert all(r.fid == 7.0 and r.seconds > 0 for r in runs)
    assert runs[0].trainer.step == 5 and runs[2].trainer.step == 1
    g0, g1 = (next(r.trainer.generator.parameters()) for r in runs[:2])
    assert not torch.equal(g0, g1)  # the seed changes the init
