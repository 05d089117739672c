"""The storage contract: every adapter (embedded SQLite, MongoDB over the wire) must pass all of these."""

from __future__ import annotations

import asyncio

import msgspec
import pytest

from storage.errors import ConcurrentUpdate, NotFound, PartyAlreadyClaimed
from storage.models import ConnectionStatus, Endpoint, Party, Platform, PlatformState


def make_platform(platform_id: str, *parties: tuple[str, str, str], tokens: tuple[str, ...] = ()) -> Platform:
    return Platform(
        id=platform_id,
        name=platform_id,
        parties=[Party(country_code=cc, party_id=pid, role=role) for cc, pid, role in parties],
        token_hashes=list(tokens),
    )


async def test_create_then_read_back_every_field(any_store):
    platform = make_platform("p1", ("NL", "TNM", "CPO"), tokens=("a" * 64,))
    platform.endpoints = [Endpoint("locations", "RECEIVER", "https://cpo.example/ocpi/2.2.1/locations")]
    platform.parties[0].business_details = {"name": "The New Motion"}
    platform.parties[0].status = ConnectionStatus.CONNECTED
    stored = await any_store.platforms.create(platform)
    assert stored.revision == 1
    assert stored.seq >= 1
    again = await any_store.platforms.get("p1")
    assert again == stored
    assert again.endpoints[0].url == "https://cpo.example/ocpi/2.2.1/locations"
    assert again.parties[0].business_details == {"name": "The New Motion"}


async def test_get_unknown_platform_is_none(any_store):
    assert await any_store.platforms.get("nope") is None
    assert await any_store.platforms.find_by_token_hash("0" * 64) is None
    assert await any_store.platforms.find_by_party("NL", "XXX", "CPO") is None


async def test_find_by_token_hash_follows_token_changes(any_store):
    created = await any_store.platforms.create(make_platform("p1", ("NL", "TNM", "CPO"), tokens=("a" * 64,)))
    assert (await any_store.platforms.find_by_token_hash("a" * 64)).id == "p1"
    created.token_hashes = ["b" * 64]
    await any_store.platforms.save(created)
    assert await any_store.platforms.find_by_token_hash("a" * 64) is None
    assert (await any_store.platforms.find_by_token_hash("b" * 64)).id == "p1"


async def test_platforms_without_tokens_do_not_collide(any_store):
    await any_store.platforms.create(make_platform("p1", ("NL", "AAA", "CPO")))
    await any_store.platforms.create(make_platform("p2", ("NL", "BBB", "CPO")))
    assert {p.id for p in await any_store.platforms.list_all()} == {"p1", "p2"}


async def test_a_party_belongs_to_one_platform_case_insensitively(any_store):
    await any_store.platforms.create(make_platform("p1", ("NL", "TNM", "CPO")))
    with pytest.raises(PartyAlreadyClaimed) as raised:
        await any_store.platforms.create(make_platform("p2", ("DE", "ABC", "EMSP"), ("nl", "tnm", "CPO")))
    assert raised.value.keys == ["NL:TNM:CPO"]
    assert await any_store.platforms.get("p2") is None, "a refused platform must leave nothing behind"
    assert await any_store.platforms.find_by_party("DE", "ABC", "EMSP") is None


async def test_same_ids_with_another_role_is_another_party(any_store):
    await any_store.platforms.create(make_platform("p1", ("NL", "TNM", "CPO")))
    await any_store.platforms.create(make_platform("p2", ("NL", "TNM", "EMSP")))
    assert (await any_store.platforms.find_by_party("nl", "tnm", "emsp")).id == "p2"


async def test_save_refuses_a_party_held_elsewhere_and_keeps_the_old_record(any_store):
    await any_store.platforms.create(make_platform("p1", ("NL", "TNM", "CPO")))
    p2 = await any_store.platforms.create(make_platform("p2", ("DE", "ABC", "EMSP"), tokens=("c" * 64,)))
    changed = msgspec.structs.replace(
        p2, parties=[*p2.parties, Party(country_code="NL", party_id="TNM", role="CPO")], token_hashes=["d" * 64]
    )
    with pytest.raises(PartyAlreadyClaimed):
        await any_store.platforms.save(changed)
    kept = await any_store.platforms.get("p2")
    assert kept == p2
    assert (await any_store.platforms.find_by_token_hash("c" * 64)).id == "p2"
    assert await any_store.platforms.find_by_token_hash("d" * 64) is None


async def test_save_releases_parties_it_drops(any_store):
    p1 = await any_store.platforms.create(make_platform("p1", ("NL", "TNM", "CPO"), ("NL", "TNM", "EMSP")))
    p1.parties = p1.parties[:1]
    await any_store.platforms.save(p1)
    await any_store.platforms.create(make_platform("p2", ("NL", "TNM", "EMSP")))
    assert (await any_store.platforms.find_by_party("NL", "TNM", "EMSP")).id == "p2"


