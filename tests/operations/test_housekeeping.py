"""The hourly housekeeping on the real embedded store: what is past its time goes, nothing else."""

from __future__ import annotations

import time

from hub.operations.housekeeping import Housekeeping, sort_key_at
from storage.models import StoredObject
from storage.sqlite import SqliteStore


def stored(module: str, object_id: str, moment: float) -> StoredObject:
    key = sort_key_at(moment)
    return StoredObject(
        module=module,
        country_code="NL",
        party_id="CPA",
        object_id=object_id,
        last_updated=key,
        sort_key=key,
        body=b"{}",
        alt_key="DE:TNM" if module in ("sessions", "cdrs") else "",
    )


async def test_copies_kept_for_211_emsps_go_after_their_retention_broadcast_copies_stay(tmp_path):
    store = await SqliteStore.open(str(tmp_path / "hub.db"))
    try:
        now, day = time.time(), 86400.0
        old_session, new_session = stored("sessions", "S1", now - 100 * day), stored("sessions", "S2", now - day)
        old_cdr, old_location = stored("cdrs", "C1", now - 100 * day), stored("locations", "L1", now - 400 * day)
        for item in (old_session, new_session, old_cdr, old_location):
            await store.objects.put(item)
        purged = await Housekeeping(store, 30 * day, 60.0, copy_retention_seconds=90 * day).run_once()
        assert (purged["sessions_copies"], purged["cdrs_copies"]) == (1, 1)
        assert await store.objects.page("sessions", None, None, None, 0, 10) == ([new_session], 1)
        assert await store.objects.page("cdrs", None, None, None, 0, 10) == ([], 0)
        assert await store.objects.get("locations", "NL", "CPA", "L1") == old_location, "the owner's latest stays"
    finally:
        await store.close()
