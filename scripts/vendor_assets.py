"""Copy pinned front-end assets from node_modules (installed by `npm ci`) into static/vendor/.

Third-party code is never committed and never loaded from a CDN: the product works offline.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

COPIES: list[tuple[str, str]] = [
    ("@uswds/uswds/dist/css", "uswds/css"),
    ("@uswds/uswds/dist/js", "uswds/js"),
    ("@uswds/uswds/dist/img", "uswds/img"),
    ("@uswds/uswds/dist/fonts", "uswds/fonts"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("axe-core/axe.min.js", "axe/axe.min.js"),
    # Natural Earth 1:110m countries (public domain) as TopoJSON, for the server-drawn world map (ADR 1100)
    ("world-atlas/countries-110m.json", "world-atlas/countries-110m.json"),
    ("world-atlas/LICENSE", "world-atlas/LICENSE"),
]


def main() -> int:
    missing = [src for src, _ in COPIES if not (NODE / src).exists()]
    if missing:
        print("missing front-end packages (run `npm ci`): " + ", ".join(missing), file=sys.stderr)
        return 1
    for src, dst in COPIES:
        target = VENDOR / dst
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        if (NODE / src).is_dir():
            shutil.copytree(NODE / src, target)
        else:
            shutil.copy2(NODE / src, target)
    print(f"front-end assets copied to {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
