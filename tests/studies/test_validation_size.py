"""course_lib.studies.validation_size: a generator with more noise is further from the test images, and the
share of draws ordering the two right is a proportion that grows toward 1 with a clear gap."""

from course_lib.studies.validation_size import ordering


def test_a_small_run_orders_a_clear_gap_and_reports_proportions():
    rows = ordering(sigmas=(0.1,), sizes=(8, 50), draws=4)
    assert [r["n"] for r in rows] == [8, 50] and rows[0]["fid_gap"] > 0
    assert all(0 <= r["fid_right"] <= 1 and 0 <= r["kid_right"] <= 1 for r in rows)
    assert rows[1]["fid_right"] == 1.0  # noise of 0.1 is many FID units: every draw of 50 orders it right
