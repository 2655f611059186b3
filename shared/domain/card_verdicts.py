"""What the answer to a card action says, in English: the catalogue keys (``shared.domain.messages`` translates them).

The answer card shows a title for the verdict and one of these messages, in the language of the client that sent
the action. Each text is a constant here so the catalogue test can check that every language has every one. A
message built with values (which fields to check, the time booked) is shown in English.
"""

from __future__ import annotations

# titles of the answer card, by verdict
TITLE_SAVED = "Saved"
TITLE_NOT_ACCEPTED = "Not accepted"
TITLE_CHECK = "Please check your answers"
TITLE_ALREADY_SUBMITTED = "Already submitted"
TITLE_PRODUCT = "WeGrow"
TITLE_PASSED = "This conversation has passed"
READY_IN_CHAT = "This card is ready for you in the chat."

# who may act on the card
NOT_KNOWN = "This card is not known to WeGrow. Nothing was saved."
SOMEONE_ELSE = "This card was sent to someone else. Only they can use it. Nothing was saved."
WRONG_ACTION = "This action does not belong to this card. Nothing was saved."
PAIR_ENDED = "This conversation is no longer yours: the reporting line has changed. Nothing was saved."
PASSED = "This conversation has passed. Nothing was saved."

# prep, agenda and outcome cards
SAVED = "Thanks, saved."
ALREADY = "This card was already submitted. Nothing was changed."
ALREADY_SUBMITTED = "Already submitted."
BUSY = "Your agenda was being changed at the same moment. Nothing was saved: please submit again."
OUTCOMES_LOGGED = "The outcomes of this conversation are already logged."

# coaching requests
COACH_GONE = "This coaching request is no longer open. Nothing was changed."

# no-slot cards
BOOKING_NOT_HERE = "Booking is not available here. Nothing was booked."
OUT_OF_DATE = (
    "These options are out of date: WeGrow has recorded new ones and will send a new card. Nothing was booked."
)
UNKNOWN_OPTION = "That option is not on this card. Nothing was booked."
PASSED_OPTION = "That time has already passed. Please pick a later option. Nothing was booked."
TAKEN = "That time was just booked by another conversation. Please pick another option. Nothing was booked."
NO_MAILBOX = "The calendar could not be reached for this pair (no mailbox in scope). Nothing was booked."

# learning suggestions
NO_LEARNING = "Learning suggestions are not set up here. Nothing was assigned."
WRONG_CARD_LEARNING = "This action does not belong to this card. Nothing was assigned."
NOT_OFFERED = "That learning content is not offered for this action any more. Nothing was assigned."
LEARNING_UNAVAILABLE = "Viva Learning is not available for WeGrow right now. Nothing was assigned."
LEARNING_REFUSED = (
    "Viva Learning refused this assignment (for example, no Viva Learning licence for the employee). "
    "Nothing was assigned."
)
ASSIGNED = "Assigned as recommended."


def every_text() -> dict[str, str]:
    """Every answer text by constant name (for the catalogue test)."""
    return {name: value for name, value in globals().items() if name.isupper() and isinstance(value, str)}
