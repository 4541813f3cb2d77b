"""Dependencies point inward: the import rules of the layers, read from the source."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUR_PACKAGES = {"domain", "projections", "services", "infra"}
STDLIB = set(sys.stdlib_module_names)


def imports_of(package: str) -> list[tuple[str, str]]:
    """(module file, imported top-level name or eventsourcing submodule) for a package."""
    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found.extend((str(path.relative_to(ROOT)), name) for name in names)
    return found


def test_domain_imports_only_the_standard_library_and_eventsourcing_domain() -> None:
    offenders = [
        (module, name)
        for module, name in imports_of("domain")
        if name.split(".")[0] not in STDLIB | {"domain"} and name != "eventsourcing.domain"
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("infra", {"services", "projections"}), ("projections", {"services", "infra"})],
)
def test_inner_layers_never_import_outer_ones(package: str, forbidden: set[str]) -> None:
    offenders = [
        (module, name) for module, name in imports_of(package) if name.split(".")[0] in forbidden
    ]
    assert offenders == []


def test_only_settings_read_the_environment() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for package in OUR_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "os.environ" in path.read_text() or "getenv(" in path.read_text()
    ]
    assert readers == []
