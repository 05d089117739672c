"""A request's body three ways: as its sender wrote it, parsed (in 2.2.1 form for a 2.1.1 sender, whose body the
routing core reads that way), and as each receiver's version gets it (translator.Translator.body_for)."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(slots=True)
class Payload:
    version: str  # the OCPI version the sender speaks
    raw: bytes  # as sent
    kind: str | None  # what it is (translation.kinds.request_kind); None: nothing to translate
    partial: bool  # a PATCH
    # The body parsed, when something reads it: the 2.2.1 form when `canonical` is set (a 2.1.1 sender's, read into
    # it), else as sent (a 2.3.0 sender's).
    document: Any = None
    canonical: bytes | None = None  # the 2.2.1 form's bytes (the raw bytes themselves for a 2.2.1 sender)
    lost: tuple[str, ...] = ()  # what the 2.2.1 form could not carry of the sender's

    @property
    def document_version(self) -> str:
        """The version `document` is in."""
        return "2.2.1" if self.canonical is not None else self.version
