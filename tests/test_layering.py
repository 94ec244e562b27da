"""The package's shape, checked from the source: layers, no import cycles, short files, a small top level.

Layers, lowest first (docs/architecture.md draws them):

    foundations (runtime, serialization, categories, data (with data.batches and data.augment), photos, plots)
      <- models <- metrics <- gan <- editing, text2img <- listing, studies <- widgets, exercises <- commands

A module may import its own layer and the layers below it, never one above. Inside the domain layer the
order metrics < gan < editing holds (gan's fine-tuning scores with metrics; editing's pix2pix reuses gan's
losses, history and callbacks), so the three packages have no cycle between them either; ``text2img`` (lesson
07) sits beside ``editing`` and neither imports the other. ``studies`` (benchmarks and experiment harnesses)
may use every domain, and no domain imports it; ``listing`` (lesson 09: the domains composed into a product
listing) sits beside it. Only ``commands/`` (``commands/cli.py`` is the command line's entry) and ``__main__``
import ``commands``.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "course_lib"
FOUNDATIONS = ("runtime", "serialization", "categories", "data", "photos", "plots")
RANKS = {**dict.fromkeys(FOUNDATIONS, 0), "models": 1, "metrics": 2, "gan": 3, "editing": 4, "text2img": 4,
         "studies": 5, "listing": 5, "widgets": 6, "exercises": 6, "commands": 7, "__main__": 9, "__init__": 0,
         "assets": 0}
# inside the foundations, the few edges there are (data reads categories, for example), in one direction
FOUNDATION_ORDER = FOUNDATIONS
MAX_LINES = 250
# Within 15 lines of MAX_LINES, and where each splits next (by concern, not by packing lines):
# - exercises/checks.py (246): the function checks (check_function, Hint, compare) apart from the checks of
#   predictions (check_prediction, NoiseRule, check_measured);
# - exercises/lesson08.py (242): the two predict-then-run checks (D's overfitting, which start is ahead) apart
#   from the code exercises (FreezeD's freezing, the early-stopping rule);
# - runtime.py (236): the device (resolve_device, select_device, autocast, compile_networks) apart from the
#   process (CPU threads, fast mode, rank, say).
MAX_TOP_LEVEL = 20


def module_name(path: Path) -> str:
    """course_lib/gan/trainer.py -> 'course_lib.gan.trainer'; packages by their folder."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of the course_lib modules (or names inside them) that ``path`` imports, at any depth."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "course_lib":
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "course_lib")
    return found


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module a dotted import name lands in (``course_lib.gan.recipes.RECIPES`` -> ``course_lib.gan.recipes``)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def layer(module: str) -> str:
    """'course_lib.gan.trainer' -> 'gan'; 'course_lib' -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def edges() -> list[tuple[str, str]]:
    """(importer, imported) module pairs inside course_lib, imported names resolved to their module."""
    known = modules()
    found = set()
    for name, path in known.items():
        for target in imports_of(path):
            module = resolve(target, known)
            if module is not None and module != name and module != "course_lib":
                found.add((name, module))
    return sorted(found)


def rule_breaks(pairs) -> list[str]:
    """Every edge that breaks the layering, as 'importer -> imported (why)'."""
    broken = []
    for src, dst in pairs:
        a, b = layer(src), layer(dst)
        if a not in RANKS or b not in RANKS:
            broken.append(f"{src} -> {dst} (a top-level entry the layering does not know: add it to RANKS)")
        elif b == "commands" and a not in ("commands", "__main__"):
            broken.append(f"{src} -> {dst} (only commands/ may import the command line)")
        elif RANKS[b] > RANKS[a]:
            broken.append(f"{src} -> {dst} ({a} may not import {b}, a higher layer)")
        elif RANKS[a] == RANKS[b] == 0 and a != b and FOUNDATION_ORDER.index(b) > FOUNDATION_ORDER.index(a):
            broken.append(f"{src} -> {dst} (foundations import each other in the order {FOUNDATION_ORDER} only)")
        elif RANKS[a] == RANKS[b] == 4 and a != b:
            broken.append(f"{src} -> {dst} (editing and text2img are independent domains)")
        elif RANKS[a] == RANKS[b] == 6 and a != b:
            broken.append(f"{src} -> {dst} (widgets and exercises are independent)")
    return broken


def cycles(pairs) -> list[list[str]]:
    """Import cycles among modules (each as the list of modules around it)."""
    graph: dict[str, set[str]] = {}
    for src, dst in pairs:
        graph.setdefault(src, set()).add(dst)
    found, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_no_module_imports_a_higher_layer():
    broken = rule_breaks(edges())
    assert not broken, "layering broken:\n" + "\n".join(broken)


def test_the_rule_names_the_offending_edge():
    """The check fails, naming the edge, when the library imports the command line or a higher layer."""
    assert rule_breaks([("course_lib.gan.trainer", "course_lib.commands.train")]) == [
        "course_lib.gan.trainer -> course_lib.commands.train (only commands/ may import the command line)"]
    assert rule_breaks([("course_lib.models.dcgan", "course_lib.gan.losses")]) == [
        "course_lib.models.dcgan -> course_lib.gan.losses (models may not import gan, a higher layer)"]
    assert rule_breaks([("course_lib.gan.zoo", "course_lib.editing.degrade")]) != []
    assert rule_breaks([("course_lib.editing.pix2pix", "course_lib.gan.losses")]) == []
    assert rule_breaks([("course_lib.gan.finetune", "course_lib.studies.few_shot_runs")]) == [
        "course_lib.gan.finetune -> course_lib.studies.few_shot_runs (gan may not import studies, a higher layer)"]
    assert rule_breaks([("course_lib.widgets.few_shot_explorer", "course_lib.studies.few_shot_runs")]) == []
    assert rule_breaks([("course_lib.editing.pix2pix", "course_lib.text2img.colour")]) == [
        "course_lib.editing.pix2pix -> course_lib.text2img.colour (editing and text2img are independent domains)"]
    assert rule_breaks([("course_lib.text2img.tagger", "course_lib.editing.degrade")]) != []


def test_no_import_cycles():
    assert cycles(edges()) == []
    assert cycles([("a", "b"), ("b", "a")]) == [["a", "b", "a"]]


def test_the_layering_is_real_for_a_new_edge(tmp_path, monkeypatch):
    """A new edge from the library into commands/ written into a file is caught from the source."""
    fake = tmp_path / "course_lib" / "gan"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from ..commands import UserError\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path / "course_lib")
    assert imports_of(fake / "bad.py") == {"course_lib.commands", "course_lib.commands.UserError"}


def test_top_level_is_small_and_files_are_short():
    entries = [p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"]
    assert len(entries) <= MAX_TOP_LEVEL, sorted(entries)
    assert {p.stem for p in PACKAGE.iterdir() if p.name != "__pycache__"} <= set(RANKS), "unknown top-level entry"
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines()))
            > MAX_LINES}
    assert not long, f"files over {MAX_LINES} lines (split them by concern): {long}"


@pytest.mark.parametrize("folder", sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name not in
                                          ("__pycache__", "assets")))
def test_tests_mirror_the_package(folder):
    """Every module of a subpackage has tests/<subpackage>/test_<module>.py."""
    tests = PACKAGE.parent / "tests" / folder
    missing = [p.stem for p in sorted((PACKAGE / folder).glob("*.py"))
               if p.stem != "__init__" and not (tests / f"test_{p.stem}.py").is_file()]
    assert not missing, f"no tests/{folder}/test_<module>.py for: {missing}"
