"""`ocpi-hub`: run the hub, onboard platforms, register the hub with a platform."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import msgspec
import orjson

from hub.config import ConfigError, Settings, load_settings
from hub.operations.logging import configure_logging
from hub.platforms.parties import OnboardingError, parse_party
from storage.errors import StorageError
from storage.models import AuthEncoding
from storage.opening import UnsupportedStoreURL
from storage.urls import redacted_store_url

STORE_HELP = (
    "Where the hub keeps its data: sqlite:///relative/path.db, sqlite:////absolute/path.db or mongodb://... "
    "[default: sqlite:///data/ocpi-hub.db]"
)
CONFIG_HELP = "YAML settings file (see config.example.yaml) [default: $OCPI_HUB_CONFIG]."
URL_HELP = (
    "The running hub's {what}, for the URLs this command prints and sends (not a listen address) "
    "[default: the URL the serving hub recorded in the store]."
)


def store_options(function: Callable) -> Callable:
    """--config and --store: every command that works on a hub's store."""
    options = [
        click.option("--config", "config_file", type=click.Path(dir_okay=False), help=CONFIG_HELP),
        click.option("--store", help=STORE_HELP),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def hub_url_options(function: Callable) -> Callable:
    """--public-url, --host, --port for commands that print or send the hub's URL (not where they listen)."""
    options = [
        click.option("--public-url", help=URL_HELP.format(what="public URL, e.g. https://hub.example.com")),
        click.option("--host", help=URL_HELP.format(what="host")),
        click.option("--port", type=int, help=URL_HELP.format(what="port")),
    ]
    for option in reversed(options):
        function = option(function)
    return store_options(function)


def settings_from(options: dict[str, Any]) -> Settings:
    overrides = {key: options.pop(key, None) for key in ("store", "public_url", "host", "port", "workers")}
    try:
        return load_settings(options.pop("config_file", None), overrides)
    except ConfigError as error:
        raise click.ClickException(str(error)) from error


def run(coroutine) -> Any:
    try:
        return asyncio.run(coroutine)
    except (OnboardingError, ConfigError, UnsupportedStoreURL, StorageError, ValueError) as error:
        raise click.ClickException(str(error)) from error


def parse_parties(values: tuple[str, ...]) -> list:
    try:
        return [parse_party(value) for value in values]
    except OnboardingError as error:
        raise click.BadParameter(str(error), param_hint="--party") from error


QUIRKS_OPTION_HELP = (
    "The quirk profile to read the platform's messages with: known deviations of its implementation the hub "
    "tolerates (see `ocpi-hub platforms quirks`) [default: strict]."
)


def check_profile_option(context: click.Context, parameter: click.Parameter, value: str | None) -> str | None:
    """--quirks: a known profile, checked before anything is done."""
    from hub.platforms.quirk_profiles import QuirkProfileError, check_profile

    if value is None:
        return None
    try:
        return check_profile(value)
    except QuirkProfileError as error:
        raise click.BadParameter(str(error)) from error


def _operator(command: str) -> str:
    """Who changed something, for the hub's log: this command and the system user running it."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown user"
    return f"cli {command} ({user})"


MAIN_HELP = """An OCPI 2.2.1 roaming hub: CPOs and eMSPs connect once and reach every partner they have an agreement
with.

\b
Settings come from, each overriding the one before:
  defaults < the YAML file named by --config or OCPI_HUB_CONFIG
           < environment variables OCPI_HUB_<SETTING>, e.g. OCPI_HUB_STORE, OCPI_HUB_PORT, OCPI_HUB_SECRET_KEY,
             OCPI_HUB_ADMIN_TOKEN, OCPI_HUB_PUBLIC_URL, OCPI_HUB_LOG_FORMAT (one per setting in
             config.example.yaml)
           < command-line options.
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, help=MAIN_HELP)
@click.version_option(package_name="ocpi-hub", prog_name="ocpi-hub")
def main() -> None:
    pass


