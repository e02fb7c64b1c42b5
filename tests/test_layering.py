"""The layering (docs/architecture.md, "Layers"): home > reporting > cooperatives > plans > portal. A module
imports only from its own layer or the layers below: portal knows no feature, plans knows
neither the registry nor the reports, the registry does not know the reports. The contract is
[tool.importlinter] in pyproject.toml; these tests run import-linter on it."""
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["home", "reporting", "cooperatives", "plans", "portal"]


def lint_imports(cwd):
    command = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(command if command.exists() else "lint-imports"), "--no-cache", "--no-logo"],
                         cwd=cwd, capture_output=True, text=True, timeout=120)
    return run.returncode, run.stdout + run.stderr


def contract_config():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def layer_names(layers):
    """["home", "a | b"] -> ["home", "a", "b"] (import-linter's independent siblings)."""
    return [name.strip() for layer in layers for name in re.split(r"[|:]", layer)]


def test_the_contract_names_every_layer_in_order():
    config = contract_config()
    (contract,) = config["contracts"]
    assert contract["type"] == "layers"
    assert [name for name in layer_names(contract["layers"]) if name in LAYERS] == LAYERS


def test_every_app_of_the_project_is_in_a_layer():
    # a new app must take its place in the contract, or nothing checks what it imports
    apps = {name.split(".")[0] for name in settings.INSTALLED_APPS if (ROOT / name.split(".")[0]).is_dir()}
    config = contract_config()
    (contract,) = config["contracts"]
    assert apps == set(config["root_packages"]) == set(layer_names(contract["layers"]))


def test_no_module_imports_from_a_layer_above_its_own():
    code, output = lint_imports(ROOT)
    assert code == 0, output
    assert "1 kept, 0 broken" in output


def test_a_forbidden_import_breaks_the_contract(tmp_path):
    # The same check on a copy of the code in which the base layer imports the reports.
    for package in contract_config()["root_packages"]:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    scoping = tmp_path / "portal" / "scoping.py"
    scoping.write_text(scoping.read_text(encoding="utf-8") + "\nfrom reporting import rollup  # noqa\n",
                       encoding="utf-8")
    code, output = lint_imports(tmp_path)
    assert code != 0
    assert "portal is not allowed to import reporting" in output
    assert "portal.scoping -> reporting.rollup" in output
