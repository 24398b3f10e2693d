"""`make bench`: every benchmark prints one line of figures and checks it against its budget.

Run one with `python -m bench NAME` (names: the modules in this package)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def main(argv: list[str]) -> int:
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_")
    )
    failed = []
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        if not module.run():
            failed.append(name)
    if failed:
        print(f"over budget: {', '.join(failed)}")
        return 1
    print("all benchmarks within budget")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
