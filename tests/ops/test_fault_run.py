"""The fault run in small (bench/faults.py): a worker killed again and again while phones save.

Every save acknowledged is stored once, with one audit event; a phone that lost its answer
sends the same save again and gets it.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _faults():
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("faults", BENCH / "faults.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["faults"] = module
    spec.loader.exec_module(module)
    return module


def test_killing_workers_loses_and_doubles_no_save(monkeypatch, capsys):
    url = os.environ.get("TEST_DATABASE_URL", "")
    kind = "postgresql" if url.startswith("postgres") else "sqlite"
    if kind == "postgresql":
        monkeypatch.setenv("BENCH_POSTGRES_URL", url)
    faults = _faults()
    ok = faults.run(kind, "kill_worker", clients=4, saves=60, every=1.0)
    line = capsys.readouterr().out
    print(line)
    assert ok, line
