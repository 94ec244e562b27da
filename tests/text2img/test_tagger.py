"""course_lib.text2img.tagger: it learns the constructed attributes far above the majority baseline."""

from course_lib.text2img.tagger import head_accuracy, heads, majority_accuracy, predict, train_tagger
from text2img.edition_files import constructed_edition


def test_the_tagger_beats_the_majority_baseline():
    train, test = constructed_edition(480, seed=0), constructed_edition(120, seed=1)
    model = train_tagger(train, steps=120, batch_size=64, progress=False)
    accuracy, baseline = head_accuracy(model, test), majority_accuracy(train, test)
    assert set(accuracy) == {name for name, _ in heads()} == set(baseline)
    assert accuracy["category"] > 0.9 and accuracy["colour"] > 0.6 and accuracy["width"] > baseline["width"] + 0.2
    assert predict(model, test.floats()[:5])["tone"].shape == (5,)
