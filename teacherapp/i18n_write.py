"""Add Dutch translations to an area's catalogue: `python -m teacherapp.i18n_write AREA FILE.py`.

FILE.py defines a dict T = {english msgid: dutch text}. Existing entries are kept
unless FILE.py gives a new text. Only the named area's .po is touched.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

PO_DIR = Path(__file__).parent / "translations" / "nl" / "LC_MESSAGES"


def update(area: str, translations: dict[str, str]) -> Path:
    path = PO_DIR / f"{area}.po"
    if path.exists():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale="nl")
    else:
        catalog = Catalog(locale="nl", project="teacherapp", domain=area)
    for msgid, text in translations.items():
        if msgid in catalog:  # Catalog.add keeps an existing text; a new one must win
            catalog.delete(msgid)
        catalog.add(msgid, text)
    PO_DIR.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, sort_output=True, width=100, omit_header=False)
    return path


if __name__ == "__main__":
    area, source = sys.argv[1], sys.argv[2]
    print(update(area, runpy.run_path(source)["T"]))