@main.command()
@store_options
@click.option("--host", help="Address to listen on [default: 127.0.0.1; 0.0.0.0 for every interface].")
@click.option("--port", type=int, help="Port to listen on [default: 8080].")
@click.option(
    "--public-url", help="The URL platforms reach the hub at, when not http://HOST:PORT (a TLS proxy in front)."
)
@click.option("--workers", type=int, help="Hub processes sharing the port and the store [default: 1].")
def serve(workers: int | None, **options: Any) -> None:
    """Run the hub until Ctrl+C or SIGTERM."""
    from hub.workers import StartupError, run_worker, run_workers

    if workers is not None:
        options["workers"] = workers
    settings = settings_from(options)
    configure_logging(settings.log_format, settings.log_level)
    try:
        if settings.workers == 1:
            run_worker(settings, reuse_port=False, on_ready=lambda: _banner(settings))
        else:
            sys.exit(run_workers(settings, settings.workers, on_ready=lambda: _banner(settings)))
    except StartupError as error:
        raise click.ClickException(str(error)) from None


def _banner(settings: Settings) -> None:
    """Printed once the port is bound and the store open: where the hub is, and what to do next. Not with JSON
    logs: those go to a log pipeline, where the `hub ready` line says the same."""
    if settings.log_format == "json":
        return
    invite = f"{_own_command()} invite"
    config = next((arg for arg in sys.argv if arg.startswith("--config")), None)
    if config is not None:
        index = sys.argv.index(config)
        invite += f" {config}" if "=" in config else f" --config {sys.argv[index + 1]}"
    if settings.store != Settings().store:
        invite += " --store " + ("<your store URL>" if "@" in settings.store else settings.store)
    try:
        admin_hint = "the admin_token setting" if settings.admin_token else f"cat {settings.admin_token_path}"
    except ConfigError:
        admin_hint = "the admin_token setting"
    click.echo(
        f"OCPI hub listening on http://{settings.host}:{settings.port}"
        f"{f' ({settings.workers} processes)' if settings.workers > 1 else ''}\n"
        f"  versions endpoint:   {settings.versions_url}\n"
        f"  dashboard:           {settings.base_url}/admin/  (sign in with the admin token: {admin_hint})\n"
        f"  metrics, health:     {settings.base_url}/metrics, {settings.base_url}/health/ready\n"
        f"  store:               {redacted_store_url(settings.store)}\n"
        f"  onboard a platform:  {invite} --party NL:ABC:CPO\n"
        "                       (gives the versions URL and the Token A to hand to the platform)\n"
        "Stop with Ctrl+C.",
        err=True,
    )


