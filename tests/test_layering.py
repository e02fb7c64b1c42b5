"""The layering (README "Layers"): home > reporting > cooperatives > plans > portal. A module
imports only from its own layer or the layers below: portal knows no feature, plans knows
neither the registry nor the reports, the registry does not know the reports. The contract is
[tool.importlinter] in pyproject.toml; these tests run import-linter on it."""
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["home", "reporting", "cooperatives", "plans", "portal"]


def lint_imports(cwd):
    command = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(command if command.exists() else "lint-imports"), "--no-cache", "--no-logo"],
                         cwd=cwd, capture_output=True, text=True, timeout=120)
    return run.returncode, run.stdout + run.stderr


def test_the_contract_names_every_layer_in_order():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert sorted(config["root_packages"]) == sorted(LAYERS)
    (contract,) = config["contracts"]
    assert contract["type"] == "layers" and contract["layers"] == LAYERS


def test_no_module_imports_from_a_layer_above_its_own():
    code, output = lint_imports(ROOT)
    assert code == 0, output
    assert "1 kept, 0 broken" in output


def test_a_forbidden_import_breaks_the_contract(tmp_path):
    # The same check on a copy of the code in which the base layer imports the reports.
    for package in LAYERS:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    scoping = tmp_path / "portal" / "scoping.py"
    scoping.write_text(scoping.read_text(encoding="utf-8") + "\nfrom reporting import rollup  # noqa\n",
                       encoding="utf-8")
    code, output = lint_imports(tmp_path)
    assert code != 0
    assert "portal is not allowed to import reporting" in output
    assert "portal.scoping -> reporting.rollup" in output
