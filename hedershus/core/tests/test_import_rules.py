"""The import rules of docs/architecture.md hold (issue 8, item 5).

Two checks, each in a fresh interpreter so that nothing the test suite imported first can
hide a problem:

- ``lint-imports`` keeps the contracts in pyproject.toml (``[tool.importlinter]``): no import
  cycles at any depth, the apps in layers (``core`` imports no app), models import no
  services, selectors, forms or views, and no app imports another app's views. It reads
  every import, those inside functions too, so a cycle cannot hide in a function.
- Every module under ``hedershus`` imports at its top level once Django is set up, so a
  cycle that only shows when modules load (an ``ImportError`` from a partly initialised
  module) fails here and not in production.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Entry points with side effects at import: asgi.py runs the start-up checks against the
# database (tested in test_startup_checks.py); wsgi.py builds an application nobody serves.
NOT_IMPORTED = {"hedershus.asgi", "hedershus.wsgi"}

IMPORT_EVERY_MODULE = f"""
import importlib, pkgutil, sys
import django

django.setup()
import hedershus

failed = []
for module in sorted(m.name for m in pkgutil.walk_packages(hedershus.__path__, "hedershus.")):
    if module in {sorted(NOT_IMPORTED)!r} or ".tests" in module:
        continue
    try:
        importlib.import_module(module)
    except ImportError as error:
        failed.append(f"{{module}}: {{error!r}}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hedershus.settings"}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_hold():
    # --no-cache: nothing written into the checkout.
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = _run(str(lint_imports), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " broken" not in result.stdout.replace("0 broken", ""), result.stdout


def test_every_module_imports_at_its_top_level():
    result = _run(sys.executable, "-c", IMPORT_EVERY_MODULE)
    assert result.returncode == 0, result.stdout + result.stderr
