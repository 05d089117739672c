"""The admin JSON API under /admin/api/: what the CLI does, for scripts and the dashboard. Bearer-token auth with
the admin token (never an OCPI token). Described by openapi.yaml beside this file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import msgspec
import orjson
import structlog
import yaml
from aiohttp import web

from hub.admin.filters import ApiError, message_filters
from hub.admin.keys import ADMIN_AUTH, HUB
from hub.admin.stats import overview
from hub.admin.views import agreement_view, message_view, platform_view
from hub.assembly import Hub
from hub.operations.delivery_reports import delivery_view, figures_view
from hub.platforms import agreements as agreement_rules
from hub.platforms.parties import OnboardingError, parse_party
from hub.platforms.quirk_profiles import QuirkProfileError, QuirkProfiles, find_platform, profiles
from hub.platforms.rate_limit_overrides import LimitError, check_limits
from storage.errors import AgreementExists, ConcurrentUpdate
from storage.models import AgreementState, DeliveryState

log = structlog.get_logger("hub.admin")
OPENAPI_PATH = Path(__file__).with_name("openapi.yaml")
PartyText = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]


class InvitationRequest(msgspec.Struct, forbid_unknown_fields=True):
    parties: Annotated[list[PartyText], msgspec.Meta(min_length=1, max_length=100)]
    name: Annotated[str, msgspec.Meta(max_length=200)] = ""


class AgreementRequest(msgspec.Struct, forbid_unknown_fields=True):
    parties: Annotated[list[PartyText], msgspec.Meta(min_length=2, max_length=2)]
    modules: list[str] = []
    state: AgreementState = AgreementState.ACTIVE
    durable: list[str] = []


class PlatformChange(msgspec.Struct, forbid_unknown_fields=True):
    quirks: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None
    # class -> requests per minute (0: none), or null for the hub's limit
    rate_limits: dict[str, Annotated[int, msgspec.Meta(ge=0)] | None] | None = None


class AgreementChange(msgspec.Struct, forbid_unknown_fields=True):
    state: AgreementState | None = None
    modules: list[str] | None = None
    durable: list[str] | None = None


def error_body(status: int, message: str, field: str | None = None) -> web.Response:
    error: dict[str, Any] = {"status": status, "message": message}
    if field:
        error["field"] = field
    return web.json_response({"error": error}, status=status, dumps=_dumps)


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def reply(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


@web.middleware
async def api_guard(request: web.Request, handler) -> web.StreamResponse:
    """Admin credentials for everything under /admin/api/ (except its description); JSON errors, never a trace."""
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    if request.path not in ("/admin/api/openapi.yaml", "/admin/api/openapi.json"):
        auth = request.app[ADMIN_AUTH]
        signed_in = request.method == "GET" and await auth.session_ok(request, request.app[HUB].store)
        if not (auth.bearer_ok(request) or signed_in):
            response = error_body(401, "admin credentials required: Authorization: Bearer <admin token>")
            response.headers["WWW-Authenticate"] = 'Bearer realm="ocpi-hub admin"'
            return response
    try:
        return await handler(request)
    except ApiError as error:
        return error_body(error.status, error.message, error.field)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return error_body(error.status, error.reason)
    except Exception:
        import structlog

        structlog.get_logger("hub.admin").exception("admin API error", path=request.path)
        return error_body(500, "internal error; nothing was changed")


async def _body(request: web.Request, kind: type) -> Any:
    raw = await request.read()
    try:
        return msgspec.json.decode(raw, type=kind)
    except msgspec.ValidationError as error:
        raise ApiError(422, f"invalid request: {error}", _field_of(str(error))) from error
    except msgspec.DecodeError as error:
        raise ApiError(400, f"request body is not valid JSON: {error}") from error


def _field_of(message: str) -> str | None:
    """The input a msgspec validation message blames: "... - at `$.parties[0]`", "Object contains unknown field
    `colour`"."""
    _, at, path = message.rpartition("at `$.")
    if at:
        return path.rstrip("`") or None
    if message.startswith("Object contains unknown field `"):
        return message.split("`")[1] or None
    return None


def _context(request: web.Request) -> Hub:
    return request.app[HUB]


async def _platform(context: Hub, platform_id: str):
    platform = await context.store.platforms.get(platform_id)
    if platform is None:
        raise ApiError(404, f"no platform {platform_id}")
    return platform


async def list_platforms(request: web.Request) -> web.Response:
    context = _context(request)
    platforms = await context.store.platforms.list_all()
    return reply([platform_view(context, platform) for platform in platforms])


async def get_platform(request: web.Request) -> web.Response:
    context = _context(request)
    return reply(platform_view(context, await _platform(context, request.match_info["platform_id"])))


