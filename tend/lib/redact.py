"""Tokens kept out of the logs.

Sign-in, one-tap, stop and invitation links carry their token in the path, and a path is
what a request log line prints: a token copied from a log would open the link. Every log
line Tend writes goes through `RedactTokens` (settings.LOGGING), which replaces any long
opaque path segment with "[redacted]". Short words ("signin", "my-data.json") stay.
"""

from __future__ import annotations

import logging
import re

# A path segment of 20 or more token characters (base64url, and the ':' and '.' of signed
# values), between a '/' and the next '/', space, quote, '?' or the end.
TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_\-:.]{20,}(?=[/\s\"'?]|$)")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return TOKEN.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrites each record's message with its tokens redacted (the message only: a
    traceback names code, not paths)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
