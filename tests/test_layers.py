"""The floors of docs/architecture.md hold: pyproject.toml's import-linter contracts."""

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"

# Folders of kefu/inboxes that are not channel adapters.
_NOT_ADAPTERS = {"migrations", "templates"}


def test_no_module_imports_from_a_floor_above_its_own() -> None:
    # The report (which import breaks which contract, through which chain) is printed.
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0


def test_every_channel_adapter_is_on_the_adapters_floor() -> None:
    # A package left out of the contract could import conversations' callers unnoticed.
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    (floors,) = [c for c in config["contracts"] if c["id"] == "floors"]
    (adapters_floor,) = [
        {name.strip() for name in layer.split(":")}
        for layer in floors["layers"]
        if "kefu.routing" in layer.split(" : ")
    ]
    packages = {
        f"kefu.inboxes.{path.parent.name}"
        for path in (ROOT / "kefu" / "inboxes").glob("*/__init__.py")
        if path.parent.name not in _NOT_ADAPTERS
    }
    assert packages
    assert packages <= adapters_floor
