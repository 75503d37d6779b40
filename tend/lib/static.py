"""Static file URLs that change when the file does: `/static/tend/tend.css?v=1a2b3c4d5e6f`.

Whitenoise serves the files straight from the package with a year's max-age; the version
(a hash of the file's content) makes a browser fetch a changed file at once. No
collectstatic step is needed, unlike Django's manifest storage.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import StaticFilesStorage


def _version(name: str) -> str:
    found = finders.find(name)
    if not isinstance(found, str):
        return ""
    return hashlib.sha256(Path(found).read_bytes()).hexdigest()[:12]


_version_cached = cache(_version)


class VersionedStaticFilesStorage(StaticFilesStorage):
    def url(self, name: str | None) -> str:
        url = super().url(name)
        if not name:
            return url
        # In development a file may change while the server runs: hash it every time.
        version = _version(name) if settings.DEBUG else _version_cached(name)
        return f"{url}?v={version}" if version else url
