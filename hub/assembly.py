"""The composition root: every part of one hub process built from the settings, each given its few collaborators
through its constructor. Used by the server (app.py) and by CLI commands that act like it (invite, connect,
unregister). Nothing below receives the Hub itself."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator

import aiohttp

from hub.config import Settings
from hub.operations.housekeeping import Housekeeping
from hub.operations.message_log import MessageRecorder
from hub.operations.metrics import DurableQueueCollector, HubMetrics, TrafficCollector
from hub.operations.once_jobs import OnceJobs
from hub.operations.traffic_stats import SharedTraffic
from hub.platforms.agreements import AgreementService
from hub.platforms.authentication import Authenticator
from hub.platforms.clientinfo import ClientInfoNotifier
from hub.platforms.connect import Connector
from hub.platforms.directory import Directory
from hub.platforms.invitations import Invitations
from hub.platforms.liveness import LivenessMonitor
from hub.platforms.ocpi_client import OcpiClient
from hub.platforms.offboarding import Offboarding
from hub.platforms.peer_tokens import PeerTokens
from hub.platforms.rate_limit_overrides import PlatformLimits
from hub.platforms.reachability import Reachability
from hub.platforms.registration import Registration
from hub.platforms.roles_announcement import RolesAnnouncement
from hub.platforms.routing_state import RoutingState
from hub.platforms.secret_key import open_cipher
from hub.platforms.token_rotation import TokenRetirement
from hub.platforms.updates import PlatformUpdater
from hub.platforms.visibility_pushes import VisibilityPushes
from hub.relay.broadcast import Broadcaster
from hub.relay.durable_delivery import DurableDelivery
from hub.relay.fan_out import CONNECTIONS_PER_RECEIVER, FanOut
from hub.relay.get_all import GetAllAnswer
from hub.relay.group_commit import GroupCommitter
from hub.relay.hints import HintBook, Learning
from hub.relay.legs import Legs
from hub.relay.object_copies import ObjectCopies
from hub.relay.route import FactFinder, Forwarding, Relay
from hub.relay.stand_in_calls import StandInCalls
from hub.relay.stand_ins import StandIns
from hub.relay.trail import Trails
from hub.relay.translator import Translator
from hub.relay.transport import ReceiverSlots
from hub.traffic.breakers import ReceiverBreakers
from hub.traffic.client_connections import ConnectionGuard
from hub.traffic.rate_limits import RateLimiter
from routing.model import PartyId
from storage.opening import open_store
from storage.ports import Store

PUBLIC_URL = "public_url"  # the URL the serving hub reaches platforms at, recorded in the store when it starts


@dataclasses.dataclass
class Hub:
    """The parts of one hub process, for the app to route requests to and run background work on, and for CLI
    commands and tests to use."""

    settings: Settings
    store: Store
    hub_party: PartyId
    directory: Directory
    routing: RoutingState
    peer_tokens: PeerTokens
    updater: PlatformUpdater
    authenticate: Authenticator
    notifier: ClientInfoNotifier
    liveness: LivenessMonitor
    registration: Registration
    invitations: Invitations
    connector: Connector
    offboarding: Offboarding
    agreements: AgreementService
    messages: MessageRecorder
    metrics: HubMetrics
    housekeeping: Housekeeping
    fan_out: FanOut
    relay: Relay
    stand_in_calls: StandInCalls
    reachability: Reachability
    visibility_pushes: VisibilityPushes
    once: OnceJobs
    limiter: RateLimiter
    breakers: ReceiverBreakers
    durable: DurableDelivery
    connections: ConnectionGuard  # the client connections this process serves (hub/traffic/client_connections.py)
    traffic: SharedTraffic  # the hub's last hour of traffic, shared through the store
    limits: PlatformLimits
    roles_announcement: RolesAnnouncement

    draining: bool = False  # shutting down: readiness says so while requests are still served

    async def drain(self, seconds: float = 10.0) -> None:
        """Wait for work in flight off the request path: broadcast deliveries, HubClientInfo pushes."""
        await self.fan_out.drain(seconds)
        await self.notifier.drain(seconds)
        await self.roles_announcement.drain(seconds)


@contextlib.asynccontextmanager
async def open_hub(settings: Settings, serving: bool = False) -> AsyncIterator[Hub]:
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
        # that does not answer), not by the pools. Broadcasts have a pool of their own.
        connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=300)
        broadcast_connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=300)
        async with (
            aiohttp.ClientSession(connector=connector, skip_auto_headers=("User-Agent",)) as session,
            aiohttp.ClientSession(connector=broadcast_connector, skip_auto_headers=("User-Agent",)) as broadcasts,
        ):
            hub = _assemble(settings, store, directory, cipher, session, broadcasts)
            await hub.routing.refresh_agreements(force=True)
            try:
                yield hub
            finally:
                await hub.breakers.stop()
                await hub.drain()
                await hub.messages.flush()
                with contextlib.suppress(Exception):  # the figures are best effort at shutdown
                    await hub.traffic.flush()
    finally:
        await store.close()


def _assemble(settings, store, directory, cipher, session, broadcasts) -> Hub:
    hub_party = PartyId.of(settings.country_code, settings.party_id)
    client = OcpiClient(session, settings.callback_timeout_seconds)
    peer_tokens = PeerTokens(cipher)
    updater = PlatformUpdater(store, directory)
    routing = RoutingState(directory, store, settings.routing_policy == "open", settings.custom_modules)
    notifier = ClientInfoNotifier(directory, routing, client, peer_tokens)
    reachability = Reachability(directory, routing)
    liveness = LivenessMonitor(
        settings.alive_check_after_seconds,
        directory,
        updater,
        client,
        peer_tokens,
        notifier,
    )
    authenticate = Authenticator(directory, liveness, TokenRetirement(updater))
    messages = MessageRecorder(store, settings.message_log_flush_seconds)
    metrics = HubMetrics()
    trails = Trails(messages, metrics, settings.hub_error_http_status)
    stand_ins = StandIns(settings, directory, GroupCommitter(store.callbacks.put_many))
    hints = HintBook(store)
    breakers = ReceiverBreakers(
        settings.breaker_failures, settings.breaker_cooldown_seconds, directory, liveness.answers, liveness.mark
    )
    slots = ReceiverSlots(settings.max_connections_per_receiver)
    legs = Legs(session, slots, directory, peer_tokens, stand_ins, breakers)
    broadcast_legs = Legs(
        broadcasts, ReceiverSlots(CONNECTIONS_PER_RECEIVER), directory, peer_tokens, stand_ins, breakers
    )
    fan_out = FanOut(broadcast_legs, trails, hub_party, settings.timeout_for)
    metrics.watch(directory.platforms, lambda: messages.queue_depth, lambda: messages.dropped, lambda: fan_out.queued)
    translator = Translator(store.objects, metrics)
    copies = ObjectCopies(store.objects)
    learning = Learning(hints, settings, stand_ins.result_ttl)
    once = OnceJobs(store.job_leases)
    limiter = RateLimiter(settings, store.rate_counts)
    durable = DurableDelivery(settings, store.deliveries, legs, messages)
    connections = ConnectionGuard(settings)
    metrics.registry.register(
        TrafficCollector(lambda: limiter.refused, breakers.states, connections.figures, durable.counts)
    )
    metrics.hub_wide.register(DurableQueueCollector(durable.last_figures))
    relay = Relay(
        authenticate,
        trails,
        routing,
        hub_party,
        FactFinder(store.objects, hints),
        Forwarding(legs, stand_ins, learning, settings.timeout_for, translator, directory, copies, durable),
        Broadcaster(copies, fan_out, hub_party, translator, directory),
        GetAllAnswer(store.objects, settings.base_url, hub_party, translator),
        translator,
        limiter,
    )
    return Hub(
        settings=settings,
        store=store,
        hub_party=hub_party,
        directory=directory,
        routing=routing,
        peer_tokens=peer_tokens,
        updater=updater,
        authenticate=authenticate,
        notifier=notifier,
        liveness=liveness,
        registration=Registration(settings, client, cipher, directory, updater, notifier, reachability),
        invitations=Invitations(store, directory, notifier),
        connector=Connector(settings, store, client, cipher, directory, updater, notifier, reachability),
        offboarding=Offboarding(store, directory, updater, client, peer_tokens, notifier),
        agreements=AgreementService(store, routing),
        messages=messages,
        metrics=metrics,
        housekeeping=Housekeeping(
            store,
            settings.message_log_retention_days * 86400,
            settings.admin_session_idle_minutes * 60,
            settings.recipient_copy_retention_days * 86400,
        ),
        fan_out=fan_out,
        relay=relay,
        reachability=reachability,
        limiter=limiter,
        breakers=breakers,
        durable=durable,
        connections=connections,
        traffic=SharedTraffic(store.traffic, messages.stats),
        limits=PlatformLimits(updater),
        visibility_pushes=VisibilityPushes(
            directory,
            routing,
            notifier,
            lambda: once.holds("agreement-pushes", settings.directory_refresh_seconds),
        ),
        once=once,
        roles_announcement=RolesAnnouncement(settings, directory, reachability, updater, client, cipher, peer_tokens),
        stand_in_calls=StandInCalls(
            authenticate, trails, store.callbacks, directory, legs, settings.timeout_for, translator
        ),
    )
