"""A tiny FunctionApp that exercises every trigger kind the runner supports (used by its tests).

Timers and queue functions report what they saw on the ``selftest-out`` queue. A message with
``"fail": true`` always raises, so it should end in ``selftest-in-poison``.
"""

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


def _report(body: dict[str, object]) -> None:
    from shared.container import container

    container().queues.send("selftest-out", body)


@app.route(route="echo/{name}", methods=["GET", "POST"])
async def echo(req: func.HttpRequest) -> func.HttpResponse:
    text = f"{req.method} {req.route_params['name']} {req.params.get('q', '')} {req.get_body().decode()}"
    return func.HttpResponse(text, status_code=201, headers={"X-Echo": "yes"}, mimetype="text/plain")


@app.timer_trigger(schedule="%SELFTEST_SCHEDULE%", arg_name="timer")
def tick(timer: func.TimerRequest) -> None:
    _report({"fired": "tick", "past_due": timer.past_due})


@app.queue_trigger(arg_name="msg", queue_name="selftest-in", connection="AzureWebJobsStorage")
async def consume(msg: func.QueueMessage) -> None:
    body = msg.get_json()
    if body.get("fail"):
        raise RuntimeError("this message always fails")
    _report({"consumed": body, "dequeue_count": msg.dequeue_count})
