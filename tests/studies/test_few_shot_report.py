"""course_lib.studies.few_shot_report: runs read back from JSON lines, mean ± std per N and method, the table."""

import json

import pytest

from course_lib.studies.few_shot_report import COLUMNS, format_table, read_runs, summarise


def run(n, method, seed, fid):
    row = {key: float(seed) for key, _, _ in COLUMNS}
    return {**row, "n": n, "method": method, "seed": seed, "stop_fid": fid}


def test_summary_is_mean_and_sample_std_per_n_and_method(tmp_path):
    runs = [run(100, "full", 0, 2.0), run(100, "full", 1, 4.0), run(10, "full", 0, 8.0)]
    path = tmp_path / "runs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in runs) + "\n\n")
    assert read_runs(path) == runs and read_runs(tmp_path / "missing.jsonl") == []
    rows = summarise(runs)
    assert [(r["n"], r["method"], r["seeds"]) for r in rows] == [(10, "full", 1), (100, "full", 2)]
    mean, std = rows[1]["stop_fid"]
    assert mean == 3.0 and std == pytest.approx(2 ** 0.5)
    assert rows[0]["stop_fid"] == (8.0, None)
    table = format_table(runs).splitlines()
    assert table[0].startswith("| N | method | seeds | val. FID at the stop | test FID at the stop") and len(table) == 4
    assert "| 100 | full | 2 | 3.00 ± 1.41 |" in table[3] and "| 10 | full | 1 | 8.00 |" in table[2]


def test_the_shipped_table_is_package_data_and_read_by_default():
    from course_lib.studies.few_shot_report import read_runs, shipped_runs

    path = shipped_runs()
    assert path.parts[-4:] == ("course_lib", "assets", "results", "finetune_runs.jsonl") and path.is_file()
    runs = read_runs()
    assert len(runs) == 84 and {r["seed"] for r in runs} == {0, 1, 2} and runs == read_runs(path)
    assert all("stop_test_fid" in r for r in runs)  # selected on validation, reported on test


def test_the_study_long_runs_and_floor_files_hold_what_lesson_08_reads():
    import json

    from course_lib.gan.few_shot import STUDY_METHODS
    from course_lib.studies.few_shot_report import read_runs, shipped_runs

    study = read_runs(shipped_runs("finetune_study_runs.jsonl"))
    assert {(r["method"], r["n"], r["seed"]) for r in study} == {
        (m, n, s) for m in STUDY_METHODS for n in (10, 100) for s in (0, 1, 2)}
    long = read_runs(shipped_runs("finetune_long_runs.jsonl"))
    assert {r["budget_steps"] for r in long} == {2000} and {r["n"] for r in long} == {10, 100}
    floor = json.loads(shipped_runs("finetune_floor.json").read_text())
    by_n = {row["n"]: row["validation"][0] for row in floor["floor"]}
    assert by_n[1000] < by_n[100] < by_n[50]  # more held-out photos, a lower floor
    assert {r["n"] for r in floor["spread"]} == {10, 100} and all(len(r["values"]) == 10 for r in floor["spread"])
