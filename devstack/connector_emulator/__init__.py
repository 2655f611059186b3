"""Teams connector emulator: receives proactive bot sends the way the Bot Connector does.

Run ``python -m devstack.connector_emulator --port PORT``; it prints ``ready http://127.0.0.1:PORT``.
Bot Framework routes under ``/v3/conversations``; control routes under ``/_emulator`` (see docs/cards.md).
"""
