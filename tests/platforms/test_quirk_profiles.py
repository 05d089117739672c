"""Quirk profiles as operators see and set them: checked names, platforms found by id or party, a change saved
through the platform update path (this process's directory at once, every other process from the store), one log
line per change; from the CLI, against a running hub bridging 2.1.1 and 2.2.1; in the YAML routing config."""

from __future__ import annotations

import asyncio

import orjson
import pytest
import structlog
import yaml

from hub.platforms.directory import Directory
from hub.platforms.quirk_profiles import (
    QuirkProfileError,
    QuirkProfiles,
    check_profile,
    find_platform,
    profile_of,
    profiles,
)
from hub.platforms.updates import PlatformUpdater
from storage.models import Party, Platform
from storage.sqlite import SqliteStore
from tests.cli_runner import run_cli
from tests.platform_sim import Role
from tests.quirk_fixtures import (
    FULL_TOKEN_OF_EMA,
    LOST_FOR_THE_211_CPO,
    platform_of,
    put_full_token_of_ema,
    put_token_with_221_name,
    running_bridge,
)
from translation.quirks import DEFAULT_PROFILE, PROFILE_NOTES, PROFILES, tolerances


@pytest.fixture
async def bridge(store_url):
    async with running_bridge(store_url) as running:
        yield running


@pytest.fixture
async def store(tmp_path):
    opened = await SqliteStore.open(str(tmp_path / "hub.db"))
    try:
        yield opened
    finally:
        await opened.close()


async def a_platform(store, party_id: str = "TNM", role: str = "EMSP") -> Platform:
    party = Party(country_code="DE", party_id=party_id, role=role)
    return await store.platforms.create(Platform(id=f"p-{party_id.lower()}", name=party_id, parties=[party]))


def test_operators_see_the_shipped_profiles_with_their_notes_and_tolerances():
    shipped = profiles()
    assert shipped[0].name == DEFAULT_PROFILE
    assert {p.name for p in shipped} == set(PROFILES)
    for profile in shipped:
        assert profile.note == PROFILE_NOTES[profile.name]
        assert list(profile.tolerates) == tolerances(profile.name)
    assert next(p for p in shipped if p.name == "strict").as_dict()["tolerates"] == []
    assert next(p for p in shipped if p.name == "lenient-2.1.1").tolerates, "lenient tolerates something"


def test_a_profile_name_is_checked_and_an_unknown_one_refused_naming_the_known_ones():
    assert check_profile(" Extrawest-2.1.1 ") == "extrawest-2.1.1"
    assert check_profile("STRICT") == "strict"
    for bad in ("extrawest", "", "lenient-2.2.1"):
        with pytest.raises(QuirkProfileError) as refused:
            check_profile(bad)
        message = str(refused.value)
        assert "\n" not in message and f"unknown quirk profile {bad!r}" in message
        assert all(name in message for name in PROFILES)


async def test_a_platform_is_found_by_its_id_or_any_of_its_parties(store):
    platform = await a_platform(store)
    assert (await find_platform(store, platform.id)).id == platform.id
    assert (await find_platform(store, "de:tnm:emsp")).id == platform.id
    assert (await find_platform(store, "DE*TNM*EMSP")).id == platform.id
    for reference, message in (("DE:TNM:CPO", "no platform holds party DE:TNM:CPO"), ("nope", "no platform 'nope'")):
        with pytest.raises(QuirkProfileError, match=message):
            await find_platform(store, reference)


