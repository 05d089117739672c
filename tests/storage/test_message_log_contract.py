"""The MessageLog contract: every adapter must pass all of these."""

from __future__ import annotations

import contextlib
import random

import msgspec

from storage.models import MessageRecord


def make_record(at: float, request_id: str = "r", correlation_id: str = "c", **fields) -> MessageRecord:
    base = {
        "platform_id": "p1",
        "from_party": "NL:TNM",
        "to_party": "DE:ABC",
        "module": "sessions",
        "interface": "RECEIVER",
        "method": "PUT",
        "path": "/ocpi/2.2.1/receiver/sessions/NL/TNM/S1",
        "http_status": 200,
        "status_code": 1000,
    }
    base.update(fields)
    return MessageRecord(at=at, request_id=request_id, correlation_id=correlation_id, **base)


async def test_append_then_query_every_field(any_store):
    full = make_record(
        1_700_000_000.123456,
        "req-1",
        "corr-1",
        downstream_http_status=502,
        downstream_status_code=3000,
        latency_ms=12.5,
        request_bytes=321,
        response_bytes=45,
        outcome="forwarded",
        recipients=0,
    )
    sparse = make_record(1_700_000_001.0, "req-2", "corr-2", from_party="", to_party="", status_code=None)
    await any_store.messages.append([full, sparse])
    assert await any_store.messages.query() == [sparse, full]


async def test_append_nothing_is_a_no_op(any_store):
    await any_store.messages.append([])
    assert await any_store.messages.query() == []


async def test_query_is_newest_first_whatever_the_insertion_order(any_store):
    moments = [float(i) for i in range(20)]
    random.Random(3).shuffle(moments)
    await any_store.messages.append([make_record(at, f"r{at:.0f}") for at in moments[:10]])
    for at in moments[10:]:
        await any_store.messages.append([make_record(at, f"r{at:.0f}")])
    assert [r.at for r in await any_store.messages.query()] == [float(i) for i in range(19, -1, -1)]


async def test_limit(any_store):
    await any_store.messages.append([make_record(float(i), f"r{i}") for i in range(150)])
    assert len(await any_store.messages.query()) == 100, "100 by default"
    newest = await any_store.messages.query(limit=3)
    assert [r.request_id for r in newest] == ["r149", "r148", "r147"]
    assert len(await any_store.messages.query(limit=1000)) == 150


async def test_query_by_request_and_correlation_id(any_store):
    await any_store.messages.append(
        [
            make_record(1.0, "req-1", "corr-1"),
            make_record(2.0, "req-1", "corr-1", interface="CALLBACK"),
            make_record(3.0, "req-2", "corr-1"),
            make_record(4.0, "req-3", "corr-2"),
        ]
    )
    assert [r.at for r in await any_store.messages.query(request_id="req-1")] == [2.0, 1.0]
    assert [r.at for r in await any_store.messages.query(correlation_id="corr-1")] == [3.0, 2.0, 1.0]
    assert [r.at for r in await any_store.messages.query(request_id="req-1", correlation_id="corr-2")] == []
    assert [r.at for r in await any_store.messages.query(request_id="req-2", correlation_id="corr-1")] == [3.0]
    assert await any_store.messages.query(request_id="nope") == []


async def test_query_by_party_matches_from_or_to(any_store):
    await any_store.messages.append(
        [
            make_record(1.0, from_party="NL:TNM", to_party="DE:ABC"),
            make_record(2.0, from_party="DE:ABC", to_party="NL:TNM"),
            make_record(3.0, from_party="DE:ABC", to_party="*"),
            make_record(4.0, from_party="FR:XYZ", to_party="BE:QQQ"),
            make_record(5.0, from_party="", to_party=""),
        ]
    )
    assert [r.at for r in await any_store.messages.query(party="NL:TNM")] == [2.0, 1.0]
    assert [r.at for r in await any_store.messages.query(party="DE:ABC")] == [3.0, 2.0, 1.0]
    assert [r.at for r in await any_store.messages.query(party="BE:QQQ")] == [4.0]
    assert [r.at for r in await any_store.messages.query(party="NL")] == [], "whole values only"


async def test_query_time_window_is_since_inclusive_until_exclusive(any_store):
    await any_store.messages.append([make_record(float(i), f"r{i}") for i in range(10)])
    assert [r.at for r in await any_store.messages.query(since=3.0, until=6.0)] == [5.0, 4.0, 3.0]
    assert [r.at for r in await any_store.messages.query(since=7.0)] == [9.0, 8.0, 7.0]
    assert [r.at for r in await any_store.messages.query(until=2.0)] == [1.0, 0.0]
    assert [r.at for r in await any_store.messages.query(since=2.5, until=2.9)] == []


async def test_every_filter_together_and_the_limit_applies_after_them(any_store):
    records = [
        make_record(
            float(i),
            f"r{i % 4}",
            f"c{i % 3}",
            from_party="NL:TNM" if i % 5 == 0 else "DE:ABC",
            to_party="NL:TNM" if i % 5 == 1 else "FR:XYZ",
        )
        for i in range(120)
    ]
    random.Random(5).shuffle(records)
    await any_store.messages.append(records)
    filters = {"request_id": "r1", "correlation_id": "c2", "party": "NL:TNM", "since": 5.0, "until": 101.0}
    # i = 5 (from, at `since`), 41 (to), 65 (from); 101 matches all but `until`
    assert [r.at for r in await any_store.messages.query(**filters)] == [65.0, 41.0, 5.0]
    assert [r.at for r in await any_store.messages.query(**filters, limit=2)] == [65.0, 41.0]
    assert [r.at for r in await any_store.messages.query(party="FR:XYZ", limit=2)] == [119.0, 118.0]
    assert [r.at for r in await any_store.messages.query(party="NL:TNM", until=12.0)] == [
        11.0,
        10.0,
        6.0,
        5.0,
        1.0,
        0.0,
    ]


