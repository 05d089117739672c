"""Building the hub's running parts from settings: used by the server and by CLI commands that act like it."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator

import aiohttp

from hub.clientinfo_push import ClientInfoNotifier
from hub.config import Settings
from hub.context import HubContext
from hub.directory import Directory
from hub.fan_out import FanOut
from hub.forwarder import ReceiverSlots
from hub.group_commit import GroupCommitter
from hub.hints import HintBook
from hub.liveness import LivenessMonitor
from hub.message_log import MessageRecorder
from hub.metrics import HubMetrics
from hub.ocpi_client import OcpiClient
from hub.routing_view import RoutingView
from hub.secret_key import open_cipher
from routing.model import PartyId
from storage.opening import open_store

PUBLIC_URL = "public_url"  # the URL the serving hub reaches platforms at, recorded in the store when it starts


@contextlib.asynccontextmanager
async def hub_context(settings: Settings, serving: bool = False) -> AsyncIterator[HubContext]:
    """`serving`: for the server itself. CLI commands (`serving` False) that do not name the hub's URL (public URL,
    host or port) use the one the serving hub recorded in the store, so what they print and send is the hub's."""
    store = await open_store(settings.store)
    try:
        if not serving and not settings.names_its_own_url:
            recorded = await store.meta.get(PUBLIC_URL)
            if recorded:
                settings = dataclasses.replace(settings, public_url=recorded)
        directory = Directory(store)
        await directory.load()
        cipher = await open_cipher(settings, store, directory.platforms())
        # Connections per receiver are counted by ReceiverSlots (which tells waiting for one apart from a receiver
        # that does not answer), not by the pools.
        connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=300)
        broadcast_connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=300)
        async with (
            aiohttp.ClientSession(connector=connector, skip_auto_headers=("User-Agent",)) as session,
            aiohttp.ClientSession(connector=broadcast_connector, skip_auto_headers=("User-Agent",)) as broadcasts,
        ):
            context = HubContext(
                settings=settings,
                store=store,
                directory=directory,
                client=OcpiClient(session, settings.callback_timeout_seconds),
                cipher=cipher,
                notifier=ClientInfoNotifier(),
                liveness=LivenessMonitor(settings.alive_check_after_seconds, settings.alive_check_interval_seconds),
                routing=RoutingView(directory, store, open_policy=settings.routing_policy == "open"),
                messages=MessageRecorder(
                    store, settings.message_log_flush_seconds, settings.message_log_retention_days
                ),
                hub_party=PartyId.of(settings.country_code, settings.party_id),
                fan_out=FanOut(broadcasts),
                metrics=HubMetrics(),
                hints=HintBook(store),
                mappings=GroupCommitter(store.callbacks.put_many),
                slots=ReceiverSlots(settings.max_connections_per_receiver),
            )
            context.fan_out.bind(context)
            context.metrics.bind(context)
            await context.routing.refresh_agreements(force=True)
            context.notifier.bind(context)
            context.liveness.bind(context)
            try:
                yield context
            finally:
                await context.drain()
                await context.messages.flush()
    finally:
        await store.close()
