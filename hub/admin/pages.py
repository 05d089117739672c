"""The dashboard: server-rendered pages (aiohttp-jinja2) for operators. Signed in with the admin token (a signed
session cookie); every form carries a CSRF token. A little plain JavaScript refreshes the traffic table."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import aiohttp_jinja2
import structlog
from aiohttp import web

from hub.admin.auth import SESSION_COOKIE
from hub.admin.charts import latency_chart, traffic_chart
from hub.admin.filters import ApiError, message_filters
from hub.admin.keys import ADMIN_AUTH, HUB
from hub.admin.stats import overview
from hub.admin.views import agreement_view, message_view, platform_view
from hub.assembly import Hub
from hub.operations.delivery_reports import delivery_view, figures_view
from hub.platforms.parties import OnboardingError, parse_party
from hub.platforms.quirk_profiles import QuirkProfileError, QuirkProfiles, profiles
from hub.platforms.rate_limit_overrides import RATE_CLASSES, LimitError
from routing.model import FUNCTIONAL_MODULES
from storage.models import AgreementState, DeliveryState

log = structlog.get_logger("hub.dashboard")
OPEN_PAGES = ("/admin/login", "/admin/static/")


@web.middleware
async def page_guard(request: web.Request, handler) -> web.StreamResponse:
    """Pages need a session; forms need a CSRF token. Errors become a page, never a trace."""
    path = request.path
    if not path.startswith("/admin") or path.startswith("/admin/api/") or path.startswith(OPEN_PAGES):
        return await handler(request)
    auth = request.app[ADMIN_AUTH]
    # The traffic table refreshing itself every 2 s is not the operator being active.
    activity = path != "/admin/traffic/rows"
    if not await auth.session_ok(request, request.app[HUB].store, activity):
        if not activity:
            return web.Response(status=401, text="signed out")
        raise web.HTTPSeeOther(f"/admin/login?next={quote(request.path_qs)}")
    if request.method == "POST":
        form = await read_form(request)
        if not auth.csrf_ok(request, str(form.get("csrf", ""))):
            return _error_page(
                request, 403, "This form has expired or did not come from this dashboard. Reload and try again."
            )
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("dashboard error", path=path)
        return _error_page(request, 500, "Something went wrong; nothing was changed.")


async def read_form(request: web.Request):
    """The posted form; a body that is not UTF-8 form data is a 400, not a crash."""
    try:
        return await request.post()
    except (UnicodeDecodeError, ValueError) as error:
        raise web.HTTPBadRequest(text="the form could not be read (not UTF-8 form data)") from error


def _error_page(request: web.Request, status: int, message: str) -> web.Response:
    return _page(request, "error.html", {"status": status, "message": message}, status)


def _context(request: web.Request) -> Hub:
    return request.app[HUB]


def _page(request: web.Request, template: str, values: dict[str, Any], status: int = 200) -> web.Response:
    values = {"csrf": request.app[ADMIN_AUTH].csrf_token(request), "path": request.path, **values}
    return aiohttp_jinja2.render_template(template, request, values, status=status)


# --- sign-in ----------------------------------------------------------------------------------------------------


async def login_form(request: web.Request) -> web.Response:
    return aiohttp_jinja2.render_template("login.html", request, {"next": request.query.get("next", "/admin/")})


async def login(request: web.Request) -> web.Response:
    form = await read_form(request)
    auth = request.app[ADMIN_AUTH]
    target = str(form.get("next") or "/admin/")
    if not target.startswith("/admin"):
        target = "/admin/"
    if not auth.token_matches(str(form.get("token", ""))):
        log.warning("dashboard sign-in refused", remote=request.remote)
        return aiohttp_jinja2.render_template(
            "login.html", request, {"next": target, "error": "That is not the admin token."}, status=401
        )
    response = web.HTTPSeeOther(target)
    response.set_cookie(
        SESSION_COOKIE,
        await auth.new_session(request.app[HUB].store),
        max_age=int(auth.lifetime_seconds),
        httponly=True,
        samesite="Strict",
        # Behind a TLS-terminating proxy the request itself looks plain: the public URL says what users see.
        secure=request.secure or request.app[HUB].settings.base_url.startswith("https://"),
        path="/admin",
    )
    raise response


async def logout(request: web.Request) -> web.Response:
    await request.app[ADMIN_AUTH].end_session(request, _context(request).store)
    response = web.HTTPSeeOther("/admin/login")
    response.del_cookie(SESSION_COOKIE, path="/admin")
    raise response


# --- pages ------------------------------------------------------------------------------------------------------


async def overview_page(request: web.Request) -> web.Response:
    context = _context(request)
    stats = await overview(context)
    return _page(
        request,
        "overview.html",
        {
            "stats": stats,
            "traffic_chart": traffic_chart(stats["traffic"]),
            "latency_chart": latency_chart(stats["slowest_partners"]),
            "recent_failures": [message_view(r) for r in await context.store.messages.query(failed=True, limit=10)],
        },
    )


async def platforms_page(
    request: web.Request, invitation: dict | None = None, error: str | None = None, status: int = 200
) -> web.Response:
    context = _context(request)
    platforms = [platform_view(context, p) for p in await context.store.platforms.list_all()]
    return _page(
        request,
        "platforms.html",
        {"platforms": platforms, "invitation": invitation, "error": error, "form": dict(await read_form(request))},
        status,
    )


async def invite(request: web.Request) -> web.Response:
    context = _context(request)
    form = await read_form(request)
    lines = [line.strip() for line in str(form.get("parties", "")).replace(",", "\n").splitlines() if line.strip()]
    try:
        parties = [parse_party(line) for line in lines]
        invitation = await context.invitations.invite_and_announce(parties, str(form.get("name", "")).strip())
    except OnboardingError as error:
        return await platforms_page(request, error=str(error), status=422)
    shown = {
        "platform_id": invitation.platform.id,
        "parties": [str(p) for p in parties],
        "versions_url": context.settings.versions_url,
        "token_a": invitation.token_a,
    }
    return await platforms_page(request, invitation=shown)


async def platform_page(
    request: web.Request, error: str | None = None, status: int = 200, limits_error: str | None = None
) -> web.Response:
    context = _context(request)
    platform = await context.store.platforms.get(request.match_info["platform_id"])
    if platform is None:
        return _error_page(request, 404, "There is no such platform (any more).")
    traffic = await context.store.messages.query(platform_id=platform.id, limit=50)
    parties = {f"{p.country_code}:{p.party_id}" for p in platform.parties}
    for party in parties:
        traffic += await context.store.messages.query(party=party, limit=50)
    unique = {(r.at, r.request_id, r.to_party): r for r in traffic}
    recent = sorted(unique.values(), key=lambda r: r.at, reverse=True)[:50]
    return _page(
        request,
        "platform.html",
        {
            "platform": platform_view(context, platform),
            "traffic": [message_view(r) for r in recent],
            "profiles": [profile.as_dict() for profile in profiles()],
            "error": error,
            "limits_error": limits_error,
        },
        status,
    )


async def set_quirks(request: web.Request) -> web.Response:
    context = _context(request)
    form = await read_form(request)
    platform_id = request.match_info["platform_id"]
    try:
        await QuirkProfiles(context.updater).set(
            platform_id, str(form.get("quirks", "")), f"dashboard ({request.remote})"
        )
    except QuirkProfileError as error:
        return await platform_page(request, error=str(error), status=422)
    raise web.HTTPSeeOther(f"/admin/platforms/{platform_id}")


async def set_rate_limits(request: web.Request) -> web.Response:
    context = _context(request)
    form = await read_form(request)
    platform_id = request.match_info["platform_id"]
    changes = {name: (str(form.get(name, "")).strip() or None) for name in RATE_CLASSES}
    try:
        await context.limits.set(platform_id, changes, f"dashboard ({request.remote})")
    except LimitError as error:
        return await platform_page(request, limits_error=str(error), status=422)
    raise web.HTTPSeeOther(f"/admin/platforms/{platform_id}")


async def unregister_platform(request: web.Request) -> web.Response:
    context = _context(request)
    platform = await context.store.platforms.get(request.match_info["platform_id"])
    if platform is not None:
        await context.offboarding.revoke(platform)
    raise web.HTTPSeeOther(f"/admin/platforms/{request.match_info['platform_id']}")


async def remove_platform(request: web.Request) -> web.Response:
    context = _context(request)
    platform = await context.store.platforms.get(request.match_info["platform_id"])
    if platform is not None:
        await context.offboarding.remove(platform)
    raise web.HTTPSeeOther("/admin/platforms")


def _modules(request: web.Request) -> tuple[str, ...]:
    """OCPI's modules and the custom ones the operator enabled."""
    return (*FUNCTIONAL_MODULES, *_context(request).settings.custom_modules)


