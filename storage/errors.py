"""Failures a storage port reports, independent of the adapter behind it."""


class StorageError(Exception):
    """Base class of every storage failure callers are expected to handle."""


class StoreUnavailable(StorageError):
    """The store cannot be opened or reached; the message says which store, why, and what to check."""


class PartyAlreadyClaimed(StorageError):
    """Another platform already holds one of these parties (country_code, party_id, role)."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        super().__init__(f"party already held by another platform: {', '.join(keys)}")


class ConcurrentUpdate(StorageError):
    """The record changed since it was read; re-read and try again."""


class NotFound(StorageError):
    """No such record."""


class AgreementExists(StorageError):
    """The two parties already have an agreement; change that one instead."""

    def __init__(self, existing_id: str) -> None:
        self.existing_id = existing_id
        super().__init__(f"these parties already have agreement {existing_id}")
