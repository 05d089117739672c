"""The ObjectStore contract: every adapter must pass all of these."""

from __future__ import annotations

import random

import pytest

from storage.models import StoredObject


def make_object(
    module: str, country_code: str, party_id: str, object_id: str, sort_key: str, body: bytes | None = None
) -> StoredObject:
    return StoredObject(
        module=module,
        country_code=country_code,
        party_id=party_id,
        object_id=object_id,
        last_updated=sort_key.replace(".000000Z", "+00:00"),
        sort_key=sort_key,
        body=body if body is not None else f'{{"id":"{object_id}","owner":"{country_code}{party_id}"}}'.encode(),
    )


def ts(day: int, second: int = 0) -> str:
    return f"2024-03-{day:02d}T10:00:{second:02d}.000000Z"


def key(stored: StoredObject) -> tuple[str, str, str]:
    return (stored.country_code, stored.party_id, stored.object_id)


# Several owners, ties on sort_key (broken by country_code, party_id, object_id), another module with the same ids.
DATASET = [
    make_object("locations", "NL", "TNM", "L1", ts(1)),
    make_object("locations", "NL", "TNM", "L2", ts(2)),
    make_object("locations", "NL", "TNM", "L3", ts(2)),
    make_object("locations", "NL", "ABC", "L1", ts(2)),
    make_object("locations", "DE", "XYZ", "L9", ts(2)),
    make_object("locations", "DE", "XYZ", "L1", ts(3)),
    make_object("locations", "BE", "QQQ", "A0", ts(4)),
    make_object("locations", "NL", "TNM", "L10", ts(5)),
    make_object("tariffs", "NL", "TNM", "L1", ts(1)),
    make_object("tariffs", "FR", "AAA", "T1", ts(2)),
]
ORDERED_LOCATIONS = [
    ("NL", "TNM", "L1"),
    ("DE", "XYZ", "L9"),
    ("NL", "ABC", "L1"),
    ("NL", "TNM", "L2"),
    ("NL", "TNM", "L3"),
    ("DE", "XYZ", "L1"),
    ("BE", "QQQ", "A0"),
    ("NL", "TNM", "L10"),
]


@pytest.fixture
async def loaded(any_store):
    shuffled = list(DATASET)
    random.Random(7).shuffle(shuffled)
    for stored in shuffled:
        assert await any_store.objects.put(stored) is True
    return any_store


async def test_put_then_get_every_field(any_store):
    stored = make_object("locations", "NL", "TNM", "L1", ts(1), body=b'{"id":"L1","name":"caf\xc3\xa9"}')
    assert await any_store.objects.put(stored) is True
    assert await any_store.objects.get("locations", "NL", "TNM", "L1") == stored
    again = await any_store.objects.get("locations", "NL", "TNM", "L1")
    assert type(again.body) is bytes


async def test_body_is_kept_byte_for_byte(any_store):
    body = bytes(range(256)) + b"\x00trailing"
    await any_store.objects.put(make_object("tokens", "NL", "TNM", "T1", ts(1), body=body))
    assert (await any_store.objects.get("tokens", "NL", "TNM", "T1")).body == body


async def test_get_unknown_is_none(loaded):
    assert await loaded.objects.get("locations", "NL", "TNM", "nope") is None
    assert await loaded.objects.get("tokens", "NL", "TNM", "L1") is None
    assert await loaded.objects.get("locations", "NL", "XXX", "L1") is None


async def test_every_part_of_the_key_matters(loaded):
    assert (await loaded.objects.get("locations", "NL", "TNM", "L1")).sort_key == ts(1)
    assert (await loaded.objects.get("locations", "NL", "ABC", "L1")).sort_key == ts(2)
    assert (await loaded.objects.get("locations", "DE", "XYZ", "L1")).sort_key == ts(3)
    assert (await loaded.objects.get("tariffs", "NL", "TNM", "L1")).module == "tariffs"


