"""A logging filter that masks anything shaped like a CPR number before a record is written.

Defence in depth: code must never log CPR, but request lines (`django.server`, `django.request`), lockout
messages with a typed username and exception texts can carry what a user typed. Loaded from LOGGING before
the apps, so it imports nothing from Django.
"""

from __future__ import annotations

import logging
import re

# 6 digits (ddmmyy), an optional separator (-, space, URL-encoded space or dash), 4 digits; not inside a longer
# number.
CPR_PATTERN = re.compile(r"(?<!\d)(\d{6})(?:-|\s|%20|\+|%2[dD])?\d{4}(?!\d)")


def redact(text: str) -> str:
    return CPR_PATTERN.sub(r"\1-xxxx", text)


class RedactCPRFilter(logging.Filter):
    """Replace the message (and exception text) of every record with a CPR-masked copy."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _gunicorn_logger_class():
    from gunicorn.glogging import Logger

    class GunicornLogger(Logger):
        """gunicorn's logger with the CPR mask on its error and access handlers."""

        def setup(self, cfg) -> None:
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.addFilter(RedactCPRFilter())

    return GunicornLogger


def __getattr__(name: str):
    # Imported lazily so Django's logging setup does not need gunicorn.
    if name == "GunicornLogger":
        return _gunicorn_logger_class()
    raise AttributeError(name)