def _own_command() -> str:
    """How the user can run this command again: `ocpi-hub` if it is on PATH, else its path."""
    program = Path(sys.argv[0])
    if shutil.which(program.name) == str(program.resolve()) or not program.exists():
        return program.name
    try:
        return str(program.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(program)


@main.command()
@hub_url_options
@click.option(
    "--party", "parties", multiple=True, required=True, help="CC:PID:ROLE the platform may register (repeatable)."
)
@click.option("--name", default="", help="A name for the platform, for operators.")
@click.option("--quirks", "profile", callback=check_profile_option, help=QUIRKS_OPTION_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print {versions_url, token_a} as JSON.")
def invite(parties: tuple[str, ...], name: str, profile: str | None, as_json: bool, **options: Any) -> None:
    """Create a Token A for one platform and the parties it may register. Also tells connected platforms about the
    new parties (HubClientInfo, status PLANNED)."""
    from hub.assembly import open_hub
    from hub.platforms.quirk_profiles import QuirkProfiles

    settings = settings_from(options)
    configure_logging(settings.log_format, "warning")
    references = parse_parties(parties)

    async def go():
        async with open_hub(settings) as hub:
            invitation = await hub.invitations.invite_and_announce(references, name)
            if profile:
                await QuirkProfiles(hub.updater).set(invitation.platform.id, profile, _operator("invite"))
            return invitation, hub.settings.versions_url

    invitation, versions_url = run(go())
    if as_json:
        document = {"versions_url": versions_url, "token_a": invitation.token_a}
        click.echo(orjson.dumps(document).decode())
        return
    click.echo(
        f"Invited platform {invitation.platform.id} for {', '.join(str(r) for r in references)}.\n"
        "Hand these to the platform over a secure channel; the token is shown only this once:\n"
        f"  versions URL: {versions_url}\n"
        f"  Token A:      {invitation.token_a}"
    )


@main.command()
@hub_url_options
@click.option("--versions-url", required=True, help="The platform's versions endpoint.")
@click.option(
    "--token-a",
    required=True,
    envvar="OCPI_HUB_TOKEN_A",
    help="The Token A the platform issued to the hub (or set OCPI_HUB_TOKEN_A, which keeps it out of `ps`).",
)
@click.option(
    "--party", "parties", multiple=True, required=True, help="CC:PID:ROLE the platform will announce (repeatable)."
)
@click.option("--name", default="", help="A name for the platform, for operators.")
@click.option(
    "--auth-encoding",
    type=click.Choice([e.value for e in AuthEncoding]),
    default=AuthEncoding.BASE64.value,
    show_default=True,
    help="How the platform reads the token (plain for 2.1.1-style peers; the other is tried on a 401).",
)
@click.option(
    "--version",
    "ocpi_version",
    type=click.Choice(["2.2.1", "2.1.1"]),
    help="The OCPI version to register in [default: the best one both speak: 2.2.1, else 2.1.1].",
)
@click.option("--quirks", "profile", callback=check_profile_option, help=QUIRKS_OPTION_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def connect(
    versions_url: str,
    token_a: str,
    parties: tuple[str, ...],
    name: str,
    auth_encoding: str,
    ocpi_version: str | None,
    profile: str | None,
    as_json: bool,
    **options,
) -> None:
    """Register the hub with a platform that issued a Token A to the hub. The hub must be running (the platform
    calls it back during the handshake)."""
    from hub.assembly import open_hub
    from hub.platforms.quirk_profiles import QuirkProfiles, profile_of

    settings = settings_from(options)
    configure_logging(settings.log_format, "warning")
    references = parse_parties(parties)

    async def go():
        async with open_hub(settings) as hub:
            platform = await hub.connector.connect(
                versions_url, token_a, references, AuthEncoding(auth_encoding), name, ocpi_version
            )
            if profile:
                platform = (await QuirkProfiles(hub.updater).set(platform.id, profile, _operator("connect"))).platform
            return platform

    platform = run(go())
    if as_json:
        document = {
            "platform_id": platform.id,
            "state": platform.state.value,
            "version": platform.version,
            "quirks": profile_of(platform),
        }
        click.echo(orjson.dumps(document).decode())
        return
    click.echo(
        f"Registered with {versions_url} as platform {platform.id} (OCPI {platform.version}, "
        f"quirk profile {profile_of(platform)})."
    )


@main.command()
@store_options
@click.option("--platform", "platform_id", help="The platform's id (see `ocpi-hub platforms`).")
@click.option("--party", help="Or any party CC:PID:ROLE of the platform.")
def unregister(platform_id: str | None, party: str | None, **options: Any) -> None:
    """End a platform's access now: void its tokens, tell it (credentials DELETE), report its parties SUSPENDED.
    Invite it again to let it register anew."""
    from hub.assembly import open_hub

    if bool(platform_id) == bool(party):
        raise click.UsageError("name the platform with exactly one of --platform or --party")
    settings = settings_from(options)
    configure_logging(settings.log_format, "warning")

    async def go():
        async with open_hub(settings) as hub:
            if platform_id:
                platform = await hub.store.platforms.get(platform_id)
            else:
                (reference,) = parse_parties((party,))
                platform = await hub.store.platforms.find_by_party(
                    reference.country_code, reference.party_id, reference.role
                )
            if platform is None:
                raise OnboardingError(f"no platform {platform_id or 'with party ' + party}")
            return await hub.offboarding.revoke(platform)

    platform = run(go())
    click.echo(f"Platform {platform.id} ({platform.name}) is unregistered; its tokens no longer work.")


@main.command("rotate-secret-key")
@store_options
def rotate_secret_key(**options: Any) -> None:
    """Re-encrypt the partner tokens in the store with a new secret key. Stop every hub process of the store first,
    and start them again with the new key. With a key file, the new key replaces it (the old one is kept as
    FILE.old); with secret_key / OCPI_HUB_SECRET_KEY, the new key is printed for your secret manager."""
    from hub.platforms import secret_key

    settings = settings_from(options)

    async def go():
        from storage.opening import open_store

        store = await open_store(settings.store)
        try:
            return await secret_key.rotate(settings, store)
        finally:
            await store.close()

    new_key, rotated = run(go())
    if settings.secret_key:
        click.echo(f"Re-encrypted {rotated} partner tokens. Start every hub process with this secret_key:\n{new_key}")
    else:
        click.echo(
            f"Re-encrypted {rotated} partner tokens; {settings.secret_key_path} holds the new key (the old one is in "
            f"{settings.secret_key_path}.old). Start the hub processes again."
        )


PLATFORM_REFERENCE_HELP = "PLATFORM is the platform's id or one of its parties, as CC:PID:ROLE."


@main.group(invoke_without_command=True)
@store_options
@click.option("--json", "as_json", is_flag=True, help="Print the platforms as JSON.")
@click.pass_context
def platforms(context: click.Context, as_json: bool, **options: Any) -> None:
    """List the platforms: id, state, OCPI version, name, parties with their status, quirk profile. The commands
    below show the quirk profiles and set a platform's."""
    if context.invoked_subcommand is not None:
        context.obj = {"as_json": as_json, **options}  # `platforms --store X quirks`: the subcommand's too
        return
    from hub.platforms.quirk_profiles import profile_of, tolerated_by

    listed = _with_store(options, lambda store: store.platforms.list_all())
    if as_json:
        rows = [
            {
                "id": p.id,
                "name": p.name,
                "state": p.state.value,
                "version": p.version,
                "quirks": profile_of(p),
                "tolerances": tolerated_by(p),
                "versions_url": p.versions_url,
                "parties": [{"party": p2.key, "status": p2.status.value} for p2 in p.parties],
            }
            for p in listed
        ]
        click.echo(orjson.dumps(rows).decode())
        return
    if not listed:
        click.echo("No platforms yet. Onboard one with: ocpi-hub invite --party CC:PID:ROLE")
    for p in listed:
        parties_text = ", ".join(f"{party.key} {party.status.value}" for party in p.parties)
        version = f"OCPI {p.version}" if p.version else "-"
        click.echo(f"{p.id}  {p.state.value:<12}  {version:<10}  {p.name}  [{parties_text}]  quirks: {profile_of(p)}")


def _inherited(options: dict[str, Any]) -> dict[str, Any]:
    """A subcommand's options, with what was given to its group (`platforms --store X ...`) where it gave none."""
    given = click.get_current_context().obj or {}
    return {key: options.get(key) or given.get(key) for key in {*options, *given}}


@platforms.command("quirks", short_help="List the quirk profiles and what each tolerates.")
@click.option("--json", "as_json", is_flag=True, help="Print the profiles as JSON.")
def platforms_quirks(as_json: bool) -> None:
    """List the quirk profiles a platform can be given: what each is for, and what it tolerates in what the
    platform sends. A profile changes only how the hub reads that platform's messages; what the hub sends it is
    always the spec's."""
    from hub.platforms.quirk_profiles import profiles

    as_json = bool(_inherited({"as_json": as_json})["as_json"])
    shipped = profiles()
    if as_json:
        click.echo(orjson.dumps([profile.as_dict() for profile in shipped]).decode())
        return
    width = max(len(profile.name) for profile in shipped)
    for profile in shipped:
        click.echo(f"{profile.name:<{width}}  {profile.note}")
        for line in profile.tolerates or ("tolerates nothing: the spec as written",):
            click.echo(f"{'':<{width}}  - {line}")


SET_QUIRKS_HELP = (
    "Read a platform's messages with quirk profile PROFILE (see `ocpi-hub platforms quirks`; strict for none). "
    + PLATFORM_REFERENCE_HELP
    + " Running hubs on the store use it within a second."
)


@platforms.command("set-quirks", help=SET_QUIRKS_HELP, short_help="Set a platform's quirk profile.")
@store_options
@click.argument("platform")
@click.argument("profile")
def platforms_set_quirks(platform: str, profile: str, **options: Any) -> None:
    from hub.platforms.quirk_profiles import QuirkProfiles, find_platform, tolerated_by

    async def go(store):
        found = await find_platform(store, platform)
        return await QuirkProfiles.on_store(store).set(found.id, profile, _operator("platforms set-quirks"))

    change = _with_store(_inherited(options), go, log_changes=True)
    named = f"{change.platform.id} ({change.platform.name})" if change.platform.name else change.platform.id
    if not change.changed:
        click.echo(f"Platform {named} already has quirk profile {change.profile}; nothing changed.")
        return
    click.echo(f"Platform {named}: quirk profile {change.profile} (was {change.previous}).")
    for line in tolerated_by(change.platform):
        click.echo(f"  tolerates: {line}")


SET_LIMITS_HELP = (
    "Give a platform its own rate limits: LIMITS are CLASS=N (requests per minute; 0 for no limit) or "
    "CLASS=default (the hub's, from the settings), for the classes authorize, commands, pushes and gets. "
    + PLATFORM_REFERENCE_HELP
    + " Without LIMITS, show the limits in force. Running hubs on the store use them within a second."
)


@platforms.command("set-limits", help=SET_LIMITS_HELP, short_help="Set or show a platform's rate limits.")
@store_options
@click.argument("platform")
@click.argument("limits", nargs=-1)
def platforms_set_limits(platform: str, limits: tuple[str, ...], **options: Any) -> None:
    from hub.platforms.quirk_profiles import find_platform
    from hub.platforms.rate_limit_overrides import PlatformLimits, limits_in_force, parse_limit_items

    try:
        changes = parse_limit_items(limits)
    except OnboardingError as error:
        raise click.BadParameter(str(error), param_hint="LIMITS") from error
    options = _inherited(options)
    settings = settings_from(dict(options))  # the hub's limits, for those the platform does not override

    async def go(store):
        found = await find_platform(store, platform)
        if not changes:
            return found
        return (await PlatformLimits.on_store(store).set(found.id, changes, _operator("platforms set-limits"))).platform

    changed = _with_store(options, go, log_changes=bool(changes))
    named = f"{changed.id} ({changed.name})" if changed.name else changed.id
    click.echo(f"Platform {named}: rate limits per minute")
    for row in limits_in_force(settings, changed):
        value = "no limit" if row["per_minute"] == 0 else str(row["per_minute"])
        origin = "its own" if row["overridden"] else "the hub's"
        click.echo(f"  {row['class']:<10} {value:>10}  ({origin})")


@main.command()
@store_options
@click.option("--request-id", help="An X-Request-ID, as the sender sent it or as the receiver got it.")
@click.option("--correlation-id", help="An X-Correlation-ID: every leg of one exchange.")
@click.option("--party", help="CC:PID, as sender or receiver.")
@click.option("--since", help="From this time on (RFC 3339, UTC), e.g. 2026-11-25T10:00:00Z.")
@click.option("--until", help="Before this time (RFC 3339, UTC).")
@click.option("--limit", type=int, default=50, show_default=True, help="At most this many records, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
def messages(
    request_id: str | None,
    correlation_id: str | None,
    party: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    as_json: bool,
    **options: Any,
) -> None:
    """Search the message log (newest first): one record per routed message, no bodies. A message the hub
    translated between OCPI versions says so (`translated 2.1.1>2.2.1`, request and answer: `2.1.1>2.2.1>2.1.1`),
    with what the translation could not carry (`lost: ...`)."""
    from routing.datetimes import parse_datetime

    def moment(text: str | None, name: str) -> float | None:
        if not text:
            return None
        try:
            return parse_datetime(text).timestamp()
        except ValueError as error:
            raise click.BadParameter(f"{text!r} is not an RFC 3339 date-time", param_hint=name) from error

    filters = {
        "request_id": request_id,
        "correlation_id": correlation_id,
        "party": party.upper() if party else None,
        "since": moment(since, "--since"),
        "until": moment(until, "--until"),
        "limit": limit,
    }
    records = _with_store(options, lambda store: store.messages.query(**filters))
    if as_json:
        rows = [{**msgspec.to_builtins(r), "at": _rfc3339(r.at)} for r in records]
        click.echo(orjson.dumps(rows).decode())
        return
    if not records:
        click.echo("No messages match.")
    for record in records:
        when = _rfc3339(record.at)
        click.echo(
            f"{when}  {record.method:<6} {record.module:<16} {record.from_party or '-':>7} -> "
            f"{record.to_party or '-':<7} {record.outcome:<11} HTTP {record.http_status} "
            f"{record.status_code or '-'}  {record.latency_ms:.1f} ms  req {record.request_id}"
            + (f" (receiver got {record.downstream_request_id})" if record.downstream_request_id else "")
            + f"  corr {record.correlation_id}"
            + (f"  {record.status_message!r}" if record.status_message else "")
            + (f"  translated {record.translation}" if record.translation else "")
            + (f"  lost: {'; '.join(record.lost)}" if record.lost else "")
        )


def _rfc3339(moment: float) -> str:
    from hub.ocpi.timeutil import from_unix

    return from_unix(moment)


@main.group(invoke_without_command=True)
@store_options
@click.option("--dead", is_flag=True, help="Only the dead letters.")
@click.option("--receiver", help="Only those for this platform (its id, or one of its parties CC:PID:ROLE).")
@click.option("--json", "as_json", is_flag=True, help="Print them as JSON.")
@click.pass_context
def deliveries(context: click.Context, dead: bool, receiver: str | None, as_json: bool, **options: Any) -> None:
    """Durable delivery: per receiver, how many pushes wait, the oldest one's age and the dead letters; then the
    pushes held (never their bodies). The commands below replay or drop them."""
    if context.invoked_subcommand is not None:
        context.obj = options
        return
    from hub.operations.delivery_reports import delivery_view, figures_view
    from hub.platforms.quirk_profiles import find_platform
    from storage.models import DeliveryState

    async def go(store):
        receiver_id = (await find_platform(store, receiver)).id if receiver else None
        platforms = {p.id: p for p in await store.platforms.list_all()}
        figures = figures_view(await store.deliveries.figures(), platforms)
        state = DeliveryState.DEAD if dead else None
        held = [delivery_view(d) for d in await store.deliveries.listed(receiver_id, state, limit=1000)]
        return figures, held

    figures, held = _with_store(options, go)
    if as_json:
        click.echo(orjson.dumps({"figures": figures, "deliveries": held}).decode())
        return
    if not figures:
        click.echo("Nothing held for durable delivery.")
        return
    for row in figures:
        oldest = f", oldest {row['oldest_age_seconds']:.0f} s" if row["oldest_age_seconds"] is not None else ""
        parties = ", ".join(row["parties"]) or row["receiver_platform_id"]
        click.echo(f"{parties}: {row['pending']} waiting{oldest}, {row['dead']} dead")
    for item in held:
        error = f"  ({item['last_error']})" if item["last_error"] else ""
        click.echo(
            f"  {item['id']}  {item['state']:<7}  {item['method']} {item['path']}  to {item['receiver']}  "
            f"{item['attempts']} attempts{error}"
        )


def _selected(ids: tuple[str, ...], receiver: str | None, everything: bool) -> None:
    if not ids and not receiver and not everything:
        raise click.UsageError("name the deliveries: their ids, --receiver PLATFORM, or --all")


async def _receiver_id(store, receiver: str | None) -> str | None:
    from hub.platforms.quirk_profiles import find_platform

    return (await find_platform(store, receiver)).id if receiver else None


@deliveries.command("replay")
@store_options
@click.argument("ids", nargs=-1)
@click.option("--receiver", help="The dead letters for this platform.")
@click.option("--all", "everything", is_flag=True, help="Every dead letter.")
def deliveries_replay(ids: tuple[str, ...], receiver: str | None, everything: bool, **options: Any) -> None:
    """Send dead letters again: pending, due now, attempts counted from 0 (in their original order)."""
    _selected(ids, receiver, everything)

    async def go(store):
        return await store.deliveries.replay(list(ids) or None, await _receiver_id(store, receiver))

    count = _with_store(_inherited(options), go)
    click.echo(f"{count} replayed")


@deliveries.command("drop")
@store_options
@click.argument("ids", nargs=-1)
@click.option("--receiver", help="Those for this platform.")
@click.option("--all", "everything", is_flag=True, help="Every delivery held.")
@click.option("--dead-only", is_flag=True, help="Only dead letters, not pushes still waiting.")
def deliveries_drop(
    ids: tuple[str, ...], receiver: str | None, everything: bool, dead_only: bool, **options: Any
) -> None:
    """Delete deliveries for good (the receiver never gets them)."""
    from storage.models import DeliveryState

    _selected(ids, receiver, everything)
    state = DeliveryState.DEAD if dead_only else None

    async def go(store):
        return await store.deliveries.drop(list(ids) or None, await _receiver_id(store, receiver), state)

    count = _with_store(_inherited(options), go)
    click.echo(f"{count} dropped")


@main.group()
def agreements() -> None:
    """Who may exchange which modules. Changes reach a running hub within a second."""


def _with_store(options: dict[str, Any], action: Callable, log_changes: bool = False) -> Any:
    """`log_changes`: the hub's log lines (the one naming who changed what) to standard error, as the settings say;
    else nothing is logged and standard output is the command's answer alone."""
    from storage.opening import open_store

    settings = settings_from(options)
    configure_logging(settings.log_format, settings.log_level if log_changes else "warning")

    async def go():
        store = await open_store(settings.store)
        try:
            return await action(store)
        finally:
            await store.close()

    return run(go())


def _describe(agreement) -> str:
    modules = ", ".join(agreement.modules)
    durable = f"  durable: {', '.join(agreement.durable)}" if agreement.durable else ""
    return (
        f"{agreement.id}  {agreement.state.value:<9}  {agreement.party_a} <-> {agreement.party_b}  [{modules}]{durable}"
    )


MODULE_HELP = "A module the agreement covers (repeatable) [default: every functional module]."


@agreements.command("add")
@store_options
@click.argument("first")
@click.argument("second")
@click.option("--module", "modules", multiple=True, help=MODULE_HELP)
@click.option(
    "--durable",
    multiple=True,
    help="A module (repeatable) whose pushes between the two the hub delivers durably: kept and retried while the "
    "receiver is down, at least once, in order per object (docs/operations.md, Durable delivery).",
)
@click.option("--proposed", is_flag=True, help="Record it as PROPOSED (routes nothing until activated).")
def agreements_add(
    first: str, second: str, modules: tuple[str, ...], durable: tuple[str, ...], proposed: bool, **options: Any
) -> None:
    """Let parties FIRST and SECOND (CC:PID:ROLE) exchange the modules."""
    from hub.platforms import agreements as service
    from storage.models import AgreementState

    parties = parse_parties((first, second))
    state = AgreementState.PROPOSED if proposed else AgreementState.ACTIVE
    agreement = _with_store(options, lambda store: service.add(store, *parties, list(modules), state, durable))
    click.echo(_describe(agreement))


@agreements.command("list")
@store_options
@click.option("--json", "as_json", is_flag=True, help="Print the agreements as JSON.")
def agreements_list(as_json: bool, **options: Any) -> None:
    """List the agreements."""
    listed = _with_store(options, lambda store: store.agreements.list_all())
    if as_json:
        click.echo(orjson.dumps([msgspec.to_builtins(a) for a in listed]).decode())
        return
    if not listed:
        click.echo("No agreements yet. Add one with: ocpi-hub agreements add CC:PID:ROLE CC:PID:ROLE")
    for agreement in listed:
        click.echo(_describe(agreement))


def _state_command(name: str, state_name: str, help_text: str) -> None:
    @agreements.command(name, help=help_text)
    @store_options
    @click.argument("reference")
    def command(reference: str, **options: Any) -> None:
        from hub.platforms import agreements as service
        from storage.models import AgreementState

        agreement = _with_store(options, lambda store: service.set_state(store, reference, AgreementState(state_name)))
        click.echo(_describe(agreement))


REFERENCE_HELP = " REFERENCE is the agreement's id or its two parties, as CC:PID:ROLE,CC:PID:ROLE."
_state_command("activate", "ACTIVE", "Let the agreement's parties exchange its modules." + REFERENCE_HELP)
_state_command("suspend", "SUSPENDED", "Stop routing between the agreement's parties for now." + REFERENCE_HELP)


@agreements.command("remove", help="Delete an agreement." + REFERENCE_HELP)
@store_options
@click.argument("reference")
def agreements_remove(reference: str, **options: Any) -> None:
    from hub.platforms import agreements as service

    agreement = _with_store(options, lambda store: service.remove(store, reference))
    click.echo(f"removed {_describe(agreement)}")


@agreements.command("export")
@store_options
@click.argument("file", type=click.Path(dir_okay=False, writable=True), required=False)
def agreements_export(file: str | None, **options: Any) -> None:
    """Write the routing config as YAML to FILE (or standard output), to keep in version control: every agreement,
    and under `platforms:` each platform's parties, OCPI version (informative) and quirk profile."""
    from hub.platforms import agreements as service

    async def read(store):
        return await store.agreements.list_all(), await store.platforms.list_all()

    text = service.export_yaml(*_with_store(options, read))
    if file:
        Path(file).write_text(text)
    else:
        click.echo(text, nl=False)


@agreements.command("import")
@store_options
@click.argument("file", type=click.Path(dir_okay=False, exists=True, allow_dash=True))
@click.option("--replace", is_flag=True, help="Also remove the agreements FILE does not list.")
def agreements_import(file: str, replace: bool, **options: Any) -> None:
    """Create or update the agreements a YAML file lists (as `export` writes it), and set the quirk profiles of the
    platforms it lists (found by their parties; a party no platform holds refuses the import). The whole file is
    checked before anything changes."""
    from hub.platforms import agreements as service

    text = sys.stdin.read() if file == "-" else Path(file).read_text()
    by = _operator("agreements import")
    result = _with_store(options, lambda store: service.import_yaml(store, text, replace, by=by), log_changes=True)
    changed = result.profiles_changed
    profiles = f"; {changed} quirk profile{'s' * (changed != 1)} changed" if changed else ""
    limited = result.limits_changed
    limits = f"; rate limits of {limited} platform{'s' * (limited != 1)} changed" if limited else ""
    click.echo(f"{result.created} created, {result.updated} updated, {result.removed} removed{profiles}{limits}")


if __name__ == "__main__":
    sys.exit(main())
