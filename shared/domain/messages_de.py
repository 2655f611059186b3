# ruff: noqa: E501
"""German texts (see ``shared.domain.messages``): key = the English text, value = its German translation."""

from __future__ import annotations

CATALOGUE: dict[str, str] = {
    " (carried from last time)": " (vom letzten Mal übernommen)",
    " (carried)": " (übernommen)",
    " after your conversation on ${meetingDate}": " nach Ihrem Gespräch am ${meetingDate}",
    " from the coach pool took your request and will contact you.": (
        " aus dem Coach-Pool hat Ihre Anfrage übernommen und meldet sich bei Ihnen."
    ),
    " on ${meetingDate}": " am ${meetingDate}",
    " on ${meetingDate} · ${tenureLabel}": " am ${meetingDate} · ${tenureLabel}",
    " on ${meetingDate}.": " am ${meetingDate}.",
    " · Owner: ": " · Verantwortlich: ",
    "${typeLabel}, due ${dueDate}, ": "${typeLabel}, fällig am ${dueDate}, ",
    "${what} with ": "${what} mit ",
    "). Each is free for both of you; booking one starts the regular series at that time.": (
        "). Jeder Termin ist für Sie beide frei; mit der Buchung beginnt die regelmäßige Serie zu dieser Zeit."
    ),
    "A small thing you need now, not next year": "Eine Kleinigkeit, die Sie jetzt brauchen, nicht erst nächstes Jahr",
    "Action ${n}": "Maßnahme ${n}",
    "Action ${n}: due date": "Maßnahme ${n}: Fälligkeitsdatum",
    "Action ${n}: linked initiative": "Maßnahme ${n}: zugehörige Initiative",
    "Action ${n}: owner": "Maßnahme ${n}: verantwortlich",
    "Action ${n}: quadrant": "Maßnahme ${n}: Quadrant",
    "Action ${n}: type": "Maßnahme ${n}: Art",
    "Action ${n}: what will happen": "Maßnahme ${n}: was passieren wird",
    "Action ${position}: keep, done or drop": "Maßnahme ${position}: behalten, erledigt oder verwerfen",
    "Add a micro-need": "Micro-Need hinzufügen",
    "Anything else to remember (shared with the employee)": "Was sonst noch wichtig ist (für die Mitarbeiterin oder den Mitarbeiter sichtbar)",
    "Anything to correct or add?": "Möchten Sie etwas korrigieren oder ergänzen?",
    "Ask the coach pool for a confidential conversation instead of my manager": (
        "Statt mit meiner Führungskraft vertraulich mit jemandem aus dem Coach-Pool sprechen"
    ),
    "Asked on": "Angefragt am",
    "Book this time": "Diesen Termin buchen",
    "Booked: ${booked.label}": "Gebucht: ${booked.label}",
    "Comment (optional)": "Kommentar (optional)",
    "Confidential coaching request": "Vertrauliche Coaching-Anfrage",
    "Confirm what you agreed": "Bestätigen Sie, was Sie vereinbart haben",
    "Conversation with ": "Gespräch mit ",
    "Done": "Erledigt",
    "Drop": "Verwerfen",
    "Due": "Fällig",
    "Growth conversation agenda": "Agenda des Entwicklungsgesprächs",
    "I confirm these outcomes": "Ich bestätige diese Ergebnisse",
    "I'd rather talk to a coach": "Ich spreche lieber mit einem Coach",
    "I'll take it": "Ich übernehme das",
    "Initiative: ": "Initiative: ",
    "Item ${position}": "Punkt ${position}",
    "Item ${position}: keep, done or drop": "Punkt ${position}: behalten, erledigt oder verwerfen",
    "Keep": "Behalten",
    "Learning goals and micro-needs": "Lernziele und Micro-Needs",
    "Log outcomes": "Ergebnisse festhalten",
    "Log the outcomes": "Die Ergebnisse festhalten",
    "Logged by ": "Festgehalten von ",
    "Micro-need": "Micro-Need",
    "Micro-needs you noted since last time": "Micro-Needs, die Sie seit dem letzten Mal notiert haben",
    "My answer to the tenure question": "Meine Antwort auf die Frage zur Betriebszugehörigkeit",
    "My learning goals": "Meine Lernziele",
    'No items yet. Add one below or send the bot "add a micro-need: ...".': (
        'Noch keine Punkte. Fügen Sie unten einen hinzu oder schreiben Sie dem Bot "add a micro-need: ...".'
    ),
    "No organisation priorities are set for this unit.": "Für diese Einheit sind keine Prioritäten der Organisation festgelegt.",
    "No time found for a growth conversation": "Kein Termin für ein Entwicklungsgespräch gefunden",
    "Note": "Notiz",
    "Nothing shared yet. Ask an open question to start.": "Noch nichts geteilt. Beginnen Sie mit einer offenen Frage.",
    "Nothing was changed. Reference: ${reference}": "Es wurde nichts geändert. Referenz: ${reference}",
    "Nothing was changed. Your next conversation will bring a new card.": (
        "Es wurde nichts geändert. Zu Ihrem nächsten Gespräch kommt eine neue Karte."
    ),
    "Only what you mark as shared goes to your manager. Everything else stays private to you.": (
        "Nur was Sie als geteilt markieren, sieht Ihre Führungskraft. Alles andere bleibt privat."
    ),
    "Open actions from last time": "Offene Maßnahmen vom letzten Mal",
    "Organisation growth agenda for ": "Wachstumsagenda der Organisation für ",
    "Owner: ": "Verantwortlich: ",
    "Prepare your growth conversation": "Bereiten Sie Ihr Entwicklungsgespräch vor",
    "Quadrant": "Quadrant",
    "Refresh": "Aktualisieren",
    "Reminder": "Erinnerung",
    "Save and send for confirmation": "Speichern und zur Bestätigung senden",
    "Save my preparation": "Meine Vorbereitung speichern",
    "Saved. You can change your preparation until the conversation starts.": (
        "Gespeichert. Sie können Ihre Vorbereitung bis zum Beginn des Gesprächs ändern."
    ),
    "Self-directed learning": "Selbstgesteuertes Lernen",
    "Send": "Senden",
    "Share": "Teilen",
    "Share item ${position} with my manager": "Punkt ${position} mit meiner Führungskraft teilen",
    "Share my learning network with my manager": "Mein Lernnetzwerk mit meiner Führungskraft teilen",
    "Share this learning goal with my manager": "Dieses Lernziel mit meiner Führungskraft teilen",
    "Share this micro-need with my manager": "Dieses Micro-Need mit meiner Führungskraft teilen",
    "Share what I will share (and with whom) with my manager": (
        "Was ich weitergeben will (und an wen), mit meiner Führungskraft teilen"
    ),
    "Share what I will unlearn with my manager": "Was ich verlernen will, mit meiner Führungskraft teilen",
    "Share with my manager": "Mit meiner Führungskraft teilen",
    "Someone would rather talk to a coach than to their manager. Only the coach pool sees this card.": (
        "Jemand möchte lieber mit einem Coach sprechen als mit der eigenen Führungskraft. Nur der Coach-Pool sieht diese Karte."
    ),
    "Still to do": "Noch zu erledigen",
    "Taken on ": "Übernommen am ",
    "Talking points by alignment": "Gesprächspunkte nach Ausrichtung",
    "Tenure": "Betriebszugehörigkeit",
    "The closest options, in your time zone (": "Die nächsten Möglichkeiten, in Ihrer Zeitzone (",
    "The conversation of ${meetingDate} is over, so this card no longer takes answers.": (
        "Das Gespräch vom ${meetingDate} ist vorbei; diese Karte nimmt keine Antworten mehr an."
    ),
    "The regular series starts then; the invitation is in your calendar.": (
        "Die regelmäßige Serie beginnt dann; die Einladung steht in Ihrem Kalender."
    ),
    "These outcomes are what we agreed": "Diese Ergebnisse haben wir vereinbart",
    "This action was not accepted": "Diese Aktion wurde nicht angenommen",
    "This card is read-only. Submitted ${submittedAt}.": "Diese Karte ist schreibgeschützt. Gesendet am ${submittedAt}.",
    "This conversation has passed": "Dieses Gespräch ist vorbei",
    "Training fits only a knowledge gap. Anything else is a management action.": (
        "Training passt nur zu einer Wissenslücke. Alles andere ist eine Führungsaufgabe."
    ),
    "Type": "Art",
    "WeGrow could not find a regular time for you and ": "WeGrow hat keinen regelmäßigen Termin gefunden für Sie und ",
    "What do you want to be able to do in six months?": "Was möchten Sie in sechs Monaten können?",
    "What they chose to share": "Was geteilt wurde",
    "What will I share?": "Was gebe ich weiter?",
    "What will I unlearn?": "Was will ich verlernen?",
    "When we grow, you grow": "Wenn wir wachsen, wachsen Sie",
    "Who is in my learning network?": "Wer gehört zu meinem Lernnetzwerk?",
    "Who will I share it with?": "Mit wem teile ich es?",
    "Why: ": "Warum: ",
    "With ": "Mit ",
    "You are the coach here: listen first, then agree on a few actions.": (
        "Sie sind hier Coach: erst zuhören, dann wenige Maßnahmen vereinbaren."
    ),
    "Your actions from earlier conversations": "Ihre Maßnahmen aus früheren Gesprächen",
    "Your coaching request": "Ihre Coaching-Anfrage",
    "Your growth agenda": "Ihre Wachstumsagenda",
    "Your manager is not told.": "Ihre Führungskraft erfährt davon nichts.",
}
