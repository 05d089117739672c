"""The AgreementStore contract: every adapter must pass all of these."""

from __future__ import annotations

import asyncio

import msgspec
import pytest

from storage.errors import AgreementExists, ConcurrentUpdate, NotFound
from storage.models import Agreement, AgreementState, CallbackMapping, MessageRecord, RoutingHint, StoredObject


def make_agreement(agreement_id: str, party_a: str, party_b: str, modules: tuple[str, ...] = ("locations",)):
    return Agreement(
        id=agreement_id,
        party_a=party_a,
        party_b=party_b,
        modules=list(modules),
        created_at="2024-05-01T10:00:00Z",
        updated_at="2024-05-01T10:00:00Z",
    )


async def test_create_then_read_back_every_field(any_store):
    agreement = make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO", ("locations", "sessions", "cdrs"))
    agreement.state = AgreementState.PROPOSED
    stored = await any_store.agreements.create(agreement)
    assert stored.revision == 1
    again = await any_store.agreements.get("a1")
    assert again == stored
    assert again.modules == ["locations", "sessions", "cdrs"]
    assert again.state is AgreementState.PROPOSED


async def test_create_starts_at_revision_one_whatever_it_is_given(any_store):
    agreement = msgspec.structs.replace(make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO"), revision=7)
    assert (await any_store.agreements.create(agreement)).revision == 1
    assert (await any_store.agreements.get("a1")).revision == 1


async def test_get_unknown_is_none(any_store):
    assert await any_store.agreements.get("nope") is None


async def test_a_pair_has_one_agreement(any_store):
    await any_store.agreements.create(make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO"))
    with pytest.raises(AgreementExists) as raised:
        await any_store.agreements.create(make_agreement("a2", "DE:ABC:EMSP", "NL:TNM:CPO", ("tariffs",)))
    assert raised.value.existing_id == "a1"
    assert await any_store.agreements.get("a2") is None, "a refused agreement must leave nothing behind"
    assert [a.id for a in await any_store.agreements.list_all()] == ["a1"]
    assert (await any_store.agreements.get("a1")).modules == ["locations"]


async def test_pairs_sharing_one_party_are_different_pairs(any_store):
    await any_store.agreements.create(make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO"))
    await any_store.agreements.create(make_agreement("a2", "DE:ABC:EMSP", "NL:TNM:EMSP"))
    await any_store.agreements.create(make_agreement("a3", "DE:ABC:CPO", "NL:TNM:CPO"))
    assert {a.id for a in await any_store.agreements.list_all()} == {"a1", "a2", "a3"}


async def test_concurrent_creates_of_one_pair_exactly_one_wins(any_store):
    attempts = [any_store.agreements.create(make_agreement(f"a{i}", "DE:ABC:EMSP", "NL:TNM:CPO")) for i in range(5)]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    winners = [r for r in results if isinstance(r, Agreement)]
    assert len(winners) == 1
    losers = [r for r in results if not isinstance(r, Agreement)]
    assert all(isinstance(r, AgreementExists) and r.existing_id == winners[0].id for r in losers)
    assert [a.id for a in await any_store.agreements.list_all()] == [winners[0].id]


async def test_save_bumps_the_revision_and_replaces_the_record(any_store):
    created = await any_store.agreements.create(make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO"))
    changed = msgspec.structs.replace(created, modules=["locations", "tariffs"], state=AgreementState.SUSPENDED)
    saved = await any_store.agreements.save(changed)
    assert saved.revision == 2
    assert await any_store.agreements.get("a1") == saved
    saved_again = await any_store.agreements.save(msgspec.structs.replace(saved, modules=[]))
    assert saved_again.revision == 3
    assert (await any_store.agreements.get("a1")).modules == []


async def test_stale_save_is_refused(any_store):
    created = await any_store.agreements.create(make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO"))
    await any_store.agreements.save(msgspec.structs.replace(created, modules=["first"]))
    with pytest.raises(ConcurrentUpdate):
        await any_store.agreements.save(msgspec.structs.replace(created, modules=["second"]))
    kept = await any_store.agreements.get("a1")
    assert kept.modules == ["first"]
    assert kept.revision == 2


async def test_concurrent_saves_exactly_one_wins(any_store):
    created = await any_store.agreements.create(make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO"))
    attempts = [any_store.agreements.save(msgspec.structs.replace(created, modules=[f"m{i}"])) for i in range(5)]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    winners = [r for r in results if isinstance(r, Agreement)]
    assert len(winners) == 1
    assert all(isinstance(r, ConcurrentUpdate) for r in results if not isinstance(r, Agreement))
    assert (await any_store.agreements.get("a1")).modules == winners[0].modules


async def test_save_of_unknown_agreement_is_not_found(any_store):
    with pytest.raises(NotFound):
        await any_store.agreements.save(make_agreement("ghost", "DE:ABC:EMSP", "NL:TNM:CPO"))
    assert await any_store.agreements.get("ghost") is None


async def test_save_onto_a_pair_another_agreement_holds_is_refused(any_store):
    await any_store.agreements.create(make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO"))
    a2 = await any_store.agreements.create(make_agreement("a2", "DE:ABC:EMSP", "NL:XYZ:CPO"))
    with pytest.raises(AgreementExists) as raised:
        await any_store.agreements.save(msgspec.structs.replace(a2, party_b="NL:TNM:CPO"))
    assert raised.value.existing_id == "a1"
    assert await any_store.agreements.get("a2") == a2


async def test_delete(any_store):
    await any_store.agreements.create(make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO"))
    assert await any_store.agreements.delete("a1") is True
    assert await any_store.agreements.get("a1") is None
    assert await any_store.agreements.delete("a1") is False
    assert await any_store.agreements.list_all() == []
    # the pair is free again
    again = await any_store.agreements.create(make_agreement("a2", "DE:ABC:EMSP", "NL:TNM:CPO"))
    assert again.revision == 1


async def test_list_all_is_ordered_by_the_pair(any_store):
    for agreement_id, party_a, party_b in [
        ("x1", "NL:AAA:CPO", "NL:ZZZ:EMSP"),
        ("x2", "DE:BBB:CPO", "NL:AAA:EMSP"),
        ("x3", "DE:AAA:CPO", "NL:ZZZ:EMSP"),
        ("x4", "DE:AAA:CPO", "DE:ZZZ:EMSP"),
        ("x5", "DE:BBB:CPO", "DE:CCC:EMSP"),
    ]:
        await any_store.agreements.create(make_agreement(agreement_id, party_a, party_b))
    assert [a.id for a in await any_store.agreements.list_all()] == ["x4", "x3", "x5", "x2", "x1"]


async def test_version_changes_with_every_create_save_and_delete(any_store):
    seen = [await any_store.agreements.version()]
    created = await any_store.agreements.create(make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO"))
    seen.append(await any_store.agreements.version())
    saved = await any_store.agreements.save(msgspec.structs.replace(created, modules=["tariffs"]))
    seen.append(await any_store.agreements.version())
    await any_store.agreements.save(saved)  # even a save that changes nothing else
    seen.append(await any_store.agreements.version())
    await any_store.agreements.create(make_agreement("a2", "DE:ABC:EMSP", "NL:XYZ:CPO"))
    seen.append(await any_store.agreements.version())
    assert await any_store.agreements.delete("a1") is True
    seen.append(await any_store.agreements.version())
    assert len(set(seen)) == len(seen), seen
    # reading does not change it
    await any_store.agreements.list_all()
    await any_store.agreements.get("a2")
    assert await any_store.agreements.version() == seen[-1]


async def test_version_is_independent_of_platform_changes(any_store):
    from storage.models import Party, Platform

    before = await any_store.agreements.version()
    await any_store.platforms.create(Platform(id="p1", parties=[Party(country_code="NL", party_id="TNM", role="CPO")]))
    assert await any_store.agreements.version() == before


async def test_writes_to_every_port_at_once_do_not_interfere(any_store):
    """One store, many ports writing concurrently (in SQLite they share one writer connection)."""
    writes = []
    for i in range(10):
        writes.append(any_store.agreements.create(make_agreement(f"a{i}", f"DE:A{i:02d}:EMSP", "NL:TNM:CPO")))
        writes.append(
            any_store.callbacks.put(
                CallbackMapping(
                    id=f"c{i}",
                    kind="response_url",
                    target_url="https://x",
                    caller_platform_id="p1",
                    recipient_platform_id="p2",
                    module="commands",
                    from_party="NL:TNM",
                    to_party="DE:ABC",
                    expires_at=100.0,
                )
            )
        )
        writes.append(any_store.hints.put(RoutingHint(kind="session", key=f"k{i}", cpo="a", emsp="b", expires_at=1.0)))
        writes.append(
            any_store.objects.put(
                StoredObject(
                    module="locations",
                    country_code="NL",
                    party_id="TNM",
                    object_id=f"L{i}",
                    last_updated="2024-01-01T00:00:00Z",
                    sort_key="2024-01-01T00:00:00.000000Z",
                    body=b"{}",
                )
            )
        )
        writes.append(
            any_store.messages.append(
                [
                    MessageRecord(
                        at=float(i),
                        request_id=f"r{i}",
                        correlation_id="c",
                        platform_id="p1",
                        from_party="NL:TNM",
                        to_party="DE:ABC",
                        module="locations",
                        interface="RECEIVER",
                        method="PUT",
                        path="/",
                        http_status=200,
                        status_code=1000,
                    )
                ]
            )
        )
    writes.append(any_store.callbacks.purge_expired(0.0))
    writes.append(any_store.hints.purge_expired(0.0))
    results = await asyncio.gather(*writes, return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert len(await any_store.agreements.list_all()) == 10
    assert all([await any_store.callbacks.get(f"c{i}", 0.0) for i in range(10)])
    assert all([await any_store.hints.get("session", f"k{i}", 0.0) for i in range(10)])
    assert (await any_store.objects.page("locations", None, None, None, 0, 100))[1] == 10
    assert len(await any_store.messages.query(correlation_id="c")) == 10


async def test_agreements_survive_reopening(tmp_path):
    from storage.sqlite import SqliteStore

    path = str(tmp_path / "hub.db")
    store = await SqliteStore.open(path)
    created = await store.agreements.create(make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO", ("cdrs", "tokens")))
    version = await store.agreements.version()
    await store.close()
    reopened = await SqliteStore.open(path)
    try:
        assert await reopened.agreements.get("a1") == created
        assert await reopened.agreements.version() == version
        with pytest.raises(AgreementExists):
            await reopened.agreements.create(make_agreement("a2", "DE:ABC:EMSP", "NL:TNM:CPO"))
    finally:
        await reopened.close()


async def test_apply_makes_several_changes_as_one(any_store):
    keep = await any_store.agreements.create(make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO"))
    drop = await any_store.agreements.create(make_agreement("a2", "DE:ABC:EMSP", "NL:XYZ:CPO"))
    version = await any_store.agreements.version()
    changed = msgspec.structs.replace(keep, modules=["locations", "tariffs"])
    await any_store.agreements.apply([make_agreement("a3", "BE:NEW:EMSP", "NL:TNM:CPO")], [changed], [drop])
    listed = {a.id: a for a in await any_store.agreements.list_all()}
    assert set(listed) == {"a1", "a3"}
    assert listed["a1"].modules == ["locations", "tariffs"] and listed["a1"].revision == 2
    assert await any_store.agreements.version() != version


@pytest.mark.parametrize("conflict", ["stale save", "stale delete", "taken pair"])
async def test_apply_changes_nothing_when_one_change_conflicts(any_store, conflict):
    first = await any_store.agreements.create(make_agreement("a1", "DE:ABC:EMSP", "NL:TNM:CPO"))
    second = await any_store.agreements.create(make_agreement("a2", "DE:ABC:EMSP", "NL:XYZ:CPO"))
    before = await any_store.agreements.list_all()
    version = await any_store.agreements.version()
    creates = [make_agreement("a3", "BE:NEW:EMSP", "NL:TNM:CPO")]
    saves = [msgspec.structs.replace(first, modules=["tariffs"])]
    deletes = [second]
    if conflict == "stale save":
        saves.append(msgspec.structs.replace(second, revision=9, modules=["cdrs"]))
        deletes = []
    elif conflict == "stale delete":
        deletes = [msgspec.structs.replace(second, revision=9)]
    else:
        creates.append(make_agreement("a4", "DE:ABC:EMSP", "NL:XYZ:CPO"))
        deletes = []
    with pytest.raises((ConcurrentUpdate, AgreementExists)):
        await any_store.agreements.apply(creates, saves, deletes)
    assert await any_store.agreements.list_all() == before
    assert await any_store.agreements.version() == version
