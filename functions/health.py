"""GET /api/health: last success and backlog of every timer and queue function; 503 when one is stale."""

import azure.functions as func

bp = func.Blueprint()


@bp.route(route="health", methods=["GET"])
def health(req: func.HttpRequest) -> func.HttpResponse:
    import json

    from function_app import app
    from shared.container import container
    from shared.services.health import check_health
    from shared.services.triggers import describe

    deps = container()
    report = check_health(deps.store, deps.queues, deps.clock, describe(app))
    return func.HttpResponse(
        json.dumps(report.as_json()), status_code=200 if report.ok else 503, mimetype="application/json"
    )
