"""What a card sends back, validated: the flat Action.Execute data of each card, parsed with pydantic.

Adaptive Card inputs arrive as one flat object of strings keyed by input id. The templates name
their inputs as below (docs/bot.md lists them); anything malformed raises ``ValidationError``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.agenda import ITEM_TEXT_MAX, NAME_MAX

Text = str
MAX_TEXT = 1000  # outcome texts and the confirmation comment (not agenda items)
PREP_TEXT_MAX = ITEM_TEXT_MAX  # one limit for every prep field and every agenda item (issue 18)
MAX_ITEMS = 20
Quadrant = Literal["sweet_spot", "uphill", "gift", "waste"]
ActionType = Literal["training", "stretch", "mentoring", "network", "manage"]
ItemChoice = Literal["keep", "done", "drop"]  # the prep card's per-item and per-action choice
ItemText = Annotated[str, Field(max_length=PREP_TEXT_MAX)]
NewEntry = Literal["learning_goal", "new_micro_need", "unlearn", "learning_network", "share_learning"]
NEW_ENTRY_INPUTS: dict[NewEntry, str] = {
    "learning_goal": "learningGoals",
    "new_micro_need": "newMicroNeed",
    "unlearn": "unlearn",
    "learning_network": "learningNetwork",
    "share_learning": "shareLearning",
}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class PrepSubmission(_Strict):
    """The prep card's inputs (template ``employee-prep``). Items not toggled stay as they were (private by default).

    ``shares``: the per-item toggles of existing items. ``shared_new``: per text field, whether its new entry is
    shared with the manager (the ``<inputId>Shared`` toggle); a new entry is private unless that is true.
    """

    shares: dict[str, bool] = Field(default_factory=dict, max_length=60)
    shared_new: dict[NewEntry, bool] = Field(default_factory=dict)
    item_choices: dict[str, ItemChoice] = Field(default_factory=dict, max_length=60)  # ``status.<itemId>``
    item_texts: dict[str, ItemText] = Field(default_factory=dict, max_length=60)  # ``text.<itemId>``
    action_choices: dict[str, ItemChoice] = Field(default_factory=dict, max_length=60)  # ``action.<actionId>``

    def shares_new(self, field_name: str) -> bool:
        return any(shared for name, shared in self.shared_new.items() if name == field_name)

    learning_goal: str = Field(default="", max_length=PREP_TEXT_MAX)
    new_micro_need: str = Field(default="", max_length=PREP_TEXT_MAX)
    unlearn: str = Field(default="", max_length=PREP_TEXT_MAX)
    learning_network: str = Field(default="", max_length=PREP_TEXT_MAX)
    share_learning: str = Field(default="", max_length=PREP_TEXT_MAX)
    share_with: str = Field(default="", max_length=NAME_MAX)
    tenure_reflection: str = Field(default="", max_length=PREP_TEXT_MAX)
    wants_coach: bool = False


class OutcomeAction(_Strict):
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    quadrant: Quadrant
    type: ActionType
    initiative: str = Field(default="", max_length=200)
    owner: str = Field(min_length=1, max_length=200)
    due: date


class OutcomeLog(_Strict):
    actions: tuple[OutcomeAction, ...] = Field(min_length=1, max_length=MAX_ITEMS)


class OutcomeConfirmation(_Strict):
    confirmed: bool
    comment: str = Field(default="", max_length=MAX_TEXT)

    @field_validator("comment")
    @classmethod
    def _no_control_chars(cls, value: str) -> str:
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)


def _text(data: Mapping[str, Any], key: str) -> Any:
    """Inputs are strings; keep other JSON types as they are, so pydantic rejects them."""
    return data.get(key, "")


def _indexed(data: Mapping[str, Any], prefix: str) -> list[int]:
    pattern = re.compile(rf"^{prefix}_(\d{{1,2}})_text$")
    found = (pattern.match(key) for key in data if isinstance(key, str))
    return sorted(int(match.group(1)) for match in found if match)


def _prefixed(data: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    return {str(key).removeprefix(prefix): value for key, value in data.items() if str(key).startswith(prefix)}


def parse_prep(data: Mapping[str, Any]) -> PrepSubmission:
    return PrepSubmission.model_validate(
        {
            "shares": _prefixed(data, "share."),
            "item_choices": _prefixed(data, "status."),
            "item_texts": _prefixed(data, "text."),
            "action_choices": _prefixed(data, "action."),
            "shared_new": {name: data.get(f"{key}Shared", "false") for name, key in NEW_ENTRY_INPUTS.items()},
            "learning_goal": _text(data, "learningGoals"),
            "new_micro_need": _text(data, "newMicroNeed"),
            "unlearn": _text(data, "unlearn"),
            "learning_network": _text(data, "learningNetwork"),
            "share_learning": _text(data, "shareLearning"),
            "share_with": _text(data, "shareWith"),
            "tenure_reflection": _text(data, "tenureReflection"),
            "wants_coach": data.get("wantsCoach", "false"),
        }
    )


def parse_outcome_log(data: Mapping[str, Any]) -> OutcomeLog:
    fields = ("text", "quadrant", "type", "initiative", "owner", "due")
    slots = [{name: _text(data, f"action_{n}_{name}") for name in fields} for n in _indexed(data, "action")]
    actions = [slot for slot in slots if any(value != "" for value in slot.values())]  # the card's unused slots
    for action in actions:
        if action["initiative"] == "":
            action.pop("initiative")
    return OutcomeLog.model_validate({"actions": actions})


def parse_confirmation(data: Mapping[str, Any]) -> OutcomeConfirmation:
    return OutcomeConfirmation.model_validate(
        {"confirmed": data.get("confirmed", ""), "comment": _text(data, "comment")}
    )
