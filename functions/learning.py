"""The ``learning`` timer: store the configured Viva Learning providers' contents and refresh the assignments'
status (shared.services.learning_sync), on the cards schedule, before the day's cards are built.

Thin: nothing runs when ``WEGROW_LEARNING_PROVIDER_IDS`` is unset. Viva Learning refusing the app is not a failure
of this run: the reason goes to the health summary once (health notice ``learning``).
"""

import azure.functions as func

bp = func.Blueprint()


@bp.timer_trigger(arg_name="timer", schedule="%WEGROW_CARDS_SCHEDULE%", run_on_startup=False)
async def learning(timer: func.TimerRequest) -> None:
    from shared.container import container
    from shared.services.learning_sync import sync_learning
    from shared.services.runs import tracked_run

    c = container()
    with tracked_run(c.store, c.clock, "learning") as note:
        providers = c.settings.learning_providers
        if not providers:
            note.detail = "off"
            return
        summary = await sync_learning(c.store, c.learning_catalog, providers, c.clock.now())
        note.detail = summary.line()
