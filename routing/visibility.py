"""Which parties a platform sees in HubClientInfo (GET and pushes): those its own parties have an active agreement
with, for any module; under the open routing policy, everyone. Partners without an agreement are hidden rather than
shown as PLANNED: the hub does not advertise parties a platform cannot reach."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from routing.model import AgreementBook


def visible_to(agreements: AgreementBook, viewer_party_keys: Iterable[str]) -> Callable[[str], bool]:
    """A test on party keys (`CC:PID:ROLE`) for the platform hosting `viewer_party_keys`."""
    if agreements.open_policy:
        return lambda party_key: True
    partners: set[str] = set()
    for own in viewer_party_keys:
        partners |= agreements.partners(own)
    return partners.__contains__
