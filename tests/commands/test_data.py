from idx_files import write_tiny_dataset

from course_lib import data
from course_lib.commands.cli import main


def test_data_check_reports_source_counts_and_checksums(tmp_path, monkeypatch, capsys):
    spec = write_tiny_dataset(tmp_path / "d")
    monkeypatch.setattr(data, "FASHION_MNIST", spec)
    assert main(["data", "--check", "--root", str(tmp_path / "d")]) == 0
    out = capsys.readouterr().out
    assert "source:    root argument" in out and "12 images" in out and "checksums: match" in out
    assert "Ankle boot (短靴)" in out


def test_data_check_mismatch_exits_1(tmp_path, capsys):
    write_tiny_dataset(tmp_path / "d")  # tiny files never match the real checksums
    assert main(["data", "--check", "--root", str(tmp_path / "d")]) == 2  # counts differ: a clear error
    assert "holds 12 samples" in capsys.readouterr().err


def test_missing_root_is_one_clear_line(tmp_path, capsys):
    assert main(["data", "--root", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "root argument points to" in err and "Traceback" not in err
