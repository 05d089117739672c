"""A request's body three ways: as its sender wrote it, in the 2.2.1 form the routing core and the hub's copies
read, and as each receiver's version gets it (translator.Translator.body_for)."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(slots=True)
class Payload:
    version: str  # the OCPI version the sender speaks
    raw: bytes  # as sent
    kind: str | None  # what it is (translation.kinds.request_kind); None: nothing to translate
    partial: bool  # a PATCH
    document: Any = None  # the 2.2.1 form, parsed, when something reads it
    canonical: bytes | None = None  # the 2.2.1 form's bytes (the raw bytes themselves for a 2.2.1 sender)
    lost: tuple[str, ...] = ()  # what the 2.2.1 form could not carry of the sender's
