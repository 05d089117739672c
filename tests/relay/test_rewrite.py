"""Replacing a command's response_url changes nothing else in the body, byte for byte."""

from __future__ import annotations

import orjson
import pytest

from hub.relay.rewrite import replace_response_url

NEW = "https://hub.example/ocpi/2.2.1/hub/callback/abc"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b'{"response_url":"https://emsp/r/1","location_id":"L1"}',
            b'{"response_url":"' + NEW.encode() + b'","location_id":"L1"}',
        ),
        # escaped slashes, odd spacing, big numbers, trailing zeros: all kept
        (
            b'{ "big": 12345678901234567890, "x": 1.10 ,\n "response_url" : "https:\\/\\/emsp\\/r\\/1" }',
            b'{ "big": 12345678901234567890, "x": 1.10 ,\n "response_url" : "' + NEW.encode() + b'" }',
        ),
        # the same URL in another field, and a nested response_url, stay as they are
        (
            b'{"note":"https://emsp/r/1","nested":{"response_url":"https://emsp/r/1"},"response_url":"https://emsp/r/1"}',
            b'{"note":"https://emsp/r/1","nested":{"response_url":"https://emsp/r/1"},"response_url":"'
            + NEW.encode()
            + b'"}',
        ),
        (
            '{"name":"Café ☕","response_url":"https://emsp/r/ü"}'.encode(),
            ('{"name":"Café ☕","response_url":"' + NEW + '"}').encode(),
        ),
    ],
)
def test_only_the_top_level_response_url_changes(body, expected):
    replaced = replace_response_url(body, NEW)
    assert replaced == expected
    assert orjson.loads(replaced)["response_url"] == NEW
