"""The import rules: the contracts in pyproject.toml hold, and the site build loads no Flask."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# What the site build must never load: the service and the web stack under it.
SERVICE_STACK = {"flask", "werkzeug", "whitenoise", "flask_babel", "flask_wtf", "forms_service"}


def modules_loaded_by(code: str) -> set[str]:
    """The top-level names in sys.modules after running `code` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return {name.split(".")[0] for name in done.stdout.split()}


def blueprint_packages() -> set[str]:
    """Packages of forms_service whose __init__ makes a Blueprint."""
    found = set()
    for init in (ROOT / "forms_service").glob("*/__init__.py"):
        tree = ast.parse(init.read_text())
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        if any(getattr(c.func, "id", getattr(c.func, "attr", None)) == "Blueprint" for c in calls):
            found.add(f"forms_service.{init.parent.name}")
    return found


def test_the_import_contracts_hold() -> None:
    done = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 broken." in done.stdout


def test_every_blueprint_is_protected_by_the_contract() -> None:
    """A new blueprint package must be listed where the contracts say nothing imports it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract = next(
        c for c in config["contracts"] if c["name"].startswith("Nothing imports a blueprint")
    )
    blueprints = blueprint_packages()
    assert "forms_service.apply" in blueprints
    assert blueprints <= set(contract["forbidden_modules"])


def test_importing_sitedata_loads_no_flask() -> None:
    loaded = modules_loaded_by(
        "import sitedata, sitedata.formatting, sitedata.kinds, sitedata.loader, sitedata.urls"
    )
    assert "sitedata" in loaded
    assert loaded.isdisjoint(SERVICE_STACK), loaded & SERVICE_STACK


def test_the_site_hooks_load_no_flask() -> None:
    hooks = sorted(p.stem for p in (ROOT / "overrides" / "hooks").glob("*.py") if p.stem[0] != "_")
    assert {"macros", "pages", "head", "languages"} <= set(hooks)
    loaded = modules_loaded_by("\n".join(f"import overrides.hooks.{name}" for name in hooks))
    assert {"mkdocs", "sitedata"} <= loaded
    assert loaded.isdisjoint(SERVICE_STACK), loaded & SERVICE_STACK


def test_mutation_testing_runs_every_unit_test_of_the_domain_and_the_retry_policy() -> None:
    """`make mutation` runs only the tests listed in [tool.mutmut]: a unit test file of
    domain/ or of the policy left out would make its mutants look untested."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    listed = set(config["pytest_add_cli_args_test_selection"])
    imports = re.compile(r"^(from|import) forms_service\.(domain|mail\.policy)\b", re.M)
    testing = {
        f"tests/unit/{p.name}" for p in (ROOT / "tests" / "unit").glob("test_*.py")
        if imports.search(p.read_text())
    }
    assert "tests/unit/test_text.py" in testing
    assert testing <= listed, sorted(testing - listed)
    assert all((ROOT / path).is_file() for path in listed)
