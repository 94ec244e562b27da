"""Nothing in the library or a lesson pins the CPU (STYLE rule 13) except where docs/architecture.md says why.

Every ``device="cpu"`` in ``course_lib/`` and ``notebooks/_src/`` (a keyword argument, a default with or without
an annotation, ``device = torch.device("cpu")``) must be listed in the section "Where the CPU is chosen on
purpose": one bullet naming the file (``course_lib/`` paths relative to the package) and the function or class
around the line, with the reason.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "course_lib"
SECTION = "## Where the CPU is chosen on purpose"
PINNED = re.compile(r"""\bdevice\b(?:\s*:[^=,()\n]*)?\s*=\s*(?:torch\.device\()?["']cpu["']""")


def section_bullets(text: str) -> list[str]:
    """The bullets of the section, each joined into one line."""
    assert SECTION in text, f"docs/architecture.md has no section {SECTION!r}"
    body = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    bullets = []
    for line in body.splitlines():
        if line.startswith("- "):
            bullets.append(line)
        elif line.startswith("  ") and bullets:
            bullets[-1] += " " + line.strip()
    return bullets


def enclosing(tree: ast.AST, line: int) -> set[str]:
    """Names of the functions and classes whose source spans ``line``."""
    return {node.name for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.lineno <= line <= node.end_lineno}


def pins() -> list[tuple[str, set[str], str]]:
    """(file as the docs name it, enclosing names, the line) for every line that pins the CPU."""
    files = [(p, str(p.relative_to(PACKAGE))) for p in sorted(PACKAGE.rglob("*.py"))]
    files += [(p, str(p.relative_to(ROOT))) for p in sorted((ROOT / "notebooks" / "_src").glob("*.py"))]
    found = []
    for path, name in files:
        text = path.read_text()
        tree = None
        for number, line in enumerate(text.splitlines(), start=1):
            if PINNED.search(line.split("#", 1)[0]):
                tree = tree or ast.parse(text)
                found.append((name, enclosing(tree, number), line.strip()))
    return found


def is_listed(name: str, names: set[str], bullets: list[str]) -> bool:
    """True when one bullet names the file and (for a line inside one) a function or class around it."""
    return any(f"`{name}`" in b and (not names or any(f"`{n}`" in b for n in names)) for b in bullets)


def test_every_cpu_pin_is_listed_with_its_reason():
    bullets = section_bullets((ROOT / "docs" / "architecture.md").read_text())
    unlisted = [f"{name} ({', '.join(sorted(names)) or 'module level'}): {line}"
                for name, names, line in pins() if not is_listed(name, names, bullets)]
    assert not unlisted, ("these lines choose the CPU; pass the caller's device (default \"auto\"), or list them "
                          f"in docs/architecture.md, '{SECTION[3:]}', with the reason:\n" + "\n".join(unlisted))


def test_every_listed_file_still_pins_the_cpu():
    """A bullet whose file no longer names the CPU is stale: remove it."""
    bullets = section_bullets((ROOT / "docs" / "architecture.md").read_text())
    files = {name for name, _, _ in pins()}
    stale = [b for b in bullets if not any(f"`{name}`" in b for name in files)]
    assert not stale, "listed but no longer choosing the CPU:\n" + "\n".join(stale)


def test_the_pattern_finds_defaults_arguments_and_assignments():
    for line in ('def f(x, device="cpu"):', "def f(device: str | torch.device = 'cpu'):", 'g(x, device = "cpu")',
                 'device = torch.device("cpu")'):
        assert PINNED.search(line), line
    for line in ('def f(device="auto"):', 'torch.load(p, map_location="cpu")', 'f(device=device, map_location="cpu")',
                 'CPU = torch.device("cpu")', 'if device.type == "cpu":'):
        assert not PINNED.search(line), line
    bullets = ["- `gan/zoo.py` `train_fast`: a reason."]
    assert is_listed("gan/zoo.py", {"train_fast"}, bullets) and not is_listed("gan/zoo.py", {"load_or_train"}, bullets)
