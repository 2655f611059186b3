"""GET /api/health: liveness of the timers and queues (filled in by the runner work)."""

import azure.functions as func

bp = func.Blueprint()


@bp.route(route="health", methods=["GET"])
def health(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse('{"status": "starting"}', mimetype="application/json")
