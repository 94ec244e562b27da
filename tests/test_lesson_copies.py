"""The two copies of every lesson: learner copies hold no solution, every exercise has a skeleton and a worked
answer, and every check passes on the answer and says "not attempted" on the skeleton.

nbval executes both copies (testpaths include notebooks/ and notebooks/solutions/); tests/test_repository.py
checks that both are in sync with their sources.
"""

import ast
from pathlib import Path

import jupytext
import pytest

from tools import build_notebooks

ROOT = Path(__file__).resolve().parents[1]

SOURCES = sorted((ROOT / "notebooks" / "_src").glob("[0-9][0-9]_*.py"))


def tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def exercises(src: Path) -> list[tuple[str, str, str]]:
    """(skeleton code, solution code, check code) per exercise, in lesson order.

    The check is the first untagged code cell after the solution; it runs in both copies.
    """
    cells = jupytext.read(src).cells
    found = []
    for i, cell in enumerate(cells):
        if "exercise" not in tags(cell):
            continue
        solution = next(c for c in cells[i + 1:] if c.cell_type == "code" and "solution" in tags(c))
        after = cells.index(solution) + 1
        check = next(c for c in cells[after:] if c.cell_type == "code" and not tags(c))
        found.append((cell.source, solution.source, check.source))
    return found


def significant_lines(code: str) -> set[str]:
    """Lines of a solution that give it away: not blank, not comments, not a def line, not the docstring."""
    tree = ast.parse(code)
    docstrings = {n.body[0].value.value for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    lines = set()
    for line in code.splitlines():
        text = line.strip()
        if text and not text.startswith(("#", "def ", '"""')) and text.strip('"') not in docstrings:
            lines.add(text.split("  #")[0].strip())
    return lines


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_every_lesson_has_two_exercises_of_which_one_is_not_a_formula(src):
    found = exercises(src)
    assert len(found) >= 2, f"{src.name}: {len(found)} exercise(s); the course asks for at least two per lesson"
    assert all("..." in skeleton for skeleton, _, _ in found), "a skeleton must leave `...` where the learner writes"
    kinds = {"function" if skeleton.lstrip().startswith("def ") else "predict-or-tune" for skeleton, _, _ in found}
    assert "predict-or-tune" in kinds, f"{src.name}: every exercise is a formula; add a predict-then-run one"


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_learner_copy_holds_no_solution_code(src):
    learner = jupytext.reads(build_notebooks.build(src, "learner"), fmt="ipynb")
    code = {line.strip() for cell in learner.cells if cell.cell_type == "code" for line in cell.source.splitlines()}
    shared = {line.strip() for cell in learner.cells if cell.cell_type == "code" and not tags(cell)
              for line in cell.source.splitlines()}  # cells both copies have: generic lines such as imports
    code -= shared
    assert not any("solution" in tags(c) for c in learner.cells)
    for _, solution, _ in exercises(src):
        leaked = significant_lines(solution) & code
        assert not leaked, f"{src.name}: solution lines in the learner copy: {sorted(leaked)}"
    solutions = jupytext.reads(build_notebooks.build(src, "solutions"), fmt="ipynb")
    assert not any("exercise" in tags(c) for c in solutions.cells)


def run_cell(code: str, namespace: dict):
    """Execute a cell like a notebook does and return the value of its last expression (or None)."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    return None if last is None else eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_checks_pass_on_the_solution_and_say_not_attempted_on_the_skeleton(src, capsys):
    imports = next(c.source for c in jupytext.read(src).cells if c.cell_type == "code" and "import" in c.source)
    base: dict = {}
    exec(imports, base)
    for skeleton, solution, check in exercises(src):
        learner_ns = dict(base)
        exec(skeleton, learner_ns)
        result = run_cell(check, learner_ns)
        assert not result.attempted and not result.passed and "Hint:" in result.message, (src.name, result)
        assert repr(result).startswith("NOT ATTEMPTED")
        solved_ns = dict(base)
        exec(solution, solved_ns)
        result = run_cell(check, solved_ns)
        assert result.passed, (src.name, result)
    capsys.readouterr()