async def agreements_page(
    request: web.Request, error: str | None = None, status: int = 200, notice: str | None = None
) -> web.Response:
    context = _context(request)
    agreements = [agreement_view(a) for a in await context.store.agreements.list_all()]
    parties = sorted(party.key for platform in context.directory.platforms() for party in platform.parties)
    return _page(
        request,
        "agreements.html",
        {
            "agreements": agreements,
            "parties": parties,
            "modules": _modules(request),
            "error": error,
            "notice": notice,
            "form": await read_form(request) if request.method == "POST" else {},
            "policy": context.settings.routing_policy,
        },
        status,
    )


async def create_agreement(request: web.Request) -> web.Response:
    context = _context(request)
    form = await read_form(request)
    first, second = str(form.get("first", "")), str(form.get("second", ""))
    modules = [str(m) for m in form.getall("modules", [])]
    durable = [str(m) for m in form.getall("durable", [])]
    state = AgreementState.ACTIVE if form.get("state", "ACTIVE") == "ACTIVE" else AgreementState.PROPOSED
    if not first or not second:
        return await agreements_page(request, error="Choose both parties.", status=422)
    try:
        agreement = await context.agreements.add(parse_party(first), parse_party(second), modules, state, durable)
    except OnboardingError as error:
        return await agreements_page(request, error=str(error), status=422)
    return await agreements_page(request, notice=f"Agreement {agreement.id} recorded ({agreement.state.value}).")


