"""Store URLs as people may see them."""

from __future__ import annotations


def redacted_store_url(url: str) -> str:
    """A store URL fit for logs and screens: without its user and password."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rpartition('@')[2]}"
