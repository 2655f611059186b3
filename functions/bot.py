"""POST /api/messages: the Teams bot endpoint (Microsoft 365 Agents SDK).

Thin: authenticate, hand the request to the SDK adapter, map the result. A failing turn never
becomes a 500 with a stack trace: malformed input is a 400, a failed turn a 502 with a short body.
"""

import logging

import azure.functions as func

bp = func.Blueprint()
logger = logging.getLogger(__name__)


@bp.route(route="messages", methods=["POST"])
async def messages(req: func.HttpRequest) -> func.HttpResponse:
    from shared.adapters.teams.auth import Unauthorized
    from shared.adapters.teams.http import FunctionsRequest, MalformedBody, error_response, parse_json_object
    from shared.container import container

    bot = container().bot
    try:
        claims = await bot.authenticator.authenticate(req.headers.get("Authorization"))
    except Unauthorized as refusal:
        return error_response(401, str(refusal))
    try:
        parse_json_object(req.get_body())
        return await bot.adapter.handle(FunctionsRequest(req, claims), bot.app)
    except (MalformedBody, ValueError) as error:
        logger.info("bot request rejected: %s", type(error).__name__)
        return error_response(400, "malformed activity")
    except Exception as error:  # the trigger is the boundary: no stack trace to Teams
        logger.error("bot turn failed: %s", type(error).__name__)
        return error_response(502, "the bot could not handle this activity")
