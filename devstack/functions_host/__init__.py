"""A small local stand-in for the Azure Functions host (Core Tools cannot be installed here).

``python -m devstack.functions_host --port PORT`` loads ``function_app.app`` unchanged, serves its
HTTP routes under ``/api/``, fires its timers on their NCRONTAB schedules and on demand
(``POST /admin/functions/<name>``), and feeds its queue triggers from Azurite with the host's
poison-queue behaviour (after 5 dequeues the message moves to ``<queue>-poison``).
"""
