"""Which path suffixes the hub may append to a receiver's endpoint URL (routing.request.unsafe_segment)."""

from __future__ import annotations

import pytest

from routing.request import unsafe_segment

CASES = [
    ("", None),
    ("/NL/CPA/LOC1", None),
    ("/NL/CPA/LOC%201", None),  # an encoded space is an ordinary id character
    ("/NL/CPA/Caf%C3%A9", None),  # so is UTF-8
    ("/NL/CPA/..", ".."),
    ("/NL/CPA/%2E%2E", "%2E%2E"),
    ("/NL/CPA/a%2Fb", "a%2Fb"),
    ("/NL/CPA/a%3Fb", "a%3Fb"),
    ("/NL/CPA/a%23b", "a%23b"),
    ("/NL/CPA/a%5Cb", "a%5Cb"),
    ("/NL/CPA/%252e%252e", "%252e%252e"),  # '..' once a receiver decodes twice
    ("/NL/CPA/50%25", "50%25"),  # no OCPI id holds a '%'
    ("/NL/CPA/%c0%ae%c0%ae", "%c0%ae%c0%ae"),  # overlong UTF-8 for '..'
    ("/NL/CPA/%ff", "%ff"),  # not UTF-8
    ("/NL/CPA/L1%00", "L1%00"),
    ("/NL/CPA/L1%09", "L1%09"),
    ("/NL/CPA/L1%7F", "L1%7F"),
    ("/NL/CPA/L1%C2%85", "L1%C2%85"),  # a C1 control character (NEL)
]


@pytest.mark.parametrize(("path", "expected"), CASES)
def test_unsafe_segment(path, expected):
    assert unsafe_segment(path) == expected
