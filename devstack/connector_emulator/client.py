"""A small synchronous client for the emulator's control API (tests and the demo)."""

from __future__ import annotations

from typing import Any

import httpx


class ConnectorEmulatorClient:
    """Reads what was sent and flips the emulator's switches; ``url`` is the service URL to send to."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.url, timeout=10)

    def close(self) -> None:
        self._http.close()

    def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._http.post(path, json=body or {})
        response.raise_for_status()
        return response.json()

    def sent(self, conversation_id: str | None = None) -> list[dict[str, Any]]:
        params = {"conversationId": conversation_id} if conversation_id else None
        response = self._http.get("/_emulator/sent", params=params)
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json()["sent"]
        return items

    def log(self) -> dict[str, int]:
        response = self._http.get("/_emulator/log")
        response.raise_for_status()
        counts: dict[str, int] = response.json()
        return counts

    def reset(self) -> None:
        self._post("/_emulator/reset")

    def configure(self, **switches: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._post("/_emulator/config", switches)
        return result

    def block(self, user_id: str | None = None, conversation_id: str | None = None) -> None:
        self._post("/_emulator/block", {"userId": user_id, "conversationId": conversation_id})

    def forget(self, conversation_id: str) -> None:
        self._http.delete(f"/_emulator/conversations/{conversation_id}").raise_for_status()

    def freeze_clock(self) -> None:
        self._post("/_emulator/clock", {"freeze": True})

    def advance_clock(self, seconds: float) -> None:
        self._post("/_emulator/clock", {"advance": seconds})
