"""Run every benchmark module in this folder (or those named on the command line)."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secassist.settings")
    here = Path(__file__).parent
    names = sys.argv[1:] or sorted(p.stem for p in here.glob("*.py") if not p.stem.startswith("_"))
    failed = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        runner = getattr(module, "main", None)
        if runner is None:
            continue
        print(f"== bench.{name}", flush=True)
        try:
            runner()
        except SystemExit as exc:
            failed += bool(exc.code)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
