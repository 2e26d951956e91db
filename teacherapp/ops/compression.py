"""Compressed responses (brotli, else gzip) for pages, fragments and JSON.

Flask-Compress does the work. Static files are not compressed here: teacherapp.ops.static_files
serves them pre-compressed from memory, and marks them with Content-Encoding so this skips them.
Answers under COMPRESS_MIN_SIZE (a short message, the health check) go out as they are:
compressing a few hundred bytes costs more time than it saves on the wire. A save's answer, a
1.4 KB fragment, is compressed: about 1.7 KB with its headers instead of 2.1 KB.
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

DEFAULTS = {
    # zstd and deflate add nothing for browsers that all speak brotli or gzip.
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
    # On the fly, brotli quality 2. A save's answer (1.4 KB of HTML) costs 0.12 M instructions
    # to compress at quality 2 and 0.33 M at quality 4: quality 4 and up first clear a hash
    # table far larger than the answer. Quality 2 sends 586 bytes instead of 503 for it, and
    # pages 6 % more (exam mode 3.8 KB instead of 3.5); gzip -6 costs 0.25 M (zlib's window).
    "COMPRESS_BR_LEVEL": 2,
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 500,
}



def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    # One instance per app: Compress keeps the settings it read from the app's config.
    app.extensions["ops_compress"] = Compress(app)
