"""A log filter that redacts anything shaped like an ID number or a mobile number.

Services log ids and codes only; this filter is the second line of defence for a stray
``logger.debug("%s", payload)`` or a framework log line that echoes request data.
"""

from __future__ import annotations

import logging
import re

_PII = re.compile(r"(?<!\d)(\d{17}[\dXx]|(?:\+?86)?1[3-9]\d{9})(?!\d)")


def redact(text: str) -> str:
    return _PII.sub("[redacted]", text)


class RedactPiiFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True
