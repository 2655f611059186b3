"""Health routes.

``GET /api/health`` (anonymous): ``{"status": "ok" | "stale"}`` only, from a summary cached in memory
(at most one storage read per request); 503 when stale. ``GET /api/health/detail`` (function key):
last success and backlog of every timer and queue function; 503 when one is stale.
"""

import json
from functools import cache
from typing import TYPE_CHECKING

import azure.functions as func

if TYPE_CHECKING:
    from shared.services.health import StatusCache

bp = func.Blueprint()


@cache
def status_cache() -> "StatusCache":
    """One cache per worker process (built on first request: nothing happens at import)."""
    from shared.services.health import StatusCache

    return StatusCache()


@bp.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def health(req: func.HttpRequest) -> func.HttpResponse:
    from function_app import app
    from shared.container import container
    from shared.services.triggers import describe

    deps = container()
    status = status_cache().status(deps.store, deps.clock, describe(app))
    return func.HttpResponse(
        json.dumps({"status": status}), status_code=200 if status == "ok" else 503, mimetype="application/json"
    )


@bp.route(route="health/detail", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def health_detail(req: func.HttpRequest) -> func.HttpResponse:
    from function_app import app
    from shared.container import container
    from shared.services.health import check_health
    from shared.services.pair_states import pairs_summary
    from shared.services.triggers import describe

    deps = container()
    report = check_health(deps.store, deps.queues, deps.clock, describe(app))
    body = report.as_json() | {"pairs": pairs_summary(deps.store)}
    return func.HttpResponse(json.dumps(body), status_code=200 if report.ok else 503, mimetype="application/json")
