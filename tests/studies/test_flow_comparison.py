"""course_lib.studies.flow_comparison on tiny models: scores, the curve read from snapshots, the sweeps, a GAN run."""

import pytest
from text2img.edition_files import constructed_edition, tiny_flow, tiny_model

from course_lib.studies import flow_comparison as study
from course_lib.text2img.attributes import fit_thresholds
from course_lib.text2img.catalog import tinted_split
from course_lib.text2img.training import snapshots_to

DATA = constructed_edition(320, categories=10)
KEYS = {"fid", "category", "colour", "tone", "width", "pattern", "variety", "variety_by_category"}


@pytest.fixture(scope="module")
def base():
    model = tiny_model()[0]
    images, labels = tinted_split("test")
    model.thresholds = fit_thresholds(images[:3000], labels[:3000])  # scored on the real test split
    return model


@pytest.fixture(scope="module")
def flow_and_snapshots(base, tmp_path_factory):
    folder = tmp_path_factory.mktemp("snap")
    writer = snapshots_to(folder, 3, "flow")
    return tiny_flow(base, DATA, steps=6), folder, writer


def test_quality_has_every_score_in_range(base):
    scores = study.quality(base, n=24, variety_samples=2, device="cpu")
    assert set(scores) == KEYS and scores["fid"] > 0
    assert all(0 <= scores[k] <= 1 for k in ("category", "colour", "tone", "width", "pattern"))


def test_sweeps_give_one_row_per_setting_and_time_it(flow_and_snapshots):
    flow = flow_and_snapshots[0]
    rows = study.steps_sweep(flow, steps=(1, 2), n=24, variety_samples=2, device="cpu")
    assert [r["steps"] for r in rows] == [1, 2] and all(r["ms"] > 0 and KEYS <= set(r) for r in rows)
    rows = study.guidance_sweep(flow, scales=(1.0, 3.0), steps=1, n=24, variety_samples=2, device="cpu")
    assert [r["guidance"] for r in rows] == [1.0, 3.0] and flow.generator.guidance == 3.0


def test_gan_run_writes_snapshots_and_the_curve_reads_them(base, tmp_path, monkeypatch):
    monkeypatch.setattr(study, "edition", lambda split, thresholds, count=None: DATA)
    monkeypatch.setattr(study, "RECIPE", study.RECIPE.__class__(gan_batch=8, gan_width=8))
    model = study.gan_run(base, tmp_path, steps=4, every=2, progress=False, device="cpu")
    assert model.kind == "text2img" and (tmp_path / "checkpoint.pt").is_file()
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == ["step_000002.pt", "step_000004.pt"]
    monkeypatch.undo()
    rows = study.curve(base, tmp_path / "snapshots", (2, 4), n=24, variety_samples=2, device="cpu")
    assert [r["step"] for r in rows] == [2, 4] and rows[0]["seconds"] <= rows[1]["seconds"]