async def test_a_profile_set_is_saved_for_every_hub_process_and_logged_once(store):
    platform = await a_platform(store)
    here, elsewhere = Directory(store), Directory(store)
    await here.load()
    await elsewhere.load()
    quirks = QuirkProfiles(PlatformUpdater(store, here))

    with structlog.testing.capture_logs() as logs:
        change = await quirks.set(platform.id, "Extrawest-2.1.1", by="test operator")
    assert (change.previous, change.profile, change.changed) == ("strict", "extrawest-2.1.1", True)
    assert here.get(platform.id).quirks == "extrawest-2.1.1", "this process's directory has it at once"
    assert elsewhere.get(platform.id).quirks == ""
    await elsewhere.refresh()
    assert elsewhere.get(platform.id).quirks == "extrawest-2.1.1", "another process's directory from the store"
    (line,) = [entry for entry in logs if entry["event"] == "quirk profile changed"]
    assert (line["platform"], line["profile"], line["previous"], line["by"]) == (
        platform.id,
        "extrawest-2.1.1",
        "strict",
        "test operator",
    )
    assert line["parties"] == ["DE:TNM:EMSP"]

    revision = (await store.platforms.get(platform.id)).revision
    with structlog.testing.capture_logs() as logs:
        again = await quirks.set(platform.id, "extrawest-2.1.1", by="test operator")
    assert not again.changed and logs == [], "the same profile again: nothing saved, nothing logged"
    assert (await store.platforms.get(platform.id)).revision == revision

    back = await quirks.set(platform.id, "strict", by="test operator")
    assert back.platform.quirks == "" and profile_of(back.platform) == "strict", "strict is kept as records had it"

    with pytest.raises(QuirkProfileError, match="unknown quirk profile 'odd'"):
        await quirks.set(platform.id, "odd", by="test operator")
    with pytest.raises(QuirkProfileError, match="no platform gone"):
        await quirks.set("gone", "strict", by="test operator")
    assert (await store.platforms.get(platform.id)).quirks == ""


async def test_the_cli_sets_a_profile_that_a_running_hub_reads_the_platform_with(bridge):
    store = bridge.hub.settings.store
    refused = await put_token_with_221_name(bridge)
    assert refused.status_code == 2001 and "auth_id is missing" in refused.body["status_message"], "strict"
    assert bridge.new_cpo.received == []

    code, out, err = await run_cli("platforms", "set-quirks", "de:tnm:emsp", "lenient-2.1.1", "--store", store)
    assert code == 0, err
    tnm = platform_of(bridge, "DE:TNM:EMSP")
    assert out.splitlines()[0] == f"Platform {tnm.id} ({tnm.name}): quirk profile lenient-2.1.1 (was strict)."
    assert [line.removeprefix("  tolerates: ") for line in out.splitlines()[1:]] == tolerances("lenient-2.1.1")
    (logged,) = [line for line in err.splitlines() if "quirk profile changed" in line]
    assert "by='cli platforms set-quirks (" in logged and "profile=lenient-2.1.1" in logged and tnm.id in logged
    loop = asyncio.get_running_loop()
    started = loop.time()
    while platform_of(bridge, "DE:TNM:EMSP").quirks != "lenient-2.1.1":
        assert loop.time() - started < 2, "the running hub did not pick the profile up"
        await asyncio.sleep(0.05)

    accepted = await put_token_with_221_name(bridge)
    assert accepted.status_code == 1000, accepted.body
    await bridge.hub.context.drain()
    (received,) = [r for r in bridge.new_cpo.received if r.path.endswith("/tokens/DE/TNM/012345678")]
    assert received.json["contract_id"] == "DE8ACC12E46L89", "read as 2.1.1's auth_id, under the profile"

    # The group's --store reaches the command too.
    code, out, err = await run_cli("platforms", "--store", store, "set-quirks", tnm.id, "LENIENT-2.1.1")
    assert (code, out.strip()) == (
        0,
        f"Platform {tnm.id} ({tnm.name}) already has quirk profile lenient-2.1.1; nothing changed.",
    ), err


