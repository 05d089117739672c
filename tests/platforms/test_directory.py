"""The in-memory directory stays true to the store, even when a change becomes visible late."""

from __future__ import annotations

import orjson

from hub.ocpi.tokens import authorization_header
from hub.platforms.directory import Directory
from hub.platforms.tokens import hash_token
from storage.models import AuthEncoding, Party, Platform, PlatformState
from storage.sqlite import SqliteStore


async def test_a_change_that_lands_below_the_watermark_is_caught_by_the_resync(tmp_path):
    store = await SqliteStore.open(str(tmp_path / "hub.db"))
    try:
        party = Party(country_code="NL", party_id="CPA", role="CPO")
        victim = await store.platforms.create(
            Platform(id="victim", parties=[party], token_hashes=[hash_token("leaked")], state=PlatformState.REGISTERED)
        )
        other = await store.platforms.create(
            Platform(id="other", parties=[Party(country_code="NL", party_id="OTH", role="CPO")])
        )
        directory = Directory(store)
        await directory.load()
        header = authorization_header("leaked", AuthEncoding.BASE64)
        assert (await directory.authenticate(header)).platform.id == "victim"

        # The revocation is stored, but with a sequence number the directory has already moved past (as when a
        # MongoDB write lands late): polling alone cannot see it.
        victim.token_hashes = []
        victim.state = PlatformState.UNREGISTERED
        await store.platforms.save(victim)
        document = orjson.loads(
            (await (await store._writer.execute("SELECT document FROM platforms WHERE id='victim'")).fetchone())[0]
        )
        document["seq"] = other.seq - 1
        await store._writer.execute(
            "UPDATE platforms SET seq = ?, document = ? WHERE id = 'victim'", (other.seq - 1, orjson.dumps(document))
        )
        await directory.refresh()
        assert await directory.authenticate(header) is not None, "the poll alone misses it (the case under test)"

        await directory.resync()
        assert await directory.authenticate(header) is None
    finally:
        await store.close()
