"""Serve the app's HTTP routes under /api/ with aiohttp, plus the host's admin endpoint for timers.

A route declared with ``authLevel`` ``function`` or ``admin`` needs the host key, as Azure checks it: in the
``x-functions-key`` header or the ``code`` query parameter; otherwise 401 with an empty body, and the
function is not called.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Awaitable, Callable

import azure.functions as func
from aiohttp import web

from shared.services.triggers import HttpTrigger, Triggers, call_user_function

log = logging.getLogger("functions_host")
RunByName = Callable[[str, str], Awaitable[None]]


def route_pattern(template: str) -> re.Pattern[str]:
    """A Functions route template (``cards/{id}``, ``{id:int}``, ``{*rest}``) as a regex with named groups."""
    pattern = ""
    for literal, param in re.findall(r"([^{]*)(?:\{([^}]*)\})?", template.strip("/")):
        pattern += re.escape(literal)
        if param:
            name = param.split(":")[0].rstrip("?")
            pattern += f"(?P<{name.lstrip('*')}>.*)" if name.startswith("*") else f"(?P<{name}>[^/]+)"
    return re.compile(f"^{pattern}$", re.IGNORECASE)


def needs_key(trigger: HttpTrigger) -> bool:
    """True unless the route is anonymous (the level the FunctionApp or the route declares)."""
    level = getattr(trigger.function.get_trigger(), "auth_level", None)
    return str(getattr(level, "value", level) or "function").lower() != "anonymous"


def has_key(request: web.Request, key: str) -> bool:
    given = request.headers.get("x-functions-key") or request.query.get("code") or ""
    return bool(key) and hmac.compare_digest(given.encode(), key.encode())


def build_app(triggers: Triggers, run_by_name: RunByName, function_key: str = "") -> web.Application:
    routes = [(route_pattern(t.route), t) for t in triggers.http]

    async def api(request: web.Request) -> web.StreamResponse:
        path = request.match_info["tail"]
        for pattern, trigger in routes:
            match = pattern.match(path)
            if match and (not trigger.methods or request.method in trigger.methods):
                if needs_key(trigger) and not has_key(request, function_key):
                    return web.Response(status=401)
                return await _invoke(trigger, request, match.groupdict())
        return web.json_response({"error": f"no route for {request.method} /api/{path}"}, status=404)

    async def admin(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        body = await request.json() if request.can_read_body else {}
        try:
            await run_by_name(name, str(body.get("input", "")))
        except KeyError:
            return web.json_response({"error": f"no function named {name}"}, status=404)
        except Exception as error:
            log.exception("admin run of %s failed", name)
            return web.json_response({"error": type(error).__name__}, status=500)
        return web.Response(status=202)

    app = web.Application()
    app.router.add_route("*", "/api/{tail:.*}", api)
    app.router.add_post("/admin/functions/{name}", admin)
    return app


async def _invoke(trigger: HttpTrigger, request: web.Request, route_params: dict[str, str]) -> web.StreamResponse:
    incoming = func.HttpRequest(
        request.method,
        str(request.url),
        headers=dict(request.headers),
        params=dict(request.query),
        route_params=route_params,
        body=await request.read(),
    )
    result = await call_user_function(trigger, incoming)
    if result is None:
        return web.Response(status=204)
    if not isinstance(result, func.HttpResponse):
        raise TypeError(f"{trigger.name} returned {type(result).__name__}, expected func.HttpResponse")
    return _to_aiohttp(result)


def _to_aiohttp(result: func.HttpResponse) -> web.Response:
    headers = dict(result.headers)
    if not any(k.lower() == "content-type" for k in headers) and result.mimetype:
        charset = f"; charset={result.charset}" if result.charset else ""
        headers["Content-Type"] = f"{result.mimetype}{charset}"
    return web.Response(body=result.get_body(), status=result.status_code, headers=headers)
