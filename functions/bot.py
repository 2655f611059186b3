"""POST /api/messages: the Teams bot endpoint (Microsoft 365 Agents SDK).

Thin: bound the body (413), authenticate (401), parse once (400), check the activity is a personal Teams
activity from our tenant as its token says (403), hand it to the SDK adapter, map the result. A failing turn
never becomes a 500 with a stack trace: it is a 502 with a short body.
"""

import logging

import azure.functions as func

bp = func.Blueprint()
logger = logging.getLogger(__name__)


@bp.route(route="messages", methods=["POST"])
async def messages(req: func.HttpRequest) -> func.HttpResponse:
    from shared.adapters.teams.accepted_activities import Forbidden, check_activity
    from shared.adapters.teams.auth import Unauthorized
    from shared.adapters.teams.http_body import (
        BodyTooLarge,
        MalformedBody,
        bounded_body,
        error_response,
        parse_json_object,
    )
    from shared.container import container

    try:
        body = bounded_body(req)
    except BodyTooLarge as refusal:
        return error_response(413, str(refusal))
    try:
        caller = await container().bot_authenticator.authenticate(req.headers.get("Authorization"))
    except Unauthorized as refusal:
        return error_response(401, str(refusal))
    from shared.adapters.teams.http import FunctionsRequest

    bot = container().bot  # the Agents SDK is loaded only for an authenticated caller
    try:
        activity = parse_json_object(body)
        check_activity(activity, caller, bot.tenant_id)
        return await bot.adapter.handle(FunctionsRequest(req, caller.identity, activity), bot.app)
    except Forbidden as refusal:
        logger.info("bot activity refused: %s", refusal)
        return error_response(403, str(refusal))
    except (MalformedBody, ValueError) as error:
        logger.info("bot request rejected: %s", type(error).__name__)
        return error_response(400, "malformed activity")
    except Exception as error:  # the trigger is the boundary: no stack trace to Teams
        logger.error("bot turn failed: %s", type(error).__name__)
        return error_response(502, "the bot could not handle this activity")
