"""The prep card's per-item choices applied to an agenda: keep (maybe with a new text), done or drop. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from shared.domain.agenda import GrowthAgenda, ItemStatus

CHOICES: dict[str, ItemStatus | None] = {"keep": None, "done": ItemStatus.DONE, "drop": ItemStatus.DROPPED}


def apply_item_changes(
    agenda: GrowthAgenda, choices: Mapping[str, str], texts: Mapping[str, str], today: date
) -> GrowthAgenda:
    """Edits (``texts``) and keep/done/drop (``choices``) by item id. Ids the agenda does not hold (an item
    already closed elsewhere, a stale card) are ignored; a new text is validated like any item text (raises)."""
    known = {item.id: item for item in agenda.items}
    for item_id in sorted(set(choices) | set(texts)):
        item = known.get(item_id)
        if item is None:
            continue
        status = CHOICES.get(choices.get(item_id, "keep"))
        text = texts.get(item_id)
        if text is not None and text.strip() == item.text:
            text = None
        if status is not None or text is not None:
            agenda = agenda.update_item(item_id, today, status=status, text=text)
    return agenda
