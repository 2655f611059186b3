"""The composition root: the only module that names concrete adapters.

Everything is built lazily on first use, so importing ``function_app`` does no I/O and builds no
client (cold start matters on Functions). Each adapter import sits inside its factory.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, cached_property
from typing import TYPE_CHECKING

from shared.config import Settings, load_settings

if TYPE_CHECKING:
    from shared.adapters.graph.client import GraphClient
    from shared.adapters.graph.teamwork import GraphTeamsInstaller
    from shared.adapters.teams.agent import Bot
    from shared.adapters.teams.auth import Authenticator
    from shared.domain.company import CompanyConfig
    from shared.ports.calendar import Calendar
    from shared.ports.clock import Clock
    from shared.ports.directory import Directory
    from shared.ports.learning import LearningCatalog
    from shared.ports.mail import CardMailer
    from shared.ports.messenger import Messenger
    from shared.ports.storage import JsonDict, QueueMessage, Queues, Store
    from shared.ports.subscriptions import Subscriptions
    from shared.ports.telemetry import Events
    from shared.ports.workbook import Workbook
    from shared.services.card_rate import CardRateLimiter
    from shared.services.pilot_scope import PilotConfig
    from shared.services.schedule_context import ScheduleContext


class Container:
    """Adapters built from Settings on first use and then reused for the process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def graph_client(self) -> GraphClient:
        from shared.adapters.graph.client import build_graph_client

        return build_graph_client(self.settings)

    @cached_property
    def directory(self) -> Directory:
        from shared.adapters.graph.directory import GraphDirectory

        return GraphDirectory(self.graph_client)

    @cached_property
    def calendar(self) -> Calendar:
        from shared.adapters.graph.calendar import GraphCalendar

        return GraphCalendar(self.graph_client)

    @cached_property
    def subscriptions(self) -> Subscriptions:
        """Graph change-notification subscriptions on mailboxes' events (``POST/PATCH/DELETE /subscriptions``)."""
        from shared.adapters.graph.subscriptions import GraphSubscriptions

        return GraphSubscriptions(self.graph_client)

    @cached_property
    def learning_catalog(self) -> LearningCatalog:
        """Viva Learning (Graph employeeExperience): contents of the configured providers, recommended courses."""
        from shared.adapters.graph.learning import GraphLearningCatalog

        return GraphLearningCatalog(self.graph_client)

    @cached_property
    def clock(self) -> Clock:
        from shared.ports.clock import SystemClock

        return SystemClock()

    @cached_property
    def store(self) -> Store:
        from shared.adapters.storage.tables import TableStore

        return TableStore.from_settings(self.settings)

    @cached_property
    def company(self) -> CompanyConfig:
        """The validated company config (settings.company_config, else the bundled file); a broken file raises."""
        from shared.adapters.config_file import load_company_config

        return load_company_config(self.settings.company_config)

    @cached_property
    def pilot(self) -> PilotConfig:
        """The pilot groups: ``WEGROW_PILOT_GROUP_ID`` and the company config's ``pilots[].groups``."""
        from shared.services.pilot_scope import pilot_config

        return pilot_config(self.settings.pilot_group_id, self.company)

    @cached_property
    def queues(self) -> Queues:
        from shared.adapters.storage.queues import StorageQueues

        return StorageQueues.from_settings(self.settings)

    @cached_property
    def workbook(self) -> Workbook:
        """The HR workbook; created from the template (org units from the company config) on first use."""
        from shared.adapters.graph.workbook import GraphWorkbook
        from shared.adapters.workbook.template import build_template

        def template() -> bytes:
            return build_template([unit.name for unit in self.company.org_agenda.units])

        return GraphWorkbook(self.graph_client, self.settings.hr_drive_id, self.settings.hr_workbook_path, template)

    @cached_property
    def telemetry(self) -> Events:
        from shared.adapters.graph.retry import THROTTLE_LISTENERS
        from shared.adapters.telemetry import telemetry
        from shared.services.ops_telemetry import throttled

        events = telemetry(self.settings)
        THROTTLE_LISTENERS.append(lambda retry_after: throttled(events, retry_after))
        return events

    @cached_property
    def bot_authenticator(self) -> Authenticator:
        """The bot endpoint's token check, without the Agents SDK: a refused request never builds the bot."""
        from shared.adapters.teams.auth import authenticator_for

        return authenticator_for(self.settings)

    @cached_property
    def bot(self) -> Bot:
        from shared.adapters.teams.agent import build_bot
        from shared.adapters.teams.bot_messages import BotServices
        from shared.adapters.teams.sdk_telemetry import follow_settings

        follow_settings(self.settings)

        services = BotServices(
            self.store,
            QueuesOnFirstUse(lambda: self.queues),
            self.clock,
            self.settings,
            self._bot_schedule,
            lambda: self.company.default_language,
            (lambda: self.learning_catalog) if self.settings.learning_providers else None,
        )
        return build_bot(self.settings, services, self.bot_authenticator)

    def _bot_schedule(self) -> ScheduleContext:
        """The scheduling context for "Book this time" on a no-slot card (built on first use, not at bot start)."""
        from shared.container.scheduling import context_from

        return context_from(self, "bot")

    @cached_property
    def card_mailer(self) -> CardMailer:
        """Cards by Outlook actionable email through Graph sendMail (used only when card email is set up)."""
        from shared.adapters.graph.mail import GraphCardMailer

        return GraphCardMailer(self.graph_client)

    @cached_property
    def teams_installer(self) -> GraphTeamsInstaller:
        from shared.adapters.graph.teamwork import GraphTeamsInstaller

        return GraphTeamsInstaller(self.graph_client, self.settings.teams_app_id)

    @cached_property
    def messenger(self) -> Messenger:
        """Proactive cards through the Agents SDK to ``settings.connector_url`` (app installed via Graph)."""
        from shared.adapters.graph.teamwork import InstallRefused
        from shared.adapters.teams.agent import connection_manager
        from shared.adapters.teams.http import FunctionsAdapter
        from shared.adapters.teams.messenger import TeamsMessenger
        from shared.adapters.teams.sdk_telemetry import follow_settings

        settings = self.settings
        follow_settings(settings)
        return TeamsMessenger(
            FunctionsAdapter(connection_manager(settings)),
            self.teams_installer,
            self.store,
            bot_app_id=settings.bot_app_id,
            service_url=str(settings.connector_url),
            tenant_id=settings.tenant_id or "",
            refused=(InstallRefused,),
            open_slot=self.card_limiter.app_slot,
        )

    @cached_property
    def card_limiter(self) -> CardRateLimiter:
        from shared.services.card_rate import CardRateLimiter

        return CardRateLimiter()


class QueuesOnFirstUse:
    """The Queues port, built on its first call: a bot turn that queues nothing (nearly every chat message and
    card action) never imports azure-storage-queue (cold start)."""

    def __init__(self, build: Callable[[], Queues]) -> None:
        self._build = build

    def send(self, queue: str, body: JsonDict, delay: int = 0) -> None:
        self._build().send(queue, body, delay)

    def receive(self, queue: str, max_messages: int = 16, visibility_timeout: int = 30) -> list[QueueMessage]:
        return self._build().receive(queue, max_messages, visibility_timeout)

    def complete(self, queue: str, message: QueueMessage) -> None:
        self._build().complete(queue, message)

    def release(self, queue: str, message: QueueMessage, delay: int = 0) -> None:
        self._build().release(queue, message, delay)

    def length(self, queue: str) -> int:
        return self._build().length(queue)


@cache
def container() -> Container:
    """The process-wide container, from the environment (fails with one line on a bad setting)."""
    return Container(load_settings())
