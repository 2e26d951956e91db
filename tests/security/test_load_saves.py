"""The load harness in small: 4 teachers x 25 saves + 100 saves fighting over one cell.

The full run (20 x 500 + 1,000) is `python bench/load_saves.py`; its figures are in
docs/security.md. This one runs gunicorn with 2 workers on the test database's kind.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

HARNESS = Path(__file__).resolve().parents[2] / "bench" / "load_saves.py"


def _harness():
    spec = importlib.util.spec_from_file_location("load_saves", HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_saves"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_no_lost_writes_under_concurrent_saves(monkeypatch, capsys):
    url = os.environ.get("TEST_DATABASE_URL", "")
    kind = "postgresql" if url.startswith("postgres") else "sqlite"
    if kind == "postgresql":
        # The harness makes its own database next to the test database.
        monkeypatch.setenv("BENCH_POSTGRES_URL", url)
    ok = _harness().run(kind, clients=4, saves=25, contested=100)
    report = capsys.readouterr().out
    print(report)
    assert ok, report
    assert "[FAIL]" not in report