async def test_purge_older_than(any_store):
    await any_store.messages.append([make_record(float(i), f"r{i}") for i in range(10)])
    assert await any_store.messages.purge_older_than(0.0) == 0
    assert await any_store.messages.purge_older_than(4.0) == 4, "strictly older than the moment"
    assert await any_store.messages.purge_older_than(4.0) == 0
    assert [r.at for r in await any_store.messages.query()] == [float(i) for i in range(9, 3, -1)]
    assert await any_store.messages.purge_older_than(1e12) == 6
    assert await any_store.messages.query() == []


async def test_records_are_not_merged_or_replaced(any_store):
    record = make_record(1.0, "same", "same")
    await any_store.messages.append([record, record])
    await any_store.messages.append([msgspec.structs.replace(record, http_status=500)])
    assert sorted(r.http_status for r in await any_store.messages.query(request_id="same")) == [200, 200, 500]


async def test_messages_survive_reopening(tmp_path):
    from storage.sqlite import SqliteStore

    path = str(tmp_path / "hub.db")
    store = await SqliteStore.open(path)
    record = make_record(1.5, "req-1", "corr-1", latency_ms=3.25)
    await store.messages.append([record])
    await store.close()
    reopened = await SqliteStore.open(path)
    try:
        assert await reopened.messages.query(request_id="req-1") == [record]
    finally:
        await reopened.close()


async def test_query_by_module_platform_and_failure(any_store):
    await any_store.messages.append(
        [
            make_record(1.0, "ok"),
            make_record(2.0, "refused", status_code=2001),
            make_record(3.0, "http-error", http_status=502, status_code=None),
            make_record(4.0, "hub-rejected", status_code=4001, outcome="rejected"),
            make_record(5.0, "timeout", status_code=None, outcome="timeout"),
            make_record(6.0, "other-module", module="cdrs", platform_id="p2"),
            make_record(7.0, "no-status", status_code=None),
        ]
    )
    failed = await any_store.messages.query(failed=True)
    assert [r.request_id for r in failed] == ["timeout", "hub-rejected", "http-error", "refused"]
    succeeded = await any_store.messages.query(failed=False)
    assert [r.request_id for r in succeeded] == ["no-status", "other-module", "ok"]
    assert [r.request_id for r in await any_store.messages.query(module="cdrs")] == ["other-module"]
    assert [r.request_id for r in await any_store.messages.query(platform_id="p2")] == ["other-module"]
    assert [r.request_id for r in await any_store.messages.query(module="sessions", failed=True, limit=2)] == [
        "timeout",
        "hub-rejected",
    ]


async def test_a_write_cancelled_midway_is_all_or_nothing(any_store):
    import asyncio

    batch = [make_record(float(n), f"r{n}") for n in range(500)]
    for delay in (0, 0.002, 0.01):
        task = asyncio.create_task(any_store.messages.append(batch))
        await asyncio.sleep(delay)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        # A write already under way may still land (MongoDB finishes a command the client stopped waiting for):
        # wait until the count holds still, then it must be whole batches.
        counts = [-1]
        for _ in range(200):
            counts.append(len(await any_store.messages.query(limit=100_000)))
            if len(counts) > 10 and len(set(counts[-10:])) == 1:
                break
            await asyncio.sleep(0.05)
        assert counts[-1] % len(batch) == 0, "never part of a batch"
        await any_store.messages.purge_older_than(1e12)
    await any_store.messages.append(batch[:3])
    assert len(await any_store.messages.query()) == 3, "the store still works"


async def test_a_request_id_finds_the_record_by_the_id_the_receiver_got(any_store):
    await any_store.messages.append(
        [
            make_record(1.0, "sent-1", downstream_request_id="leg-1", status_message="the receiver said no"),
            make_record(2.0, "sent-1", downstream_request_id="leg-2", from_party="NL:AAA"),
            make_record(3.0, "sent-2", downstream_request_id=""),
        ]
    )
    (found,) = await any_store.messages.query(request_id="leg-1")
    assert (found.request_id, found.status_message) == ("sent-1", "the receiver said no")
    assert [r.at for r in await any_store.messages.query(request_id="sent-1")] == [2.0, 1.0]
    assert [r.at for r in await any_store.messages.query(request_id="sent-1", party="NL:AAA")] == [2.0]


async def test_an_older_sqlite_message_log_gains_the_new_column(tmp_path):
    import aiosqlite

    from storage.sqlite import SqliteStore

    path = tmp_path / "old.db"
    async with aiosqlite.connect(path) as db:
        await db.execute(
            "CREATE TABLE messages (id INTEGER PRIMARY KEY, at REAL NOT NULL, request_id TEXT NOT NULL, "
            "correlation_id TEXT NOT NULL, from_party TEXT NOT NULL, to_party TEXT NOT NULL, module TEXT NOT NULL, "
            "platform_id TEXT NOT NULL, failed INTEGER NOT NULL, document BLOB NOT NULL)"
        )
        await db.commit()
    store = await SqliteStore.open(str(path))
    try:
        await store.messages.append([make_record(1.0, "a", downstream_request_id="b")])
        assert [r.request_id for r in await store.messages.query(request_id="b")] == ["a"]
    finally:
        await store.close()
