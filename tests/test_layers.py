"""The layers of DESIGN.md stay true: every module of mentoring/ is named as site or core in
.importlinter, every module of pairing/ beside the engine is barred from the engine, and the
contracts hold."""

from __future__ import annotations

import configparser
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
SITE_LAYER, CORE_LAYER = 0, 3


def _contracts() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config


def _layer(index: int) -> set[str]:
    layers = _contracts()["importlinter:contract:layers"]["layers"].strip().splitlines()
    return {name.strip() for name in layers[index].split(":")}


def _modules_of(package: str, *, leave_out: set[str]) -> set[str]:
    """The package's direct modules and subpackages (Python only)."""
    found = set()
    for path in (ROOT / package).iterdir():
        name = path.stem
        is_module = path.suffix == ".py" and name != "__init__"
        is_package = path.is_dir() and (path / "__init__.py").exists()
        if (is_module or is_package) and name not in leave_out:
            found.add(f"{package}.{name}")
    return found


def test_every_module_of_mentoring_is_classified_as_site_or_core() -> None:
    site, core = _layer(SITE_LAYER), _layer(CORE_LAYER)
    modules = _modules_of("mentoring", leave_out={"lib", "migrations"})
    assert not site & core, f"in both the site and the core: {sorted(site & core)}"
    unclassified = modules - site - core
    assert not unclassified, (
        f"add {sorted(unclassified)} to the site or the core layer in .importlinter"
    )


def test_every_module_of_pairing_beside_the_engine_is_forbidden_to_it() -> None:
    forbidden = set(_contracts()["importlinter:contract:engine"]["forbidden_modules"].split())
    modules = _modules_of("pairing", leave_out={"engine", "migrations"})
    missing = modules - forbidden
    assert not missing, f"add {sorted(missing)} to the engine contract in .importlinter"


def test_imports_point_down_the_layers() -> None:
    # The same check `make lint` runs: a new upward import fails here too.
    assert lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True) == 0
