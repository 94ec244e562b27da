"""course_lib.studies.edits: the study's prompts are seeded and bilingual, every edit is scored against the
tagger's reading, and the summary averages per repetition."""

from course_lib.listing.request import ATTRIBUTES, read_request
from course_lib.serialization import shipped_dir
from course_lib.studies.edits import edit_study, markdown, study_prompts, summary
from course_lib.text2img.model import load


def test_prompts_are_seeded_usable_and_in_both_languages():
    model = load(shipped_dir() / "text2img.pt", device="cpu")
    prompts = study_prompts(12, seed=0)
    assert prompts == study_prompts(12, seed=0) and prompts != study_prompts(12, seed=1)
    assert all(read_request(model, p).language == ("en" if i % 2 == 0 else "zh") for i, p in enumerate(prompts))


def test_a_small_study_scores_one_edit_per_attribute_and_summarises():
    model = load(shipped_dir() / "text2img.pt", device="cpu")
    study = edit_study(model, count=3, repetitions=2)
    assert set(study["rows"]) == {0, 1} and all(len(rows) == 3 * len(ATTRIBUTES) for rows in study["rows"].values())
    for rows in study["rows"].values():
        for row in rows:
            assert not row["clean"] or (row["reached"] and row["others"] == 0)
    table = summary(study)
    assert set(table) == set(ATTRIBUTES) and all(len(per["clean"]) == 2 for per in table.values())
    text = markdown(table, 3, 2)
    assert text.count("\n| ") == len(ATTRIBUTES) and "3 prompts x 2 seeds" in text  # a row per attribute
