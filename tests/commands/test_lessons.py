import subprocess
from pathlib import Path

from course_lib.commands import lessons
from course_lib.commands.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_the_learner_copies_are_copied_once_and_a_learners_work_is_never_overwritten(tmp_path, capsys):
    folder = tmp_path / "mine"
    assert main(["lessons", str(folder)]) == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) and len(names) >= 8
    assert (folder / names[0]).read_bytes() == (ROOT / "notebooks" / names[0]).read_bytes()  # the learner copy
    (folder / names[0]).write_text("my answers")
    (folder / names[1]).unlink()  # e.g. a lesson the course added since
    capsys.readouterr()
    assert main(["lessons", str(folder)]) == 0
    out = capsys.readouterr().out
    assert (folder / names[0]).read_text() == "my answers" and f"kept    {folder / names[0]}" in out
    assert f"copied  {folder / names[1]}" in out and f"jupyter lab {folder}" in out


def test_a_file_where_the_folder_should_be_is_one_clear_line(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    assert main(["lessons", str(tmp_path / "f")]) == 2
    err = capsys.readouterr().err
    assert "is a file" in err and "Traceback" not in err


def test_without_a_checkout_it_says_where_the_lessons_are(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(lessons, "SOURCE_CHECKOUT", tmp_path)
    assert main(["lessons", str(tmp_path / "mine")]) == 2
    err = capsys.readouterr().err
    assert "the lessons come with the repository" in err and "Colab" in err and "github.com" in err


def test_git_ignores_the_default_folder():
    assert subprocess.run(["git", "check-ignore", "-q", "my-lessons/02_dcgan.ipynb"], cwd=ROOT).returncode == 0
