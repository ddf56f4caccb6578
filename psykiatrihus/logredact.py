"""The CPR mask on every log record, whichever logger made it and whichever handler writes it.

Defence in depth: code must never log CPR, but request lines (`django.server`, `django.request`, gunicorn's
access log), lockout messages with a typed username (django-axes) and exception texts can carry what a user
typed. Two layers, both using the one definition of a CPR shape (`psykiatrihus.cprtext`):

- `install()` wraps logging's record factory, so every record is masked when it is created: also records that
  reach handlers we did not configure (Django's own `console` handler on the `django` logger when DEBUG is on,
  the handlers Celery's worker puts on the root logger, gunicorn's). Called from settings and by gunicorn's
  logger class.
- `RedactCPRFilter` on our handlers, for records made before `install()` ran or by a custom factory.

Loaded from LOGGING before the apps, so it imports nothing from Django.
"""

from __future__ import annotations

import logging

from psykiatrihus.cprtext import LOGGED as CPR_PATTERN
from psykiatrihus.cprtext import cpr_redact

__all__ = ["CPR_PATTERN", "RedactCPRFilter", "install", "redact"]


def redact(text: str) -> str:
    return cpr_redact(text)


def _redact_record(record: logging.LogRecord) -> None:
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


def install() -> None:
    """Mask every record at creation (idempotent; keeps a factory installed before us)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_cpr", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact_record(record)
        return record

    factory.redacts_cpr = True
    logging.setLogRecordFactory(factory)


class RedactCPRFilter(logging.Filter):
    """Replace the message (and exception text) of every record with a CPR-masked copy."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def _gunicorn_logger_class():
    from gunicorn.glogging import Logger

    class GunicornLogger(Logger):
        """gunicorn's logger with the CPR mask on its error and access handlers."""

        def setup(self, cfg) -> None:
            install()
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
