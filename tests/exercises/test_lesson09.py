"""Lesson 09's self-checks: the ranking score passes the reference and names the two known mistakes; the
prediction reads the shipped measurement, whose two hardest attributes are apart by more than their spread."""

import statistics

from course_lib.exercises.lesson09 import EDIT_CHOICES, check_hardest_edit_prediction, check_ranking_score, edit_table
from course_lib.listing.ranking import ranking_score


def test_the_reference_passes_and_the_known_mistakes_get_their_hint():
    assert check_ranking_score(ranking_score).passed
    summed = check_ranking_score(lambda agree, s: sum(agree.values()) + 0.25 * s)
    assert not summed.passed and "divide by how many were asked" in summed.message
    unweighted = check_ranking_score(lambda agree, s: sum(agree.values()) / len(agree) + s)
    assert not unweighted.passed and "weight it by 0.25" in unweighted.message

    def skeleton(agree, similarity):
        ...

    assert not check_ranking_score(skeleton).attempted


def test_the_prediction_is_read_from_a_measurement_that_is_clear():
    table = edit_table()
    assert set(table) == set(EDIT_CHOICES) and all(len(per["clean"]) == 3 for per in table.values())
    means = {name: statistics.fmean(per["clean"]) for name, per in table.items()}
    hardest, second = sorted(means, key=means.get)[:2]
    spread = max(statistics.stdev(table[n]["clean"]) for n in (hardest, second))
    assert means[second] - means[hardest] > 2 * spread  # not a coin flip between the two
    assert check_hardest_edit_prediction(hardest).passed
    assert not check_hardest_edit_prediction(second).passed
    assert not check_hardest_edit_prediction(...).attempted
    assert "not one of" in check_hardest_edit_prediction("size").message
