"""Graph change notifications: ``POST /api/notifications``, ``POST /api/notifications/lifecycle``, and their queue.

Anonymous routes (Graph cannot send a function key): each item is trusted only when its clientState is the HMAC
of the mailbox it names. Thin, in this order:

- ``?validationToken=...`` (Graph's handshake when a subscription is created): 200 ``text/plain`` echoing the token,
  before any setting or storage is read, so it answers well within Graph's 10 seconds;
- notifications off (``WEGROW_PUBLIC_BASE_URL`` or ``WEGROW_NOTIFICATION_SECRET`` unset): 404 with a JSON error;
- a body over 1 MB: 413; a body that is not JSON: 400 with a JSON error; nothing is queued;
- otherwise 202 once each good item is one ``graph-notifications`` message. Malformed items and items with a wrong
  clientState are dropped with one log line per request and still get 202: Graph has nothing to retry, and a
  forger learns nothing. A storage failure raises (5xx): Graph retries, and the handler is idempotent.

The queue trigger repairs the pair an event belongs to (``shared.services.notification_handling``). See
docs/notifications.md.
"""

import asyncio
import json
import logging
import os

import azure.functions as func

bp = func.Blueprint()
logger = logging.getLogger(__name__)
STORAGE_CONNECTION = "AzureWebJobsStorage"
TOKEN_MAX = 4096  # Graph's validation tokens are a few hundred characters


@bp.route(route="notifications", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
async def notifications(req: func.HttpRequest) -> func.HttpResponse:
    return await _receive(req)


@bp.route(route="notifications/lifecycle", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
async def notifications_lifecycle(req: func.HttpRequest) -> func.HttpResponse:
    return await _receive(req)


async def _receive(req: func.HttpRequest) -> func.HttpResponse:
    token = req.params.get("validationToken")
    if token is not None:
        return _handshake(token)
    from shared.container import container
    from shared.container.notifications import watched_user_from
    from shared.services.notification_intake import MAX_BODY_BYTES, MalformedBody, decode_body, take_in

    c = container()
    if not c.settings.notifications_enabled:
        return _error(404, "change notifications are not enabled on this deployment")
    raw = req.get_body()
    if len(raw) > MAX_BODY_BYTES:
        return _error(413, "the notification body is too large")
    try:
        body = decode_body(raw)
    except MalformedBody as refusal:
        return _error(400, str(refusal))
    await asyncio.to_thread(take_in, body, c.settings.notification_key, c.queues, watched_user_from(c))
    return func.HttpResponse(status_code=202)


def _handshake(token: str) -> func.HttpResponse:
    if not token or len(token) > TOKEN_MAX:
        return _error(400, "validationToken is empty or too long")
    headers = {"X-Content-Type-Options": "nosniff"}
    return func.HttpResponse(token, status_code=200, mimetype="text/plain", charset="utf-8", headers=headers)


def _error(status: int, message: str) -> func.HttpResponse:
    return func.HttpResponse(json.dumps({"error": message}), status_code=status, mimetype="application/json")


@bp.queue_trigger(arg_name="msg", queue_name="graph-notifications", connection=STORAGE_CONNECTION)
async def graph_notifications(msg: func.QueueMessage) -> None:
    from shared.container import container
    from shared.container.notifications import notification_deps_from
    from shared.services.notification_handling import handle_notification
    from shared.services.runs import QUEUE_QUIET, tracked_run

    c = container()
    with tracked_run(c.store, c.clock, "graph_notifications", quiet=QUEUE_QUIET) as note:
        deps = notification_deps_from(c, f"fn-{os.getpid()}")
        body = json.loads(msg.get_body())
        note.detail = await handle_notification(deps, body if isinstance(body, dict) else {})
    logger.info("graph-notifications: %s", note.detail)
