"""What a card sends back, validated: the flat Action.Execute data of each card, parsed with pydantic.

Adaptive Card inputs arrive as one flat object of strings keyed by input id. The templates name
their inputs as below (docs/bot.md lists them); anything malformed raises ``ValidationError``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.domain import actions as domain
from shared.domain.agenda import ITEM_TEXT_MAX, NAME_MAX

Text = str
MAX_TEXT = 1000  # outcome texts and the confirmation comment (not agenda items)
PREP_TEXT_MAX = ITEM_TEXT_MAX  # one limit for every prep field and every agenda item (issue 18)
MAX_ITEMS = 20
Quadrant = Literal["sweet_spot", "uphill", "gift", "waste"]
ActionType = Literal["training", "stretch", "mentoring", "network", "sharing", "manage"]
GapChoice = Literal["knowledge", "time", "motivation", "clarity", "tools"]  # shared.domain.actions.Gap
DOMAIN_TYPES: dict[str, domain.ActionType] = {
    "training": domain.ActionType.TRAINING,
    "stretch": domain.ActionType.STRETCH_ASSIGNMENT,
    "mentoring": domain.ActionType.MENTORING,
    "network": domain.ActionType.LEARNING_NETWORK,
    "sharing": domain.ActionType.SHARING_SESSION,
    "manage": domain.ActionType.MANAGE,
}
Closing = Literal["keep", "done", "dropped"]  # the outcome card's choice for an earlier open action
Worked = Literal["yes", "partly", "no"]  # "Did it work?" for a training action being closed
ActionRef = Annotated[str, Field(min_length=1, max_length=64)]
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
    """One new action; its type must fit the gap the manager diagnosed (``shared.domain.actions.rule_violation``)."""

    text: str = Field(min_length=1, max_length=MAX_TEXT)
    quadrant: Quadrant
    type: ActionType
    gap: GapChoice
    initiative: str = Field(default="", max_length=200)
    owner: str = Field(min_length=1, max_length=200)
    due: date

    @model_validator(mode="after")
    def _training_or_managing(self) -> OutcomeAction:
        problem = domain.rule_violation(DOMAIN_TYPES[self.type], domain.Gap(self.gap))
        if problem:
            raise ValueError(problem)
        return self


class OutcomeLog(_Strict):
    """The new actions only: what the employee is asked to confirm (stored per occurrence, no private note)."""

    actions: tuple[OutcomeAction, ...] = Field(min_length=1, max_length=MAX_ITEMS)


class EarlierAction(_Strict):
    """The manager's answer for one open action from an earlier conversation."""

    close: Closing = "keep"
    worked: Worked | None = None  # kept only when a training action is closed


class OutcomeSubmission(_Strict):
    """The whole outcome card: the new actions, the earlier actions closed, and the manager's private note."""

    log: OutcomeLog
    earlier: dict[ActionRef, EarlierAction] = Field(default_factory=dict, max_length=60)
    note: str = Field(default="", max_length=MAX_TEXT, repr=False)  # only the manager ever sees it

    @field_validator("note")
    @classmethod
    def _note_without_control_chars(cls, value: str) -> str:
        return _without_control_chars(value)


class OutcomeConfirmation(_Strict):
    """The employee's answer: confirm (comment optional) or dispute (a comment saying what is wrong is required)."""

    confirmed: bool
    comment: str = Field(default="", max_length=MAX_TEXT, repr=False)

    @field_validator("comment")
    @classmethod
    def _no_control_chars(cls, value: str) -> str:
        return _without_control_chars(value)

    @model_validator(mode="after")
    def _dispute_says_why(self) -> OutcomeConfirmation:
        if not self.confirmed and not self.comment:
            raise ValueError(DISPUTE_NEEDS_COMMENT)
        return self


DISPUTE_NEEDS_COMMENT = "to dispute, say in the comment what is not right"


def _without_control_chars(value: str) -> str:
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


ACTION_FIELDS = ("text", "quadrant", "type", "gap", "initiative", "owner", "due")


def used_slots(data: Mapping[str, Any]) -> list[int]:
    """The outcome card's action slots the manager filled in (any field), in card order."""
    return [n for n in _indexed(data, "action") if any(_text(data, f"action_{n}_{f}") != "" for f in ACTION_FIELDS)]


def parse_outcome_log(data: Mapping[str, Any]) -> OutcomeLog:
    """The new actions; a validation error's ``("actions", i, ...)`` is the i-th of :func:`used_slots`."""
    actions = [{name: _text(data, f"action_{n}_{name}") for name in ACTION_FIELDS} for n in used_slots(data)]
    for action in actions:
        if action["initiative"] == "":
            action.pop("initiative")
    return OutcomeLog.model_validate({"actions": actions})


def parse_outcome_submission(data: Mapping[str, Any]) -> OutcomeSubmission:
    closes, worked = _prefixed(data, "close."), _prefixed(data, "worked.")
    earlier = {ref: {"close": closes.get(ref, "keep"), "worked": worked.get(ref) or None} for ref in closes}
    return OutcomeSubmission.model_validate(
        {"log": parse_outcome_log(data), "earlier": earlier, "note": _text(data, "note")}
    )


def with_decision(verb: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The confirmation card's buttons: "Dispute" means not confirmed; "Confirm" confirms unless told otherwise."""
    if verb == "outcome.dispute":
        return {**data, "confirmed": "false"}
    if verb == "outcome.confirm" and "confirmed" not in data:
        return {**data, "confirmed": "true"}
    return data


def parse_confirmation(data: Mapping[str, Any]) -> OutcomeConfirmation:
    return OutcomeConfirmation.model_validate(
        {"confirmed": data.get("confirmed", ""), "comment": _text(data, "comment")}
    )