async def test_put_replaces_and_says_it_was_not_new(loaded):
    replacement = make_object("locations", "NL", "TNM", "L1", ts(9), body=b'{"id":"L1","v":2}')
    assert await loaded.objects.put(replacement) is False
    assert await loaded.objects.get("locations", "NL", "TNM", "L1") == replacement
    objects, total = await loaded.objects.page("locations", None, None, None, 0, 100)
    assert total == len(ORDERED_LOCATIONS), "a replacement adds nothing"
    assert key(objects[-1]) == ("NL", "TNM", "L1"), "the order follows the new sort_key"
    assert objects[-1].body == b'{"id":"L1","v":2}'
    assert (await loaded.objects.get("tariffs", "NL", "TNM", "L1")).sort_key == ts(1), "other module untouched"


async def test_page_all_owners_in_order_with_ties(loaded):
    objects, total = await loaded.objects.page("locations", None, None, None, 0, 100)
    assert [key(o) for o in objects] == ORDERED_LOCATIONS
    assert total == len(ORDERED_LOCATIONS)
    assert all(o.module == "locations" for o in objects)
    assert objects[0] == DATASET[0]


async def test_page_offset_and_limit_keep_the_total(loaded):
    objects, total = await loaded.objects.page("locations", None, None, None, 2, 3)
    assert [key(o) for o in objects] == ORDERED_LOCATIONS[2:5]
    assert total == len(ORDERED_LOCATIONS)
    objects, total = await loaded.objects.page("locations", None, None, None, 6, 3)
    assert [key(o) for o in objects] == ORDERED_LOCATIONS[6:]
    assert total == len(ORDERED_LOCATIONS)
    objects, total = await loaded.objects.page("locations", None, None, None, 50, 3)
    assert objects == []
    assert total == len(ORDERED_LOCATIONS)


async def test_pages_walk_through_everything_once(loaded):
    seen = []
    for offset in range(0, 10, 3):
        objects, total = await loaded.objects.page("locations", None, None, None, offset, 3)
        assert total == len(ORDERED_LOCATIONS)
        seen += [key(o) for o in objects]
    assert seen == ORDERED_LOCATIONS


async def test_page_filters_by_owner(loaded):
    objects, total = await loaded.objects.page("locations", [("NL", "TNM")], None, None, 0, 100)
    assert [key(o) for o in objects] == [k for k in ORDERED_LOCATIONS if k[:2] == ("NL", "TNM")]
    assert total == 4
    objects, total = await loaded.objects.page("locations", [("DE", "XYZ"), ("NL", "ABC")], None, None, 0, 100)
    assert [key(o) for o in objects] == [("DE", "XYZ", "L9"), ("NL", "ABC", "L1"), ("DE", "XYZ", "L1")]
    assert total == 3


async def test_page_owner_filter_matches_country_and_party_together(loaded):
    # NL+XYZ and DE+TNM exist only as mixed halves of real owners.
    objects, total = await loaded.objects.page("locations", [("NL", "XYZ"), ("DE", "TNM")], None, None, 0, 100)
    assert (objects, total) == ([], 0)


async def test_page_with_no_owners_is_empty(loaded):
    assert await loaded.objects.page("locations", [], None, None, 0, 100) == ([], 0)