async def change_platform(request: web.Request) -> web.Response:
    """What an operator may change on a platform: its quirk profile, its rate limits."""
    context = _context(request)
    body = await _body(request, PlatformChange)
    platform = await _platform(context, request.match_info["platform_id"])
    if body.quirks is None and body.rate_limits is None:
        raise ApiError(
            422,
            'nothing to change: send {"quirks": PROFILE} (see GET /admin/api/quirk-profiles) and/or '
            '{"rate_limits": {"pushes": 600, "gets": null}}',
        )
    by = f"admin API ({request.remote})"
    if body.rate_limits is not None:
        try:
            check_limits(body.rate_limits)
        except LimitError as error:
            raise ApiError(422, str(error), "rate_limits") from error
    if body.quirks is not None:
        try:
            platform = (await QuirkProfiles(context.updater).set(platform.id, body.quirks, by)).platform
        except QuirkProfileError as error:
            raise ApiError(422, str(error), "quirks") from error
    if body.rate_limits is not None:
        try:
            platform = (await context.limits.set(platform.id, body.rate_limits, by)).platform
        except LimitError as error:
            raise ApiError(422, str(error), "rate_limits") from error
    return reply(platform_view(context, platform))


async def list_quirk_profiles(request: web.Request) -> web.Response:
    return reply([profile.as_dict() for profile in profiles()])


async def unregister_platform(request: web.Request) -> web.Response:
    context = _context(request)
    platform = await context.offboarding.revoke(await _platform(context, request.match_info["platform_id"]))
    return reply(platform_view(context, platform))


async def remove_platform(request: web.Request) -> web.Response:
    context = _context(request)
    await context.offboarding.remove(await _platform(context, request.match_info["platform_id"]))
    return web.Response(status=204)


async def create_invitation(request: web.Request) -> web.Response:
    context = _context(request)
    body = await _body(request, InvitationRequest)
    try:
        parties = [parse_party(text) for text in body.parties]
        invitation = await context.invitations.invite_and_announce(parties, body.name)
    except OnboardingError as error:
        raise ApiError(422, str(error), "parties") from error
    return reply(
        {
            "platform_id": invitation.platform.id,
            "versions_url": context.settings.versions_url,
            "token_a": invitation.token_a,
        },
        201,
    )


async def list_agreements(request: web.Request) -> web.Response:
    return reply([agreement_view(a) for a in await _context(request).store.agreements.list_all()])


async def get_agreement(request: web.Request) -> web.Response:
    return reply(agreement_view(await _agreement(_context(request), request.match_info["agreement_id"])))


async def _agreement(context: Hub, agreement_id: str):
    agreement = await context.store.agreements.get(agreement_id)
    if agreement is None:
        raise ApiError(404, f"no agreement {agreement_id}")
    return agreement


async def create_agreement(request: web.Request) -> web.Response:
    context = _context(request)
    body = await _body(request, AgreementRequest)
    try:
        first, second = (parse_party(text) for text in body.parties)
        agreement = await context.agreements.add(first, second, body.modules, body.state, body.durable)
    except agreement_rules.AgreementError as error:
        raise ApiError(409 if error.conflict else 422, str(error), error.field) from error
    except OnboardingError as error:
        raise ApiError(422, str(error), "parties") from error
    return reply(agreement_view(agreement), 201)


async def change_agreement(request: web.Request) -> web.Response:
    context = _context(request)
    body = await _body(request, AgreementChange)
    agreement = await _agreement(context, request.match_info["agreement_id"])
    changes: dict[str, Any] = {}
    if body.state is not None:
        changes["state"] = body.state
    if body.modules is not None:
        try:
            changes["modules"] = agreement_rules.check_modules(body.modules)
        except agreement_rules.AgreementError as error:
            raise ApiError(422, str(error), "modules") from error
    durable = body.durable if body.durable is not None else None
    if durable is not None or "modules" in changes:
        try:
            changes["durable"] = agreement_rules.check_durable(
                agreement.durable if durable is None else durable, changes.get("modules", agreement.modules)
            )
        except agreement_rules.AgreementError as error:
            raise ApiError(422, str(error), "durable") from error
    try:
        changed = await context.agreements.change(agreement, **changes)
    except (ConcurrentUpdate, AgreementExists) as error:
        raise ApiError(409, "the agreement changed meanwhile; read it again") from error
    return reply(agreement_view(changed))


async def delete_agreement(request: web.Request) -> web.Response:
    context = _context(request)
    if not await context.agreements.delete(request.match_info["agreement_id"]):
        raise ApiError(404, f"no agreement {request.match_info['agreement_id']}")
    return web.Response(status=204)


async def export_agreements(request: web.Request) -> web.Response:
    store = _context(request).store
    text = agreement_rules.export_yaml(await store.agreements.list_all(), await store.platforms.list_all())
    return web.Response(text=text, content_type="application/yaml")


async def import_agreements(request: web.Request) -> web.Response:
    context = _context(request)
    replace = request.query.get("replace", "false").lower() in ("1", "true", "yes")
    try:
        text = (await request.read()).decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(400, "the body must be UTF-8 YAML") from error
    quirks = QuirkProfiles(context.updater)
    try:
        result = await context.agreements.import_yaml(
            text, replace, quirks, f"admin API import ({request.remote})", context.limits
        )
    except agreement_rules.AgreementError as error:
        raise ApiError(409 if error.conflict else 422, str(error)) from error
    except OnboardingError as error:
        raise ApiError(422, str(error)) from error
    counts = {"created": result.created, "updated": result.updated, "removed": result.removed}
    if result.profiles_changed:
        counts["quirk_profiles_changed"] = result.profiles_changed
    if result.limits_changed:
        counts["rate_limits_changed"] = result.limits_changed
    return reply(counts)


