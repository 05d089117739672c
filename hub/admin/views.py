"""How the operator surface shows platforms, agreements and messages: plain dicts for JSON and templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from hub.assembly import Hub
from hub.platforms.quirk_profiles import profile_of, tolerated_by
from hub.platforms.rate_limit_overrides import limits_in_force
from routing.datetimes import format_datetime
from storage.models import Agreement, ConnectionStatus, MessageRecord, Platform, PlatformState, message_failed


def connection(platform: Platform) -> dict[str, str]:
    """The platform's state at a glance: a label and a tone (ok, warn, bad, info, muted) for its badge."""
    if platform.state is PlatformState.INVITED:
        return {"label": "invited: not connected yet", "tone": "info"}
    if platform.state is PlatformState.CONNECTING:
        return {"label": "connecting", "tone": "info"}
    if platform.state is PlatformState.UNREGISTERED:
        return {"label": "unregistered", "tone": "muted"}
    announced = [p for p in platform.parties if p.status is not ConnectionStatus.PLANNED]
    offline = [p for p in announced if p.status is ConnectionStatus.OFFLINE]
    if not announced:
        return {"label": "registered, no party announced", "tone": "warn"}
    if len(offline) == len(announced):
        return {"label": "offline", "tone": "bad"}
    if offline:
        return {"label": f"{len(offline)} of {len(announced)} parties offline", "tone": "warn"}
    return {"label": "connected", "tone": "ok"}


def platform_view(context: Hub, platform: Platform) -> dict[str, Any]:
    last_seen = context.liveness.last_seen_at(platform.id)
    registered_once = platform.versions_url is not None
    return {
        "id": platform.id,
        "name": platform.name,
        "state": platform.state.value,
        "connection": connection(platform),
        "versions_url": platform.versions_url,
        "version": platform.version,
        # The quirk profile the hub reads what this platform sends with, and what that tolerates.
        "quirks": profile_of(platform),
        "tolerances": tolerated_by(platform),
        "rate_limits": limits_in_force(context.settings, platform),
        "receiver": context.breakers.view(platform.id),
        # How the platform writes its token is only known once it has called the hub.
        "auth_encoding": platform.auth_encoding.value if registered_once else None,
        "created_at": platform.created_at,
        "updated_at": platform.updated_at,
        "token_issued_at": platform.token_issued_at,
        "last_contact_at": format_datetime(dt.datetime.fromtimestamp(last_seen, dt.UTC))
        if last_seen
        else (platform.last_contact_at or None),
        "parties": [
            {
                "country_code": party.country_code,
                "party_id": party.party_id,
                "role": party.role,
                "status": party.status.value,
                "last_updated": party.last_updated,
                "name": (party.business_details or {}).get("name"),
            }
            for party in platform.parties
        ],
        "endpoints": [msgspec.to_builtins(endpoint) for endpoint in platform.endpoints],
    }


def agreement_view(agreement: Agreement) -> dict[str, Any]:
    return {
        "id": agreement.id,
        "parties": [agreement.party_a, agreement.party_b],
        "modules": agreement.modules,
        "durable": agreement.durable,
        "state": agreement.state.value,
        "created_at": agreement.created_at,
        "updated_at": agreement.updated_at,
    }


def message_view(record: MessageRecord) -> dict[str, Any]:
    view = msgspec.to_builtins(record)
    view["time"] = format_datetime(dt.datetime.fromtimestamp(record.at, dt.UTC))
    view["failed"] = message_failed(record)
    return view
