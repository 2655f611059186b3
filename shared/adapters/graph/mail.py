"""Send an actionable card by email from the dedicated sender mailbox: Graph ``POST /users/{sender}/sendMail``.

Before sending, our rules (shared/ports/mail.py): one plain address (``single_recipient``), and that address must
be a person in the directory. The adapter asks ``GET /users?$filter=proxyAddresses/any(p:p eq 'smtp:<address>')``
(``User.Read.All``, which the directory sync already holds): a group, a contact or an unknown address finds no
user and is refused. The message goes with ``saveToSentItems: false``, so no copy of a card (which may hold what
an employee shared) stays in the sender mailbox.

Permission: ``Mail.Send`` (application), confined to the sender mailbox by an application access policy or RBAC
for Applications (docs/permissions.md). Graph answers 202; a 404 (unknown sender, no mailbox) or a 403 (outside
the policy) raises SenderRefused.

Retries: sendMail has no idempotency key. A 429 or 503 was refused before sending, so it is retried under the one
policy (retry.py). A dropped connection after the request went out, or a 504, may have sent it: that raises
DeliveryUncertain and is not retried.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from shared.adapters.graph.retry import DEFAULT_POLICY, STATS, RetryPolicy, RetryStats, status_of, with_retries
from shared.domain.actionable_email import InvalidRecipient, single_recipient
from shared.ports.mail import DeliveryUncertain, RecipientNotAllowed, SenderRefused

if TYPE_CHECKING:
    from msgraph.generated.users.item.send_mail.send_mail_post_request_body import SendMailPostRequestBody
    from msgraph.graph_service_client import GraphServiceClient

SENT_BEFORE_FAILING = frozenset({504})
REFUSED_SENDER = frozenset({403, 404})


class GraphCardMailer:
    def __init__(
        self, client: GraphServiceClient, *, policy: RetryPolicy = DEFAULT_POLICY, stats: RetryStats = STATS
    ) -> None:
        self._client = client
        self._policy = policy
        self._stats = stats

    async def send_card_email(self, sender: str, recipient: str, subject: str, html: str) -> None:
        try:
            address = single_recipient(recipient)
        except InvalidRecipient as error:
            raise RecipientNotAllowed(str(error)) from None
        if not await self._is_person(address):
            raise RecipientNotAllowed(f"{address} is not a person's mailbox in the directory (a group or unknown)")
        body = _request_body(address, subject, html)
        await with_retries(lambda: self._send_once(sender, body), policy=self._policy, stats=self._stats)

    async def _is_person(self, address: str) -> bool:
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from msgraph.generated.users.users_request_builder import UsersRequestBuilder

        literal = address.replace("'", "''")
        query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
            filter=f"proxyAddresses/any(p:p eq 'smtp:{literal}')", select=["id"], top=2
        )
        config = RequestConfiguration(query_parameters=query)
        page = await with_retries(
            lambda: self._client.users.get(request_configuration=config), policy=self._policy, stats=self._stats
        )
        return len(page.value if page and page.value else []) == 1

    async def _send_once(self, sender: str, body: SendMailPostRequestBody) -> None:
        try:
            await self._client.users.by_user_id(sender).send_mail.post(body)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            raise  # nothing went out: retried
        except httpx.TransportError as error:
            raise DeliveryUncertain(f"the connection failed after the message to Graph was sent: {error}") from error
        except Exception as error:
            mapped = _mapped(sender, error)
            if mapped is error:
                raise
            raise mapped from error


def _mapped(sender: str, error: Exception) -> Exception:
    status = status_of(error)
    if status in SENT_BEFORE_FAILING:
        return DeliveryUncertain(f"Graph answered {status}; the message may have been sent")
    if status in REFUSED_SENDER:
        return SenderRefused(sender, status or 0, _graph_message(error))
    if status == 400:
        return RecipientNotAllowed(f"Graph refused the message: {_graph_message(error)}")
    return error


def _graph_message(error: Exception) -> str:
    main: Any = getattr(getattr(error, "error", None), "message", None)
    return str(main or error)


def _request_body(address: str, subject: str, html: str) -> SendMailPostRequestBody:
    from msgraph.generated.models.body_type import BodyType
    from msgraph.generated.models.email_address import EmailAddress
    from msgraph.generated.models.item_body import ItemBody
    from msgraph.generated.models.message import Message
    from msgraph.generated.models.recipient import Recipient
    from msgraph.generated.users.item.send_mail.send_mail_post_request_body import SendMailPostRequestBody

    message = Message(
        subject=subject,
        body=ItemBody(content_type=BodyType.Html, content=html),
        to_recipients=[Recipient(email_address=EmailAddress(address=address))],
    )
    return SendMailPostRequestBody(message=message, save_to_sent_items=False)
