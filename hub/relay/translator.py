"""The version bridge on the request path: bodies and answers converted between OCPI versions by the pure
`translation` package, with the facts it needs looked up here first (the token a 2.1.1 session's auth_id names, the
hub's copy of a location, the owner of an object) and the sender's quirk profile. The routing core always sees the
2.2.1 form; same-version traffic is never translated."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
import structlog

from hub.ocpi.errors import OcpiError, status_for_version
from hub.operations.metrics import HubMetrics
from hub.relay.payload import Payload
from routing.decide import token_object_id
from routing.model import PartyId
from routing.status import Status, is_success
from storage.ports import ObjectStore
from translation import Context, Translated, translate
from translation.quirks import PROFILES, Quirks

log = structlog.get_logger("hub.translation")

CANONICAL = "2.2.1"
V211 = "2.1.1"


TOKEN_OWNED = ("session", "cdr")


def tariff_patch_becomes_put(module: str, method: str, target: str) -> bool:
    """OCPI 2.2.1's and 2.3.0's tariffs modules have no PATCH: a 2.1.1 tariff PATCH reaches them as a PUT of the
    whole tariff."""
    return module == "tariffs" and method == "PATCH" and target != V211


def quirks_of(profile: str) -> Quirks:
    return PROFILES.get(profile, Quirks())


def _of_owner(items: list, owner: PartyId) -> tuple[list, int]:
    """The 2.2.1 sessions or CDRs whose token belongs to `owner`, and how many were left out."""
    kept = []
    for item in items:
        token = item.get("cdr_token") if isinstance(item, dict) else None
        if isinstance(token, dict) and PartyId.of(str(token.get("country_code")), str(token.get("party_id"))) == owner:
            kept.append(item)
    return kept, len(items) - len(kept)


class Translator:
    def __init__(self, objects: ObjectStore, metrics: HubMetrics) -> None:
        self._objects = objects
        self._metrics = metrics

    async def convert(
        self,
        kind: str,
        value: Any,
        source: str,
        target: str,
        *,
        partial: bool = False,
        owner: tuple[str, str] | None = None,
        quirks: str = "",
        one_object: bool = False,
        object_id: str | None = None,
        receiver_quirks: str = "",
    ) -> Translated:
        """`value` (one object or a list of them) from `source` to `target`. `owner`: the (country code, party id)
        of the 2.1.1 party that owns it; `quirks`: the source platform's profile name; `object_id`: the id the URL
        names (a PATCH body need not carry it); `receiver_quirks`: the profile of the platform that gets it."""
        if source == target:
            return Translated(value)
        if isinstance(value, list) and kind in ("session", "cdr"):  # each names its own token, its own location
            return await self._each(
                kind,
                value,
                source,
                target,
                partial=partial,
                owner=owner,
                quirks=quirks,
                receiver_quirks=receiver_quirks,
            )
        context = await self._context(kind, value, source, target, owner, quirks, one_object, object_id)
        if receiver_quirks:
            context = dataclasses.replace(context, receiver_quirks=quirks_of(receiver_quirks))
        translated = translate(kind, value, source, target, context, partial=partial)
        self._count(kind, source, target, translated)
        return translated

    async def body_for(
        self, payload: Payload, version: str, receiver_quirks: str = ""
    ) -> tuple[bytes, tuple[str, ...]]:
        """The body a receiver speaking `version` (with the quirk profile `receiver_quirks`) gets, and what it will
        not learn of the sender's. Raises OcpiError (2001) when it cannot be given in that version without making
        the receiver get it wrong."""
        if version == payload.version or payload.kind is None or not payload.raw:
            return payload.raw, ()
        if version == CANONICAL and payload.canonical is not None:
            return payload.canonical, payload.lost
        source = payload.document_version
        document = payload.document
        if document is None:
            document = orjson.loads(payload.canonical if payload.canonical is not None else payload.raw)
        translated = await self.convert(
            payload.kind, document, source, version, partial=payload.partial, receiver_quirks=receiver_quirks
        )
        if translated.refused:
            raise OcpiError(Status.INVALID_PARAMETERS, f"cannot be given in OCPI {version}: {translated.refused}")
        earlier = payload.lost if source == CANONICAL and payload.version != CANONICAL else ()
        return orjson.dumps(translated.body), earlier + translated.lost

    async def answer(
        self,
        body: bytes,
        kind: str | None,
        source: str,
        target: str,
        *,
        owner: tuple[str, str] | None = None,
        quirks: str = "",
        one_object: bool = False,
        authorize: tuple[str, str | None] | None = None,
        only_for: PartyId | None = None,
    ) -> tuple[bytes, tuple[str, ...]]:
        """A receiver's answer envelope (it speaks `source`) for a caller speaking `target`: its data translated,
        its status code one the caller knows. `authorize`: the token (uid, type) of a real-time authorization.
        `only_for`: the requester, when the receiver cannot know who asks (a 2.1.1 CPO knows only the hub): of a
        list of sessions or CDRs only those of the requester's tokens are passed on."""
        if source == target:
            return body, ()
        try:
            envelope = orjson.loads(body)
        except orjson.JSONDecodeError:
            return body, ()
        if not isinstance(envelope, dict):
            return body, ()
        lost: tuple[str, ...] = ()
        data = envelope.get("data")
        if data is not None and kind is not None and is_success(envelope.get("status_code")):
            if authorize is not None:
                translated = await self.authorization_info(data, source, target, *authorize, quirks=quirks)
            else:
                translated = await self.convert(
                    kind, data, source, target, owner=owner, quirks=quirks, one_object=one_object
                )
            if translated.refused:
                raise OcpiError(
                    Status.HUB_ERROR, f"the receiver's answer cannot be given in OCPI {target}: {translated.refused}"
                )
            envelope["data"], lost = translated.body, translated.lost
            if only_for is not None and kind in TOKEN_OWNED and isinstance(envelope["data"], list):
                envelope["data"], others = _of_owner(envelope["data"], only_for)
                if others:
                    lost += (f"{others} {kind}s of other parties' tokens",)
        code = envelope.get("status_code")
        if isinstance(code, int):
            envelope["status_code"], message = status_for_version(code, envelope.get("status_message") or "", target)
            if message:
                envelope["status_message"] = message
        return orjson.dumps(envelope), lost

    async def _each(self, kind, items, source, target, **options) -> Translated:
        """A list whose items each need their own facts (the token each 2.1.1 session or CDR names)."""
        bodies, lost = [], []
        for index, item in enumerate(items):
            one = await self.convert(kind, item, source, target, **options)
            if one.refused:
                lost.append(f"[{index}] ({one.refused})")
                continue
            bodies.append(one.body)
            lost += [f"[{index}].{path}" for path in one.lost]
        return Translated(bodies, tuple(lost))

    async def _context(self, kind, value, source, target, owner, quirks, one_object, object_id=None) -> Context:
        country_code, party_id = owner if owner else (None, None)
        token = stored = None
        if isinstance(value, dict):
            if kind in ("session", "cdr") and source == V211:
                token = await self._token_by_contract(value.get("auth_id") or value.get("contract_id"))
            elif kind in ("session", "cdr") and target == V211:
                stored = await self._location_in(target, value, kind)
            elif kind == "tariff" and source == V211 and owner:
                stored = await self._copy("tariffs", owner, value.get("id") or object_id)
        return Context(
            owner_country_code=country_code,
            owner_party_id=party_id,
            token=token,
            stored=stored,
            quirks=quirks_of(quirks),
            one_object=one_object,
        )

    async def authorization_token(self, uid: str, token_type: str | None) -> dict | None:
        """The hub's copy of the token a real-time authorization asked about (AuthorizationInfo.token in 2.2.1)."""
        object_id = token_object_id(uid, token_type)
        for country_code, party_id in await self._objects.owners_of("tokens", object_id):
            stored = await self._objects.get("tokens", country_code, party_id, object_id)
            if stored is not None:
                return orjson.loads(stored.body)
        return None

    async def authorization_info(
        self, value: Any, source: str, target: str, uid: str, token_type: str | None, quirks: str = ""
    ) -> Translated:
        if source == target:
            return Translated(value)
        token = await self.authorization_token(uid, token_type) if source == V211 else None
        context = Context(token=token, quirks=quirks_of(quirks), one_object=True)
        translated = translate("authorization_info", value, source, target, context)
        self._count("authorization_info", source, target, translated)
        return translated

    async def _token_by_contract(self, contract_id: Any) -> dict | None:
        if not isinstance(contract_id, str) or not contract_id:
            return None
        found = await self._objects.find_by_alt_key("tokens", contract_id.upper())
        owners = {(stored.country_code, stored.party_id) for stored in found}
        if len(owners) != 1:  # unknown, or two eMSPs use the id: not a token the hub can name
            return None
        return orjson.loads(found[0].body)

    async def _location_in(self, target: str, value: dict, kind: str) -> dict | None:
        """For a 2.2.1 session or CDR towards 2.1.1 (which embeds the full Location): the hub's copy."""
        location_id = value.get("location_id") or (value.get("cdr_location") or {}).get("id")
        owner = (value.get("country_code"), value.get("party_id"))
        if not location_id or not all(isinstance(part, str) for part in owner):
            return None
        return await self._copy("locations", owner, location_id)  # translated inside, published or not

    async def _copy(self, module: str, owner: tuple[str, str], object_id: Any) -> dict | None:
        if not isinstance(object_id, str):
            return None
        stored = await self._objects.get(module, owner[0].upper(), owner[1].upper(), object_id)
        return None if stored is None else orjson.loads(stored.body)

    def _count(self, kind: str, source: str, target: str, translated: Translated) -> None:
        outcome = "refused" if translated.refused else "lossy" if translated.lost else "complete"
        self._metrics.translations.add((source, target, kind, outcome))
        if translated.refused:
            log.info("translation refused", kind=kind, source=source, target=target, reason=translated.refused)
