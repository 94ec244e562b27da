"""Both install modes find the shipped checkpoints: the editable checkout, and ``pip install .`` outside it."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from course_lib import serialization
from course_lib.gan.zoo import load_pretrained, pretrained_path
from tools import build_notebooks

ROOT = Path(__file__).resolve().parents[1]

PROBE = ("import course_lib, json; from course_lib.serialization import shipped_dir; "
         "from course_lib.gan.zoo import load_pretrained; "
         "from course_lib.editing.checkpoint import load_pretrained_unet; "
         "from course_lib.studies.few_shot_report import read_runs; "
         "print(json.dumps({'package': course_lib.__file__, 'shipped': str(shipped_dir()), "
         "'dcgan': load_pretrained('dcgan') is not None, 'unet': load_pretrained_unet('denoise') is not None, "
         "'runs': len(read_runs())}))")


def test_a_source_checkout_reads_its_own_checkpoints_folder(monkeypatch):
    monkeypatch.delenv(serialization.SHIPPED_ENV, raising=False)
    assert serialization.shipped_dir() == ROOT / "checkpoints"
    assert pretrained_path("wgan-gp") == ROOT / "checkpoints" / "wgan_gp.pt" and load_pretrained("dcgan") is not None


def test_the_environment_variable_comes_first_and_is_checked(tmp_path, monkeypatch):
    monkeypatch.setenv(serialization.SHIPPED_ENV, str(tmp_path))
    assert serialization.shipped_dir() == tmp_path and load_pretrained("dcgan") is None  # an empty folder
    monkeypatch.setenv(serialization.SHIPPED_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="COURSE_CHECKPOINTS=.*nowhere is not a folder"):
        serialization.shipped_dir()


def test_no_folder_at_all_lists_every_place_tried(tmp_path, monkeypatch):
    places = [("source checkout", tmp_path / "a"), ("installed copy", tmp_path / "b")]
    monkeypatch.setattr(serialization, "shipped_dirs", lambda: places)
    with pytest.raises(FileNotFoundError) as err:
        serialization.shipped_dir()
    assert str(tmp_path / "a") in str(err.value) and "pip install ." in str(err.value)
    assert load_pretrained("dcgan") is None  # the lessons then train their own


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The course's wheel, built once for the module (no dependencies, no build isolation: nothing downloads)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", str(ROOT),
                    "-w", str(out)], check=True, cwd=out)
    return next(out.glob("course_lib-*.whl"))


@pytest.fixture(scope="module")
def dependencies(tmp_path_factory) -> Path:
    """A folder of links to this environment's site-packages (torch, ...), less its own copy of course-lib.

    Put on PYTHONPATH, it gives a fresh interpreter the dependencies without the editable course_lib, whose
    metadata would tell pip it is already installed.
    """
    folder = tmp_path_factory.mktemp("dependencies")
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(("course_lib", "__editable__")) and not entry.name.endswith(".pth"):
            (folder / entry.name).symlink_to(entry)
    return folder


def probe(python: Path, cwd: Path, pythonpath: list[Path], **env) -> dict:
    """What ``python`` imports as course_lib, and whether its shipped checkpoints load."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, pythonpath)), **env}
    env.pop(serialization.SHIPPED_ENV, None)
    out = subprocess.run([str(python), "-c", PROBE], check=True, cwd=cwd, env=env, capture_output=True, text=True)
    return json.loads(out.stdout)


def pip_install(python: Path, wheel: Path, *options: str, **env) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "-q", *options, str(wheel)], check=True, env={**os.environ, **env})


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["venv", "user", "prefix", "target"])
def test_the_shipped_checkpoints_load_after_every_pip_install_scheme(scheme, wheel, dependencies, tmp_path):
    """A venv, ``--user`` (on the base interpreter), ``--prefix`` (the ``/usr/local`` scheme) and ``--target``."""
    # about 4 s per scheme on a 2-core CPU (pip, then an interpreter that imports torch), plus the wheel once
    python, path, env = Path(sys._base_executable), [dependencies], {}
    if scheme == "venv":
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True)
        python = tmp_path / "venv" / "bin" / "python"
        pip_install(python, wheel)
        home = tmp_path / "venv"
    elif scheme == "user":
        env = {"PYTHONUSERBASE": str(tmp_path / "userbase"), "PIP_BREAK_SYSTEM_PACKAGES": "1"}
        pip_install(python, wheel, "--user", **env)
        home = tmp_path / "userbase"
    elif scheme == "prefix":
        pip_install(python, wheel, "--prefix", str(tmp_path / "local"))
        home = tmp_path / "local"
        path.insert(0, Path(sysconfig.get_path("purelib", vars={"base": str(home), "platbase": str(home)})))
    else:
        pip_install(python, wheel, "--target", str(tmp_path / "target"))
        home = tmp_path / "target"
        path.insert(0, home)
    found = probe(python, tmp_path, path, **env)
    package = Path(found["package"])
    assert package.is_relative_to(home) and not package.is_relative_to(ROOT)
    assert Path(found["shipped"]) == package.parent / "checkpoints"  # package data, beside the code
    assert found["dcgan"] and found["unet"] and found["runs"] == 84  # lesson 08's measured table, package data


def repository_copy(folder: Path) -> Path:
    """The repository's files as a clone would have them (tracked and new files, nothing git ignores)."""
    names = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, names):
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    return folder


@pytest.mark.slow
def test_a_lessons_setup_cell_installs_the_course_in_a_fresh_python_and_the_lesson_runs(dependencies, tmp_path,
                                                                                        monkeypatch):
    """Colab's path: a kernel whose Python has no course_lib runs the generated setup cell (a local copy of the
    repository stands in for the git URL), then the lesson's first code cells: its imports and the data."""
    # about 15 s on a 2-core CPU: pip builds and installs the course, then the kernel imports torch
    import nbformat
    from nbclient import NotebookClient

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    spec = tmp_path / "jupyter" / "kernels" / "fresh"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "fresh Python", "language": "python",
        "env": {"PYTHONPATH": str(dependencies), build_notebooks.INSTALL_ENV: str(repository_copy(tmp_path / "repo")),
                "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0"}}))  # "0" turns build isolation off
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    lesson = nbformat.read(ROOT / "notebooks" / "01_data_and_augmentation.ipynb", as_version=4)
    code = [cell for cell in lesson.cells if cell.cell_type == "code"][:3]
    assert "setup" in code[0].metadata["tags"]
    code.append(nbformat.v4.new_code_cell("import course_lib; print(course_lib.__file__)"))
    lesson.cells = code
    (tmp_path / "work").mkdir()
    NotebookClient(lesson, kernel_name="fresh", timeout=300,
                   resources={"metadata": {"path": str(tmp_path / "work")}}).execute()
    assert "data from" in code[1].outputs[0]["text"]  # the lesson's first cell loaded Fashion-MNIST
    assert any(output.get("output_type") == "display_data" for output in code[2].outputs)  # its first figure
    package = Path(code[3].outputs[0]["text"].strip())
    assert package.is_relative_to(venv)  # installed by the setup cell, not found in the checkout
