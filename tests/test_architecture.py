"""The house's one direction: the classroom uses the scholarship, never the reverse."""

import ast
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
SCHOLARSHIP = ROOT / "historiography"
CLASSROOM = SCHOLARSHIP / "classroom"


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules `path` imports (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


class ImportDirectionTests(SimpleTestCase):
    def scholarship_modules(self):
        return [path for path in SCHOLARSHIP.rglob("*.py") if CLASSROOM not in path.parents]

    def test_no_scholarship_module_imports_the_classroom(self):
        modules = self.scholarship_modules()
        self.assertGreater(len(modules), 20)  # the walk found the app, migrations included
        for path in modules:
            with self.subTest(module=str(path.relative_to(ROOT))):
                offending = {name for name in imported_modules(path) if name.startswith("historiography.classroom")}
                self.assertEqual(offending, set())

    def test_relative_imports_are_resolved(self):
        # `from ..models import Argument` in historiography/views/scholarship.py
        self.assertIn("historiography.models", imported_modules(SCHOLARSHIP / "views" / "scholarship.py"))

    def test_the_classroom_does_use_the_scholarship(self):
        uses = set().union(*(imported_modules(path) for path in CLASSROOM.rglob("*.py")))
        self.assertIn("historiography.models", uses)


class ModuleSizeTests(SimpleTestCase):
    """The house limit: no module of the app or the benchmark over 600 lines, so that a
    module holds one idea (historiography/search/ is a package for that reason)."""

    LIMIT = 600

    def test_no_module_is_over_the_limit(self):
        paths = [*SCHOLARSHIP.rglob("*.py"), *(ROOT / "bench").rglob("*.py"), *(ROOT / "config").rglob("*.py")]
        self.assertIn(SCHOLARSHIP / "models" / "arguments.py", paths)
        for path in paths:
            name = str(path.relative_to(ROOT))
            if "/migrations/" in name:
                continue  # Django writes these; their length follows the schema
            with self.subTest(module=name):
                lines = len(path.read_text().splitlines())
                self.assertLessEqual(lines, self.LIMIT, f"{name} has {lines} lines; split it by idea")