async def test_page_with_many_owners(loaded):
    owners = [(chr(65 + i % 26) + chr(65 + i // 26 % 26), f"P{i:04d}") for i in range(5000)]
    owners.insert(2500, ("BE", "QQQ"))
    owners.append(("NL", "ABC"))
    objects, total = await loaded.objects.page("locations", owners, None, None, 0, 100)
    assert [key(o) for o in objects] == [("NL", "ABC", "L1"), ("BE", "QQQ", "A0")]
    assert total == 2


async def test_page_date_range_is_from_inclusive_to_exclusive(loaded):
    objects, total = await loaded.objects.page("locations", None, ts(2), ts(3), 0, 100)
    assert [key(o) for o in objects] == ORDERED_LOCATIONS[1:5]
    assert total == 4
    objects, total = await loaded.objects.page("locations", None, ts(3), None, 0, 100)
    assert [key(o) for o in objects] == ORDERED_LOCATIONS[5:]
    assert total == 3
    objects, total = await loaded.objects.page("locations", None, None, ts(2), 0, 100)
    assert [key(o) for o in objects] == ORDERED_LOCATIONS[:1]
    assert total == 1
    assert await loaded.objects.page("locations", None, ts(2), ts(2), 0, 100) == ([], 0)


async def test_page_combines_every_filter(loaded):
    objects, total = await loaded.objects.page("locations", [("NL", "TNM"), ("DE", "XYZ")], ts(2), ts(5), 1, 2)
    # matching, in order: DE XYZ L9, NL TNM L2, NL TNM L3, DE XYZ L1
    assert [key(o) for o in objects] == [("NL", "TNM", "L2"), ("NL", "TNM", "L3")]
    assert total == 4


async def test_page_of_another_module(loaded):
    objects, total = await loaded.objects.page("tariffs", None, None, None, 0, 100)
    assert [key(o) for o in objects] == [("NL", "TNM", "L1"), ("FR", "AAA", "T1")]
    assert total == 2
    assert await loaded.objects.page("tokens", None, None, None, 0, 100) == ([], 0)


async def test_page_matches_a_reference_model(any_store):
    rng = random.Random(42)
    owners = [("NL", "TNM"), ("NL", "ABC"), ("DE", "TNM"), ("BE", "ZZZ")]
    objects = []
    for i in range(120):
        country_code, party_id = rng.choice(owners)
        objects.append(make_object("locations", country_code, party_id, f"L{rng.randrange(60)}", ts(1 + i % 7)))
    latest = {key(o): o for o in objects}  # later puts replace earlier ones
    for stored in objects:
        await any_store.objects.put(stored)
    reference = sorted(latest.values(), key=lambda o: (o.sort_key, o.country_code, o.party_id, o.object_id))
    for _ in range(25):
        chosen = rng.choice([None, rng.sample(owners, rng.randrange(1, 4))])
        date_from = rng.choice([None, ts(rng.randrange(1, 8))])
        date_to = rng.choice([None, ts(rng.randrange(1, 9))])
        offset, limit = rng.randrange(0, 40), rng.randrange(1, 30)
        matching = [
            o
            for o in reference
            if (chosen is None or (o.country_code, o.party_id) in chosen)
            and (date_from is None or o.sort_key >= date_from)
            and (date_to is None or o.sort_key < date_to)
        ]
        page, total = await any_store.objects.page("locations", chosen, date_from, date_to, offset, limit)
        assert total == len(matching)
        assert page == matching[offset : offset + limit]


async def test_owners_of(loaded):
    assert sorted(await loaded.objects.owners_of("locations", "L1")) == [("DE", "XYZ"), ("NL", "ABC"), ("NL", "TNM")]
    assert await loaded.objects.owners_of("tariffs", "L1") == [("NL", "TNM")]
    assert await loaded.objects.owners_of("locations", "T1") == []
    assert await loaded.objects.owners_of("tokens", "L1") == []
    owners = await loaded.objects.owners_of("locations", "L1")
    assert all(isinstance(owner, tuple) for owner in owners)


async def test_objects_survive_reopening(tmp_path):
    from storage.sqlite import SqliteStore

    path = str(tmp_path / "hub.db")
    store = await SqliteStore.open(path)
    stored = make_object("locations", "NL", "TNM", "L1", ts(1), body=b"\xff\x00{}")
    await store.objects.put(stored)
    await store.close()
    reopened = await SqliteStore.open(path)
    try:
        assert await reopened.objects.get("locations", "NL", "TNM", "L1") == stored
        assert await reopened.objects.put(stored) is False
        assert await reopened.objects.page("locations", [("NL", "TNM")], None, None, 0, 10) == ([stored], 1)
    finally:
        await reopened.close()


async def test_delete_removes_one_object_from_gets_pages_and_owners(loaded):
    assert await loaded.objects.delete("locations", "NL", "TNM", "L1") is True
    assert await loaded.objects.delete("locations", "NL", "TNM", "L1") is False
    assert await loaded.objects.get("locations", "NL", "TNM", "L1") is None
    assert await loaded.objects.get("locations", "NL", "ABC", "L1") is not None, "only that owner's"
    assert ("NL", "TNM") not in await loaded.objects.owners_of("locations", "L1")
    page, total = await loaded.objects.page("locations", [("NL", "TNM")], None, None, 0, 100)
    assert "L1" not in [stored.object_id for stored in page]
    assert total == len(page)


async def test_objects_are_found_by_their_alt_key(any_store):
    token = dataclass_replace(make_object("tokens", "DE", "EMA", "T1|RFID", ts(1)), alt_key="NL-TNM-C00001-1")
    other = dataclass_replace(make_object("tokens", "DE", "EMB", "T2|RFID", ts(1)), alt_key="NL-TNM-C00002-2")
    await any_store.objects.put(token)
    await any_store.objects.put(other)
    assert await any_store.objects.find_by_alt_key("tokens", "NL-TNM-C00001-1") == [token]
    assert await any_store.objects.find_by_alt_key("locations", "NL-TNM-C00001-1") == []
    moved = dataclass_replace(token, alt_key="NL-TNM-C00009-9")
    await any_store.objects.put(moved)
    assert await any_store.objects.find_by_alt_key("tokens", "NL-TNM-C00001-1") == []
    assert await any_store.objects.find_by_alt_key("tokens", "NL-TNM-C00009-9") == [moved]


async def test_a_page_can_be_limited_to_one_alt_key(any_store):
    """Sessions kept for the party they were passed to: a page holds only that party's."""
    mine = dataclass_replace(make_object("sessions", "NL", "CPO", "S1", ts(1)), alt_key="DE:EMS")
    theirs = dataclass_replace(make_object("sessions", "NL", "CPO", "S2", ts(2)), alt_key="BE:EMS")
    later = dataclass_replace(make_object("sessions", "FR", "CPO", "S3", ts(3)), alt_key="DE:EMS")
    for stored in (mine, theirs, later):
        await any_store.objects.put(stored)
    owners = [("NL", "CPO"), ("FR", "CPO")]
    assert await any_store.objects.page("sessions", owners, None, None, 0, 10, alt_key="DE:EMS") == ([mine, later], 2)
    assert await any_store.objects.page("sessions", [("NL", "CPO")], None, None, 0, 10, alt_key="DE:EMS") == (
        [mine],
        1,
    )
    assert await any_store.objects.page("sessions", owners, None, None, 0, 10) == ([mine, theirs, later], 3)


async def test_objects_of_one_module_older_than_a_moment_are_purged(any_store):
    old = make_object("sessions", "NL", "CPO", "S1", ts(1))
    new = make_object("sessions", "NL", "CPO", "S2", ts(3))
    token = make_object("tokens", "NL", "EMS", "T1|RFID", ts(1))
    for stored in (old, new, token):
        await any_store.objects.put(stored)
    assert await any_store.objects.purge_older_than("sessions", ts(2)) == 1
    assert await any_store.objects.page("sessions", None, None, None, 0, 10) == ([new], 1)
    assert await any_store.objects.get("tokens", "NL", "EMS", "T1|RFID") == token, "other modules untouched"


async def test_an_object_keeps_the_version_its_body_is_in(any_store):
    stored = dataclass_replace(make_object("locations", "NL", "NEW", "L1", ts(1)), version="2.3.0")
    await any_store.objects.put(stored)
    assert (await any_store.objects.get("locations", "NL", "NEW", "L1")).version == "2.3.0"
    await any_store.objects.put(dataclass_replace(stored, version="2.2.1"))
    assert (await any_store.objects.get("locations", "NL", "NEW", "L1")).version == "2.2.1"
    assert make_object("tokens", "NL", "X", "T", ts(1)).version == "2.2.1", "by default"


def dataclass_replace(stored, **changes):
    import msgspec

    return msgspec.structs.replace(stored, **changes)
