"""The message log buffer: nothing lost while a batch is being written, nothing written twice."""

from __future__ import annotations

import asyncio

from hub.operations import message_log
from hub.operations.message_log import MessageRecorder
from storage.errors import StoreUnavailable
from storage.models import MessageRecord
from tests.storage.test_message_log_contract import make_record


def record(number: int) -> MessageRecord:
    return make_record(float(number), f"r{number}")


class SlowLog:
    """A real-enough message log that takes its time, and fails when told to."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.fail_next = False

    async def append(self, records):
        await asyncio.sleep(0.01)
        if self.fail_next:
            self.fail_next = False
            raise StoreUnavailable("disk full")
        self.written += [r.request_id for r in records]


class Store:
    def __init__(self) -> None:
        self.messages = SlowLog()


async def test_records_arriving_during_a_write_are_kept(monkeypatch):
    monkeypatch.setattr(message_log, "BATCH_SIZE", 3)
    store = Store()
    recorder = MessageRecorder(store, flush_seconds=1)
    for number in range(5):
        recorder.record(record(number))
    flushing = asyncio.create_task(recorder.flush())
    await asyncio.sleep(0.005)  # the first batch is being written
    for number in range(5, 8):
        recorder.record(record(number))
    await flushing
    await recorder.flush()
    assert store.messages.written == [f"r{n}" for n in range(8)]


async def test_a_failed_write_is_retried_in_order(monkeypatch):
    monkeypatch.setattr(message_log, "BATCH_SIZE", 2)
    store = Store()
    recorder = MessageRecorder(store, flush_seconds=1)
    for number in range(3):
        recorder.record(record(number))
    store.messages.fail_next = True
    await recorder.flush()
    assert store.messages.written == [] and recorder.queue_depth == 3
    await recorder.flush()
    assert store.messages.written == ["r0", "r1", "r2"] and recorder.queue_depth == 0


async def test_a_full_buffer_drops_the_oldest_and_counts_them(monkeypatch):
    monkeypatch.setattr(message_log, "MAX_BUFFERED", 4)
    store = Store()
    recorder = MessageRecorder(store, flush_seconds=1)
    for number in range(6):
        recorder.record(record(number))
    await recorder.flush()
    assert store.messages.written == ["r2", "r3", "r4", "r5"] and recorder.dropped == 2


async def test_a_batch_the_store_keeps_refusing_is_set_aside_not_retried_forever(monkeypatch):
    monkeypatch.setattr(message_log, "BATCH_SIZE", 2)
    store = Store()
    recorder = MessageRecorder(store, flush_seconds=1)
    for number in range(3):
        recorder.record(record(number))
    for _ in range(message_log.WRITE_ATTEMPTS):
        store.messages.fail_next = True
        await recorder.flush()
    assert recorder.dropped == 2, "the first batch, after its last attempt"
    await recorder.flush()
    assert store.messages.written == ["r2"] and recorder.queue_depth == 0


async def test_a_batch_that_cannot_be_written_for_another_reason_is_set_aside_at_once(monkeypatch):
    class BrokenLog(SlowLog):
        async def append(self, records):
            if records[0].request_id == "r0":
                raise TypeError("a bug")
            await super().append(records)

    monkeypatch.setattr(message_log, "BATCH_SIZE", 1)
    store = Store()
    store.messages = BrokenLog()
    recorder = MessageRecorder(store, flush_seconds=1)
    recorder.record(record(0))
    recorder.record(record(1))
    await recorder.flush()
    assert store.messages.written == ["r1"] and recorder.dropped == 1
