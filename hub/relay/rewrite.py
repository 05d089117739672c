"""Rewriting a request's URLs without touching anything else: the value of a top-level JSON field found by scanning
the text (number formats, escapes, field order and unknown fields stay exactly as sent: checklist R-D-5), a query
parameter, and the next-page URL of a `Link` header. Pure functions."""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from urllib.parse import parse_qsl, urlencode

import orjson

LINK_PATTERN = re.compile(r"<([^>]*)>\s*;\s*rel=\"?next\"?", re.IGNORECASE)


def replace_response_url(body: bytes, new_url: str) -> bytes:
    """The body with the value of its top-level `response_url` replaced, and not one other byte changed."""
    return replace_top_level_value(body, "response_url", orjson.dumps(new_url))


def replace_top_level_value(body: bytes, key: str, new_value: bytes) -> bytes:
    """Replace the value of every top-level `key` of a JSON object, found by scanning the text: a nested field of
    the same name, or the same URL elsewhere in the body, is left alone."""
    text = body.decode("utf-8")
    decoder = json.JSONDecoder()
    pieces, position = [], _skip_space(text, 0)
    if position >= len(text) or text[position] != "{":
        raise ValueError("not a JSON object")
    position = _skip_space(text, position + 1)
    last = 0
    while position < len(text) and text[position] != "}":
        name, position = scanstring(text, position + 1)
        position = _skip_space(text, position)
        position = _skip_space(text, position + 1)  # past the colon
        _, end = decoder.raw_decode(text, position)
        if name == key:
            pieces.append(text[last:position].encode("utf-8"))
            pieces.append(new_value)
            last = end
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
    pieces.append(text[last:].encode("utf-8"))
    return b"".join(pieces)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\n\r":
        position += 1
    return position


def query_value(query_string: str, name: str) -> str | None:
    return next((value for key, value in parse_qsl(query_string, keep_blank_values=True) if key == name), None)


def replace_query_value(query_string: str, name: str, new_value: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode([(key, new_value if key == name else value) for key, value in pairs])


def next_link(header: str | None) -> str | None:
    if not header:
        return None
    match = LINK_PATTERN.search(header)
    return match.group(1) if match else None
