"""Bounded request bodies for the API (DEFAULT_PARSER_CLASSES). Apart from psykiatrihus.api because DRF
imports its parser classes while psykiatrihus.api itself imports DRF's views."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# Deeper JSON than this is refused before it is decoded (Python's decoder recurses once per level).
JSON_MAX_DEPTH = 64


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = gettext_lazy("Forespørgslen er for stor.")
    default_code = "request_too_large"


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth_exceeds(raw: bytes, limit: int = JSON_MAX_DEPTH) -> bool:
    """True when arrays/objects nest deeper than `limit` (brackets inside strings do not count)."""
    depth = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub(b"", raw)):
        if match.group() in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class BoundedJSONParser(JSONParser):
    """JSON with at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes and JSON_MAX_DEPTH levels: anything else is a 400/413
    with a JSON body, never a RecursionError (100,000 nested brackets) or a body read into memory unbounded."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        if json_depth_exceeds(raw):
            raise exceptions.ParseError(_("JSON er indlejret for dybt (højst %(n)s niveauer).")
                                        % {"n": JSON_MAX_DEPTH}, code="json_too_deep")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.loads(raw.decode(encoding), parse_constant=_no_constant)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(_("Ugyldig JSON: %(e)s") % {"e": str(exc)[:200]}) from exc


def _no_constant(name: str):
    raise ValueError(f"{name} er ikke gyldig JSON")
