"""Profile one page or one save in-process against the benchmark data set.

    python -m bench.profile [--db sqlite|postgresql] [--n 200] roster|exam|save|floor [--profiler pyinstrument|cprofile|none|callgrind]

Logs the benchmark teacher in with Flask's test client, warms the caches, then runs the
request `--n` times (a save as a browser sends it: htmx headers, an idempotency key, and
accepting a compressed answer) under pyinstrument (needs `pip install pyinstrument`) or
cProfile and prints where the time goes, with the mean CPU time per request. This is how the
causes in docs/performance.md were found; it measures the app alone, without gunicorn, wrk or
the other core's noise.

Seconds on this shared machine vary by a third from one minute to the next (a pure Python
loop took 1.4 to 2.4 s). Instructions do not: for an A/B comparison, count them with

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.%p \\
        .venv/bin/python -m bench.profile save --db postgresql --n 300 --profiler callgrind

and read the total with `callgrind_annotate /tmp/cg.<pid> | head` (divide by --n).

`TOP=140` prints that many cProfile rows (default 45; `SORT=tottime` orders them by own time);
`SHOW_ALL=1` prints pyinstrument's whole tree, library frames included.
"""

from __future__ import annotations

import argparse
import os
import re
import time
import uuid

import brotli

from bench import build, measure
from bench.dataset import PASSWORD, TEACHER_EMAIL

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/teacherapp_bench"


def _client(url: str):
    from teacherapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False})
    client = app.test_client()
    token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": TEACHER_EMAIL, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302, response.status_code
    page = client.get(measure.EXAM).get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return app, client, token


def _callgrind(on: bool) -> None:
    """Count instructions only around the measured requests (run under valgrind, see below)."""
    import subprocess

    subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
                   check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("roster", "exam", "save", "floor"))
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--profiler", choices=("pyinstrument", "cprofile", "none", "callgrind"),
                        default="pyinstrument",
                        help="none: time the requests only; callgrind: count instructions "
                             "(run under valgrind, see the module docstring)")
    parser.add_argument("--no-key", action="store_true",
                        help="save without an idempotency key (the browser always sends one)")
    args = parser.parse_args()
    url = build.sqlite_url() if args.db == "sqlite" else PG_DEFAULT
    build.ensure(url)  # builds the data set on a fresh checkout, as bench.run does
    app, client, token = _client(url)
    anonymous = app.test_client()
    cells = [c.split("#")[:2] for c in measure.save_cells(url)]
    versions = {path: int(version) for path, version in cells}
    state = {"i": 0}
    key_prefix = f"profile-{uuid.uuid4().hex}"  # never a key an earlier run stored

    def one() -> None:
        if args.what == "floor":  # the benchmark's floor: same app, no database, no cookie
            assert anonymous.get("/healthz/live").status_code == 200
        elif args.what == "roster":
            assert client.get(measure.ROSTER).status_code == 200
        elif args.what == "exam":
            assert client.get(measure.EXAM).status_code == 200
        else:
            path = cells[state["i"] % len(cells)][0]
            state["i"] += 1
            value = 7 + (state["i"] // len(cells)) % 2  # every save changes the cell
            data = {"layout": "exam", "value": str(value), "version": str(versions[path])}
            if not args.no_key:
                data["idempotency_key"] = f"{key_prefix}-{state['i']}"
            response = client.post(path, data=data,
                                   headers={"X-CSRFToken": token, "HX-Request": "true",
                                            "Accept-Encoding": "br, gzip"})
            assert response.status_code == 200, response.status_code
            body = response.get_data()
            if response.headers.get("Content-Encoding") == "br":  # a browser's save is compressed
                body = brotli.decompress(body)
            versions[path] = int(re.search(rb'name="version" value="(\d+)"', body).group(1))

    for _ in range(20):
        one()
    cpu = time.process_time()
    wall = time.perf_counter()
    if args.profiler == "callgrind":
        _callgrind(True)
        for _ in range(args.n):
            one()
        _callgrind(False)
    elif args.profiler == "none":
        for _ in range(args.n):
            one()
    elif args.profiler == "cprofile":
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            one()
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("TOP", "45")))
    else:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(args.n):
            one()
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=bool(os.environ.get("SHOW_ALL"))))
    print(f"{args.what} on {args.db}: {1000 * (time.process_time() - cpu) / args.n:.2f} ms CPU, "
          f"{1000 * (time.perf_counter() - wall) / args.n:.2f} ms wall per request ({args.profiler})")


if __name__ == "__main__":
    main()