async def test_the_cli_shows_versions_profiles_and_what_translation_lost(bridge):
    store = bridge.hub.settings.store
    bec = platform_of(bridge, "BE:BEC:CPO")
    await QuirkProfiles(bridge.hub.context.updater).set(bec.id, "extrawest-2.1.1", by="test")

    code, out, err = await run_cli("platforms", "--store", store)
    assert code == 0, err
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "OCPI 2.1.1" in lines[bec.id] and lines[bec.id].endswith("quirks: extrawest-2.1.1")
    cpa = platform_of(bridge, "NL:CPA:CPO")
    assert "OCPI 2.2.1" in lines[cpa.id] and lines[cpa.id].endswith("quirks: strict"), "strict when none is set"
    code, out, err = await run_cli("platforms", "--json", "--store", store)
    listed = {row["id"]: row for row in orjson.loads(out)}
    assert (listed[bec.id]["version"], listed[bec.id]["quirks"]) == ("2.1.1", "extrawest-2.1.1")
    assert listed[bec.id]["tolerances"] == tolerances("extrawest-2.1.1")
    assert (listed[cpa.id]["quirks"], listed[cpa.id]["tolerances"]) == ("strict", [])

    code, out, err = await run_cli("platforms", "quirks")
    assert code == 0, err
    for profile in profiles():
        assert f"{profile.name}  " in out and profile.note in out
        assert all(f"- {line}" in out for line in profile.tolerates)
    code, out, err = await run_cli("platforms", "--json", "quirks")
    assert orjson.loads(out) == [profile.as_dict() for profile in profiles()], "the group's --json reaches it"

    assert (await put_full_token_of_ema(bridge)).status_code == 1000
    code, out, err = await run_cli("messages", "--store", store)
    assert code == 0, err
    (to_bec,) = [line for line in out.splitlines() if "translated 2.2.1>2.1.1" in line]
    assert to_bec.endswith("lost: " + "; ".join(LOST_FOR_THE_211_CPO))
    untranslated = [line for line in out.splitlines() if "-> NL:CPA" in line]  # the 2.2.1 CPO's copy
    assert untranslated and not any("translated" in line or "lost:" in line for line in untranslated)
    code, out, err = await run_cli("messages", "--json", "--store", store)
    (record,) = [r for r in orjson.loads(out) if r["translation"]]
    assert (record["translation"], record["lost"]) == ("2.2.1>2.1.1", LOST_FOR_THE_211_CPO)
    assert FULL_TOKEN_OF_EMA["uid"] in record["path"]


async def test_cli_mistakes_about_profiles_are_one_clear_line(tmp_path):
    store = f"sqlite:///{tmp_path}/hub.db"
    code, _, err = await run_cli("invite", "--store", store, "--party", "DE:TNM:EMSP", "--quirks", "odd")
    assert code != 0 and "unknown quirk profile 'odd'; the profiles are: strict, " in err and "Traceback" not in err
    code, out, err = await run_cli("platforms", "--store", store)
    assert out.startswith("No platforms yet"), "a refused --quirks refuses the whole command"

    code, out, err = await run_cli(
        "invite", "--store", store, "--party", "DE:TNM:EMSP", "--quirks", "extrawest-2.1.1", "--json"
    )
    assert code == 0, err
    cases = [
        (("DE:TNM:EMSP", "odd"), "unknown quirk profile 'odd'; the profiles are: strict, extrawest-2.1.1"),
        (("DE:XXX:CPO", "strict"), "no platform holds party DE:XXX:CPO"),
        (("0123abc", "strict"), "no platform '0123abc'"),
        (("DE:TNM:KING", "strict"), "role must be one of"),
    ]
    for args, message in cases:
        code, _, err = await run_cli("platforms", "set-quirks", *args, "--store", store)
        assert code != 0 and message in err and "Traceback" not in err, (args, err)
        assert err.strip().count("\n") == 0, err
    code, _, err = await run_cli("platforms", "set-quirks", "DE:TNM:EMSP", "--store", store)
    assert code != 0 and "Missing argument 'PROFILE'" in err
    code, out, err = await run_cli("platforms", "--store", store, "--json")
    (invited,) = orjson.loads(out)
    assert (invited["state"], invited["quirks"]) == ("INVITED", "extrawest-2.1.1"), "set on invitation, kept"


async def test_connect_sets_the_profile_it_is_given(hub, platforms):
    cpo = await platforms([Role("NL", "CPA", "CPO")])
    arguments = ["connect", "--store", hub.settings.store, "--port", str(hub.settings.port)]
    arguments += ["--versions-url", f"{cpo.base}/ocpi/versions", "--party", "NL:CPA:CPO", "--json"]
    code, _, err = await run_cli(*arguments, "--token-a", cpo.issue_token_a(), "--quirks", "bogus")
    assert code != 0 and "unknown quirk profile 'bogus'" in err
    assert await hub.context.store.platforms.list_all() == [], "refused before the hub called the platform"

    code, out, err = await run_cli(*arguments, "--token-a", cpo.issue_token_a(), "--quirks", "lenient-2.1.1")
    assert code == 0, err
    connected = orjson.loads(out)
    assert (connected["state"], connected["quirks"]) == ("REGISTERED", "lenient-2.1.1")
    assert (await hub.context.store.platforms.get(connected["platform_id"])).quirks == "lenient-2.1.1"
    loop = asyncio.get_running_loop()
    started = loop.time()
    while (hub.context.directory.get(connected["platform_id"]) or Platform(id="")).quirks != "lenient-2.1.1":
        assert loop.time() - started < 2, "the running hub did not pick the profile up"
        await asyncio.sleep(0.05)