async def search_messages(request: web.Request) -> web.Response:
    context = _context(request)
    filters = message_filters(request)
    await context.messages.flush()
    records = await context.store.messages.query(**filters)
    return reply([message_view(record) for record in records])


async def get_overview(request: web.Request) -> web.Response:
    return reply(await overview(_context(request)))


async def openapi_yaml(request: web.Request) -> web.Response:
    return web.Response(text=OPENAPI_PATH.read_text(), content_type="application/yaml")


async def openapi_json(request: web.Request) -> web.Response:
    return reply(yaml.safe_load(OPENAPI_PATH.read_text()))


API_PREFIX = "/admin/api/"


class DeliverySelection(msgspec.Struct, forbid_unknown_fields=True):
    ids: list[str] | None = None
    receiver: str | None = None  # a platform id, or one of its parties CC:PID:ROLE
    state: DeliveryState | None = None  # for drop: only these (default: any)


async def _selection(context: Hub, body: DeliverySelection) -> tuple[list[str] | None, str | None]:
    if body.ids is None and body.receiver is None:
        raise ApiError(422, 'name what: {"ids": [...]} or {"receiver": PLATFORM}, or {"receiver": "*"} for all')
    receiver = None
    if body.receiver not in (None, "*"):
        try:
            receiver = (await find_platform(context.store, body.receiver)).id
        except QuirkProfileError as error:
            raise ApiError(404, str(error), "receiver") from error
    return body.ids, receiver


async def delivery_figures(request: web.Request) -> web.Response:
    context = _context(request)
    figures = await context.store.deliveries.figures()
    platforms = {p.id: p for p in context.directory.platforms()}
    return reply(figures_view(figures, platforms))


async def list_deliveries(request: web.Request) -> web.Response:
    context = _context(request)
    state_text = request.query.get("state")
    try:
        state = DeliveryState(state_text.upper()) if state_text else None
    except ValueError as error:
        raise ApiError(400, "state must be PENDING or DEAD", "state") from error
    receiver = request.query.get("receiver")
    if receiver:
        try:
            receiver = (await find_platform(context.store, receiver)).id
        except QuirkProfileError as error:
            raise ApiError(404, str(error), "receiver") from error
    held = await context.store.deliveries.listed(receiver or None, state, limit=500)
    return reply([delivery_view(delivery) for delivery in held])


async def replay_deliveries(request: web.Request) -> web.Response:
    context = _context(request)
    ids, receiver = await _selection(context, await _body(request, DeliverySelection))
    count = await context.store.deliveries.replay(ids, receiver)
    log.info("dead letters replayed", count=count, receiver=receiver, by=f"admin API ({request.remote})")
    return reply({"replayed": count})


async def drop_deliveries(request: web.Request) -> web.Response:
    context = _context(request)
    body = await _body(request, DeliverySelection)
    ids, receiver = await _selection(context, body)
    count = await context.store.deliveries.drop(ids, receiver, body.state)
    log.info("deliveries dropped", count=count, receiver=receiver, by=f"admin API ({request.remote})")
    return reply({"dropped": count})


def add_routes(app: web.Application) -> None:
    """Routes of the admin sub-application (mounted at /admin)."""
    api = "/api"
    app.router.add_get(f"{api}/openapi.yaml", openapi_yaml)
    app.router.add_get(f"{api}/openapi.json", openapi_json)
    app.router.add_get(f"{api}/overview", get_overview)
    app.router.add_get(f"{api}/platforms", list_platforms)
    app.router.add_get(f"{api}/platforms/{{platform_id}}", get_platform)
    app.router.add_patch(f"{api}/platforms/{{platform_id}}", change_platform)
    app.router.add_delete(f"{api}/platforms/{{platform_id}}", remove_platform)
    app.router.add_post(f"{api}/platforms/{{platform_id}}/unregister", unregister_platform)
    app.router.add_post(f"{api}/invitations", create_invitation)
    app.router.add_get(f"{api}/quirk-profiles", list_quirk_profiles)
    app.router.add_get(f"{api}/agreements", list_agreements)
    app.router.add_post(f"{api}/agreements", create_agreement)
    app.router.add_get(f"{api}/agreements.yaml", export_agreements)
    app.router.add_put(f"{api}/agreements.yaml", import_agreements)
    app.router.add_get(f"{api}/agreements/{{agreement_id}}", get_agreement)
    app.router.add_patch(f"{api}/agreements/{{agreement_id}}", change_agreement)
    app.router.add_delete(f"{api}/agreements/{{agreement_id}}", delete_agreement)
    app.router.add_get(f"{api}/messages", search_messages)
    app.router.add_get(f"{api}/deliveries/figures", delivery_figures)
    app.router.add_get(f"{api}/deliveries", list_deliveries)
    app.router.add_post(f"{api}/deliveries/replay", replay_deliveries)
    app.router.add_post(f"{api}/deliveries/drop", drop_deliveries)