async def change_agreement(request: web.Request) -> web.Response:
    context = _context(request)
    form = await read_form(request)
    action = str(form.get("action", ""))
    reference = request.match_info["agreement_id"]
    try:
        if action == "remove":
            await context.agreements.remove(reference)
        elif action in ("ACTIVE", "SUSPENDED"):
            await context.agreements.set_state(reference, AgreementState(action))
        else:
            raise ApiError(400, "unknown action")
    except (OnboardingError, ApiError) as error:
        return await agreements_page(request, error=str(error), status=422)
    raise web.HTTPSeeOther("/admin/agreements")


async def traffic_page(request: web.Request) -> web.Response:
    try:
        filters = message_filters(request)
    except ApiError as error:
        return _page(
            request,
            "traffic.html",
            {
                "error": error.message,
                "rows": [],
                "query": dict(request.query),
                "modules": _modules(request),
                "rows_url": "",
            },
            400,
        )
    await _context(request).messages.flush()  # a search someone just typed should find what just happened
    rows = await _traffic_rows(request, filters)
    return _page(
        request,
        "traffic.html",
        {
            "rows": rows,
            "query": dict(request.query),
            "modules": _modules(request),
            "rows_url": "/admin/traffic/rows?" + urlencode(request.query),
        },
    )


async def traffic_rows(request: web.Request) -> web.Response:
    try:
        rows = await _traffic_rows(request, message_filters(request))
    except ApiError:
        rows = []
    return _page(request, "traffic_rows.html", {"rows": rows})


async def _traffic_rows(request: web.Request, filters: dict[str, Any]) -> list[dict[str, Any]]:
    context = _context(request)
    return [message_view(r) for r in await context.store.messages.query(**filters)]


async def deliveries_page(request: web.Request, notice: str | None = None) -> web.Response:
    context = _context(request)
    platforms = {p.id: p for p in context.directory.platforms()}
    figures = figures_view(await context.store.deliveries.figures(), platforms)
    dead = [delivery_view(d) for d in await context.store.deliveries.listed(state=DeliveryState.DEAD, limit=200)]
    return _page(request, "deliveries.html", {"figures": figures, "dead": dead, "notice": notice})


async def _delivery_selection(request: web.Request) -> tuple[list[str] | None, str | None, DeliveryState | None]:
    form = await read_form(request)
    ids = [str(value) for value in form.getall("id", [])] or None
    receiver = str(form.get("receiver", "")) or None
    state = DeliveryState.DEAD if form.get("state") == "DEAD" else None
    if ids is None and receiver is None:
        raise web.HTTPBadRequest(text="name the deliveries")
    return ids, receiver, state


async def replay_deliveries(request: web.Request) -> web.Response:
    context = _context(request)
    ids, receiver, _ = await _delivery_selection(request)
    count = await context.store.deliveries.replay(ids, receiver)
    log.info("dead letters replayed", count=count, receiver=receiver, by=f"dashboard ({request.remote})")
    return await deliveries_page(
        request, notice=f"{count} replayed: they are delivered as soon as the receiver takes them."
    )


async def drop_deliveries(request: web.Request) -> web.Response:
    context = _context(request)
    ids, receiver, state = await _delivery_selection(request)
    count = await context.store.deliveries.drop(ids, receiver, state)
    log.info("deliveries dropped", count=count, receiver=receiver, by=f"dashboard ({request.remote})")
    return await deliveries_page(request, notice=f"{count} dropped.")


def add_routes(app: web.Application) -> None:
    """Routes of the admin sub-application (mounted at /admin)."""
    app.router.add_get("/", overview_page)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/platforms", platforms_page)
    app.router.add_post("/platforms", invite)
    app.router.add_get("/platforms/{platform_id}", platform_page)
    app.router.add_post("/platforms/{platform_id}/quirks", set_quirks)
    app.router.add_post("/platforms/{platform_id}/rate-limits", set_rate_limits)
    app.router.add_post("/platforms/{platform_id}/unregister", unregister_platform)
    app.router.add_post("/platforms/{platform_id}/remove", remove_platform)
    app.router.add_get("/agreements", agreements_page)
    app.router.add_post("/agreements", create_agreement)
    app.router.add_post("/agreements/{agreement_id}", change_agreement)
    app.router.add_get("/traffic", traffic_page)
    app.router.add_get("/traffic/rows", traffic_rows)
    app.router.add_get("/deliveries", deliveries_page)
    app.router.add_post("/deliveries/replay", replay_deliveries)
    app.router.add_post("/deliveries/drop", drop_deliveries)