def exported(text: str) -> dict:
    return yaml.safe_load(text)


async def test_the_routing_config_carries_each_platforms_profile(bridge, tmp_path):
    store = bridge.hub.settings.store
    config = tmp_path / "routing.yaml"
    code, _, err = await run_cli("agreements", "export", str(config), "--store", store)
    assert code == 0, err
    document = exported(config.read_text())
    by_party = {entry["parties"][0]: entry for entry in document["platforms"]}
    assert set(by_party) == {"BE:BEC:CPO", "DE:TNM:EMSP", "NL:CPA:CPO", "DE:EMA:EMSP"}
    assert (by_party["BE:BEC:CPO"]["version"], by_party["BE:BEC:CPO"]["quirks"]) == ("2.1.1", "strict")
    assert by_party["NL:CPA:CPO"]["version"] == "2.2.1"

    code, out, err = await run_cli("agreements", "import", str(config), "--store", store)
    assert (code, out.strip()) == (0, "0 created, 0 updated, 0 removed"), err

    agreements_before = await bridge.hub.context.store.agreements.list_all()
    by_party["DE:TNM:EMSP"]["quirks"] = "extrawest-2.1.1"
    by_party["DE:TNM:EMSP"]["version"] = "9.9"  # informative: not imported
    document["agreements"][0]["state"] = "SUSPENDED"
    bad_documents = {
        "unknown profile": (
            {**by_party["BE:BEC:CPO"], "quirks": "extrawest"},
            "platform #5: unknown quirk profile 'extrawest'; the profiles are: strict, ",
        ),
        "party not on the hub": (
            {"parties": ["FR:XXX:CPO"], "quirks": "strict"},
            "platform #5: no platform on this hub holds FR:XXX:CPO",
        ),
        "parties of two platforms": (
            {"parties": ["BE:BEC:CPO", "NL:CPA:CPO"], "quirks": "strict"},
            "platform #5: BE:BEC:CPO, NL:CPA:CPO belong to 2 different platforms",
        ),
        "a bad party": ({"parties": ["BE-BEC-CPO"], "quirks": "strict"}, "platform #5: party 'BE-BEC-CPO'"),
    }
    for case, (entry, message) in bad_documents.items():
        bad = tmp_path / "bad.yaml"
        bad.write_text(yaml.safe_dump({**document, "platforms": [*document["platforms"], entry]}))
        code, out, err = await run_cli("agreements", "import", str(bad), "--store", store)
        assert code != 0 and message in err and "Traceback" not in err, (case, err)
        assert await bridge.hub.context.store.agreements.list_all() == agreements_before, f"{case}: nothing changed"
        assert {p.quirks for p in await bridge.hub.context.store.platforms.list_all()} == {""}, case

    config.write_text(yaml.safe_dump(document))
    code, out, err = await run_cli("agreements", "import", str(config), "--store", store)
    assert (code, out.strip()) == (0, "0 created, 1 updated, 0 removed; 1 quirk profile changed"), err
    tnm = await bridge.hub.context.store.platforms.find_by_party("DE", "TNM", "EMSP")
    assert (tnm.quirks, tnm.version) == ("extrawest-2.1.1", "2.1.1")
    loop = asyncio.get_running_loop()
    started = loop.time()
    while platform_of(bridge, "DE:TNM:EMSP").quirks != "extrawest-2.1.1":
        assert loop.time() - started < 2, "the running hub did not pick the profile up"
        await asyncio.sleep(0.05)
    code, out, err = await run_cli("agreements", "export", "--store", store)
    again = {entry["parties"][0]: entry["quirks"] for entry in exported(out)["platforms"]}
    assert again["DE:TNM:EMSP"] == "extrawest-2.1.1" and again["BE:BEC:CPO"] == "strict"


def test_the_operations_guide_names_every_shipped_profile():
    from pathlib import Path

    guide = (Path(__file__).parents[2] / "docs" / "operations.md").read_text()
    section = guide.split("## Quirk profiles", 1)[1].split("\n## ", 1)[0]
    assert all(f"| `{name}` |" in section for name in PROFILES), "a profile the guide does not describe"