async def test_stale_save_is_refused(any_store):
    created = await any_store.platforms.create(make_platform("p1", ("NL", "TNM", "CPO")))
    first = msgspec.structs.replace(created, name="first")
    second = msgspec.structs.replace(created, name="second")
    await any_store.platforms.save(first)
    with pytest.raises(ConcurrentUpdate):
        await any_store.platforms.save(second)
    assert (await any_store.platforms.get("p1")).name == "first"


async def test_concurrent_saves_exactly_one_wins(any_store):
    created = await any_store.platforms.create(make_platform("p1", ("NL", "TNM", "CPO")))
    attempts = [any_store.platforms.save(msgspec.structs.replace(created, name=f"n{i}")) for i in range(5)]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    winners = [r for r in results if isinstance(r, Platform)]
    assert len(winners) == 1
    assert all(isinstance(r, ConcurrentUpdate) for r in results if not isinstance(r, Platform))
    assert (await any_store.platforms.get("p1")).name == winners[0].name


async def test_save_of_unknown_platform_is_not_found(any_store):
    with pytest.raises(NotFound):
        await any_store.platforms.save(make_platform("ghost", ("NL", "GHO", "CPO")))


async def test_changed_since_returns_later_writes_in_order(any_store):
    p1 = await any_store.platforms.create(make_platform("p1", ("NL", "AAA", "CPO")))
    p2 = await any_store.platforms.create(make_platform("p2", ("NL", "BBB", "CPO")))
    assert p2.seq > p1.seq
    p1.state = PlatformState.REGISTERED
    p1 = await any_store.platforms.save(p1)
    changed = await any_store.platforms.changed_since(p2.seq)
    assert [p.id for p in changed] == ["p1"]
    assert changed[0].state is PlatformState.REGISTERED
    assert [p.id for p in await any_store.platforms.changed_since(0)] == ["p2", "p1"]


async def test_data_survives_reopening(tmp_path):
    from storage.sqlite import SqliteStore

    path = str(tmp_path / "hub.db")
    store = await SqliteStore.open(path)
    await store.platforms.create(make_platform("p1", ("NL", "TNM", "CPO"), tokens=("a" * 64,)))
    await store.close()
    reopened = await SqliteStore.open(path)
    try:
        assert (await reopened.platforms.find_by_token_hash("a" * 64)).id == "p1"
    finally:
        await reopened.close()


async def test_ping(any_store):
    await any_store.ping()


async def test_delete_frees_the_parties_and_tokens(any_store):
    await any_store.platforms.create(make_platform("p1", ("NL", "TNM", "CPO"), tokens=("a" * 64,)))
    assert await any_store.platforms.delete("p1") is True
    assert await any_store.platforms.delete("p1") is False
    assert await any_store.platforms.get("p1") is None
    assert await any_store.platforms.find_by_token_hash("a" * 64) is None
    await any_store.platforms.create(make_platform("p2", ("NL", "TNM", "CPO")))
    assert (await any_store.platforms.find_by_party("NL", "TNM", "CPO")).id == "p2"


async def test_revisions_list_every_platform_with_its_revision(any_store):
    p1 = await any_store.platforms.create(make_platform("p1", ("NL", "AAA", "CPO")))
    await any_store.platforms.create(make_platform("p2", ("NL", "BBB", "CPO")))
    await any_store.platforms.save(p1)
    assert await any_store.platforms.revisions() == {"p1": 2, "p2": 1}


async def test_deletions_take_the_next_seq_and_are_listed_in_order(any_store):
    p1 = await any_store.platforms.create(make_platform("p1", ("NL", "AAA", "CPO")))
    await any_store.platforms.create(make_platform("p2", ("NL", "BBB", "CPO")))
    assert await any_store.platforms.deletions_since(0) == []
    assert await any_store.platforms.delete("p2")
    p1 = await any_store.platforms.save(p1)
    assert await any_store.platforms.delete("p1")
    deletions = await any_store.platforms.deletions_since(0)
    assert [d.platform_id for d in deletions] == ["p2", "p1"]
    assert deletions[0].seq < p1.seq < deletions[1].seq, "one change sequence for writes and deletions"
    assert [d.platform_id for d in await any_store.platforms.deletions_since(deletions[0].seq)] == ["p1"]
    assert not await any_store.platforms.delete("p1"), "deleting again records nothing new"
    assert len(await any_store.platforms.deletions_since(0)) == 2


async def test_old_deletions_are_purged(any_store):
    import time

    await any_store.platforms.create(make_platform("p1", ("NL", "AAA", "CPO")))
    await any_store.platforms.delete("p1")
    assert await any_store.platforms.purge_deletions(time.time() - 60) == 0
    assert await any_store.platforms.purge_deletions(time.time() + 1) == 1
    assert await any_store.platforms.deletions_since(0) == []
