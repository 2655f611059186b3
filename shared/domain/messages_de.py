# ruff: noqa: E501
"""German texts (see ``shared.domain.messages``): key = the English text, value = its German translation."""

from __future__ import annotations

CATALOGUE: dict[str, str] = {
    " (completed)": " (abgeschlossen)",
    " (in progress)": " (in Bearbeitung)",
    " (not started yet)": " (noch nicht begonnen)",
    "Assign as recommended": "Als Empfehlung zuweisen",
    "Assigned as recommended: ": "Als Empfehlung zugewiesen: ",
    "Learning that fits this need": "Lerninhalte, die zu diesem Bedarf passen",
    "Open": "Öffnen",
    "Recommended course: completed": "Empfohlener Kurs: abgeschlossen",
    "Recommended course: in progress": "Empfohlener Kurs: in Bearbeitung",
    "Recommended course: not started yet": "Empfohlener Kurs: noch nicht begonnen",
    " (carried from last time)": " (vom letzten Mal übernommen)",
    " (carried)": " (übernommen)",
    " after your conversation on ${meetingDate}": " nach Ihrem Gespräch am ${meetingDate}",
    " from the coach pool took your request and will contact you.": (
        " aus dem Coach-Pool hat Ihre Anfrage übernommen und meldet sich bei Ihnen."
    ),
    " on ${meetingDate}": " am ${meetingDate}",
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
    "Ask the coach pool for a confidential conversation instead of my manager": (
        "Statt mit meiner Führungskraft vertraulich mit jemandem aus dem Coach-Pool sprechen"
    ),
    "Asked on": "Angefragt am",
    "Book this time": "Diesen Termin buchen",
    "Booked: ${booked.label}": "Gebucht: ${booked.label}",
    "Confidential coaching request": "Vertrauliche Coaching-Anfrage",
    "Confirm what you agreed": "Bestätigen Sie, was Sie vereinbart haben",
    "Conversation with ": "Gespräch mit ",
    "Done": "Erledigt",
    "Drop": "Verwerfen",
    "Due": "Fällig",
    "Growth conversation agenda": "Agenda des Entwicklungsgesprächs",
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
    "Done. Thank you, nothing is left to do here.": "Erledigt. Danke, hier ist nichts mehr zu tun.",
    "Status: ": "Status: ",
    "What we need for it: ": "Was wir dafür brauchen: ",
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
    "This action was not accepted": "Diese Aktion wurde nicht angenommen",
    "This card is read-only. Submitted ${submittedAt}.": "Diese Karte ist schreibgeschützt. Gesendet am ${submittedAt}.",
    "This conversation has passed": "Dieses Gespräch ist vorbei",
    " · ${typeLabel} · due ${dueDate} · ${status} · ${ownerName}": " · ${typeLabel} · fällig ${dueDate} · ${status} · ${ownerName}",
    "Action ${n}: gap": "Maßnahme ${n}: Lücke",
    "Close it?": "Abschließen?",
    "Comment (required to dispute; your manager sees it, HR does not)": "Kommentar (nötig für einen Widerspruch; Ihre Führungskraft sieht ihn, HR nicht)",
    "Confirm": "Bestätigen",
    "Dispute": "Widersprechen",
    "Dropped": "Verworfen",
    "For each need, first say what the gap is. Only a knowledge or skill gap calls for training; will, time, clarity or resources call for managing.": "Nennen Sie für jeden Bedarf zuerst die Lücke. Nur eine Wissens- oder Fähigkeitslücke verlangt Training; Wille, Zeit, Klarheit oder Mittel verlangen Führung.",
    "Gap": "Lücke",
    "If closed: did the training work?": "Falls abgeschlossen: Hat das Training gewirkt?",
    "Keep open": "Offen lassen",
    "No": "Nein",
    "Open actions from earlier conversations": "Offene Maßnahmen aus früheren Gesprächen",
    "Partly": "Teilweise",
    "Private note: only you see this": "Private Notiz: nur Sie sehen sie",
    "Saved. The employee's answer: ": "Gespeichert. Antwort der Mitarbeiterin oder des Mitarbeiters: ",
    "Saved. Your answer: ": "Gespeichert. Ihre Antwort: ",
    "Their comment (for you, not for HR): ": "Kommentar (für Sie, nicht für HR): ",
    "What is not right, or anything to add?": "Was stimmt nicht, oder was möchten Sie ergänzen?",
    "Yes": "Ja",
    "Your comment (your manager sees it, HR does not): ": "Ihr Kommentar (Ihre Führungskraft sieht ihn, HR nicht): ",
    "Your private note (only you see this): ": "Ihre private Notiz (nur Sie sehen sie): ",
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

# ---- the bot's chat replies (shared.domain.bot_texts)
CATALOGUE.update(
    {
        'I can help you prepare your growth conversations:\n- add a micro-need: <what you need>\n- my agenda (your open items, numbered)\n- done <number> / drop <number> (an item as numbered by "my agenda")\n- my actions (what you agreed in earlier conversations)\n- learned: <a course, a book, a session you gave>\n- talk to a coach\n- send my cards by email / send my cards in teams\n- help': 'Ich helfe Ihnen, Ihre Entwicklungsgespräche vorzubereiten (Befehle auf Englisch):\n- add a micro-need: <was Sie brauchen>\n- my agenda (Ihre offenen Punkte, nummeriert)\n- done <Nummer> / drop <Nummer> (ein Punkt, nummeriert wie in "my agenda")\n- my actions (was Sie in früheren Gesprächen vereinbart haben)\n- learned: <ein Kurs, ein Buch, eine Session, die Sie gehalten haben>\n- talk to a coach\n- send my cards by email / send my cards in teams (Karten per E-Mail oder in Teams)\n- help',
        "I didn't understand that.": "Das habe ich nicht verstanden.",
        "Ask me for that in our 1:1 chat.": "Fragen Sie mich das in unserem 1:1-Chat.",
        "You are sending me a lot at once. Please wait a minute and try again. Nothing was saved.": "Sie schicken mir gerade sehr viel auf einmal. Bitte warten Sie eine Minute und versuchen Sie es erneut. Es wurde nichts gespeichert.",
        "I could not tell who you are, so I did nothing.": "Ich konnte nicht erkennen, wer Sie sind, und habe deshalb nichts getan.",
        "Your request is noted, but no coach pool is set up yet. HR will follow up.": "Ihre Anfrage ist notiert, aber es gibt noch keinen Coach-Pool. HR meldet sich bei Ihnen.",
        "Your request to talk to a coach is already open. A coach will contact you. Your manager is not told.": "Ihre Anfrage für ein Coaching-Gespräch ist bereits offen. Ein Coach meldet sich bei Ihnen. Ihre Führungskraft erfährt davon nichts.",
        "A coach from the coach pool will contact you. Your manager is not told.": "Ein Coach aus dem Coach-Pool meldet sich bei Ihnen. Ihre Führungskraft erfährt davon nichts.",
        "Nothing was added: {reason}.": "Es wurde nichts hinzugefügt: {reason}.",
        "That micro-need is empty or too long ({limit} characters at most). Nothing was added.": "Dieses Micro-Need ist leer oder zu lang (höchstens {limit} Zeichen). Es wurde nichts hinzugefügt.",
        "Added to your growth agenda (private until you share it).": "Zu Ihrer Wachstumsagenda hinzugefügt (privat, bis Sie es teilen).",
        "Nothing was logged: {reason}.": "Es wurde nichts festgehalten: {reason}.",
        "That is empty or too long ({limit} characters at most). Nothing was logged.": "Das ist leer oder zu lang (höchstens {limit} Zeichen). Es wurde nichts festgehalten.",
        "Logged what you learned. It shows on your next agenda (private until you share it).": "Festgehalten, was Sie gelernt haben. Es erscheint auf Ihrer nächsten Agenda (privat, bis Sie es teilen).",
        "Your growth agenda is empty. Add a micro-need any time: add a micro-need: ...": "Ihre Wachstumsagenda ist leer. Fügen Sie jederzeit ein Micro-Need hinzu: add a micro-need: ...",
        "Your growth agenda:": "Ihre Wachstumsagenda:",
        'Mark one with "done 1" or "drop 1".': 'Markieren Sie einen Punkt mit "done 1" oder "drop 1".',
        "shared": "geteilt",
        "private": "privat",
        "carried": "übernommen",
        "learned": "gelernt",
        "Marked done: {text}": "Erledigt: {text}",
        "Dropped: {text}": "Verworfen: {text}",
        "Updated: {text}": "Geändert: {text}",
        "You have no open actions from earlier conversations.": "Sie haben keine offenen Maßnahmen aus früheren Gesprächen.",
        "Your open actions:": "Ihre offenen Maßnahmen:",
        "- [{status}] {text} ({kind}, due {due})": "- [{status}] {text} ({kind}, fällig am {due})",
        "Mark them done or dropped on your next prep card.": "Markieren Sie sie auf Ihrer nächsten Vorbereitungskarte als erledigt oder verworfen.",
    }
)

# ---- card email: subjects, fallback text and the channel command (shared.domain.bot_texts)
CATALOGUE.update(
    {
        'From now on your WeGrow cards come by email. Send "send my cards in teams" to switch back.': 'Ab jetzt kommen Ihre WeGrow-Karten per E-Mail. Schreiben Sie "send my cards in teams", um zurückzuwechseln.',
        "From now on your WeGrow cards come here in Teams.": "Ab jetzt kommen Ihre WeGrow-Karten hier in Teams.",
        "Cards by email are not set up in this organisation, so your cards keep coming here.": "Karten per E-Mail sind in dieser Organisation nicht eingerichtet; Ihre Karten kommen weiter hierher.",
        "WeGrow: prepare your growth conversation": "WeGrow: Bereiten Sie Ihr Entwicklungsgespräch vor",
        "WeGrow: agenda for your growth conversation": "WeGrow: Agenda für Ihr Entwicklungsgespräch",
        "WeGrow: log the outcomes of your growth conversation": "WeGrow: Halten Sie die Ergebnisse Ihres Entwicklungsgesprächs fest",
        "WeGrow: confirm what you agreed": "WeGrow: Bestätigen Sie, was Sie vereinbart haben",
        "WeGrow: a card for you": "WeGrow: eine Karte für Sie",
        "This message holds a WeGrow card. Open it in Outlook to see and answer it.": "Diese Nachricht enthält eine WeGrow-Karte. Öffnen Sie sie in Outlook, um sie zu sehen und zu beantworten.",
    }
)

# the answers to card actions (shared.domain.card_verdicts)
CATALOGUE.update(
    {
        "Saved": "Gespeichert",
        "Not accepted": "Nicht angenommen",
        "Please check your answers": "Bitte prüfen Sie Ihre Angaben",
        "Already submitted": "Bereits gesendet",
        "WeGrow": "WeGrow",
        "This card is ready for you in the chat.": "Diese Karte liegt im Chat für Sie bereit.",
        "This card is not known to WeGrow. Nothing was saved.": "WeGrow kennt diese Karte nicht. Es wurde nichts gespeichert.",
        "This card was sent to someone else. Only they can use it. Nothing was saved.": "Diese Karte wurde an eine andere Person gesendet. Nur diese Person kann sie verwenden. Es wurde nichts gespeichert.",
        "This action does not belong to this card. Nothing was saved.": "Diese Aktion gehört nicht zu dieser Karte. Es wurde nichts gespeichert.",
        "This conversation is no longer yours: the reporting line has changed. Nothing was saved.": "Dieses Gespräch gehört nicht mehr zu Ihnen: Die Berichtslinie hat sich geändert. Es wurde nichts gespeichert.",
        "This conversation has passed. Nothing was saved.": "Dieses Gespräch hat bereits stattgefunden. Es wurde nichts gespeichert.",
        "Thanks, saved.": "Danke, gespeichert.",
        "This card was already submitted. Nothing was changed.": "Diese Karte wurde bereits gesendet. Es wurde nichts geändert.",
        "Already submitted.": "Bereits gesendet.",
        "Your agenda was being changed at the same moment. Nothing was saved: please submit again.": "Ihre Agenda wurde im selben Moment geändert. Es wurde nichts gespeichert: Bitte senden Sie erneut.",
        "The outcomes of this conversation are already logged.": "Die Ergebnisse dieses Gesprächs sind bereits erfasst.",
        "This coaching request is no longer open. Nothing was changed.": "Diese Coaching-Anfrage ist nicht mehr offen. Es wurde nichts geändert.",
        "Booking is not available here. Nothing was booked.": "Buchen ist hier nicht möglich. Es wurde nichts gebucht.",
        "These options are out of date: WeGrow has recorded new ones and will send a new card. Nothing was booked.": "Diese Optionen sind veraltet: WeGrow hat neue erfasst und sendet eine neue Karte. Es wurde nichts gebucht.",
        "That option is not on this card. Nothing was booked.": "Diese Option steht nicht auf dieser Karte. Es wurde nichts gebucht.",
        "That time has already passed. Please pick a later option. Nothing was booked.": "Dieser Zeitpunkt ist bereits vorbei. Bitte wählen Sie eine spätere Option. Es wurde nichts gebucht.",
        "That time was just booked by another conversation. Please pick another option. Nothing was booked.": "Dieser Zeitpunkt wurde gerade von einem anderen Gespräch gebucht. Bitte wählen Sie eine andere Option. Es wurde nichts gebucht.",
        "The calendar could not be reached for this pair (no mailbox in scope). Nothing was booked.": "Der Kalender dieses Paares war nicht erreichbar (kein Postfach im Geltungsbereich). Es wurde nichts gebucht.",
        "Learning suggestions are not set up here. Nothing was assigned.": "Lernvorschläge sind hier nicht eingerichtet. Es wurde nichts zugewiesen.",
        "This action does not belong to this card. Nothing was assigned.": "Diese Aktion gehört nicht zu dieser Karte. Es wurde nichts zugewiesen.",
        "That learning content is not offered for this action any more. Nothing was assigned.": "Dieser Lerninhalt wird für diese Aktion nicht mehr angeboten. Es wurde nichts zugewiesen.",
        "Viva Learning is not available for WeGrow right now. Nothing was assigned.": "Viva Learning ist für WeGrow gerade nicht verfügbar. Es wurde nichts zugewiesen.",
        "Viva Learning refused this assignment (for example, no Viva Learning licence for the employee). Nothing was assigned.": "Viva Learning hat diese Zuweisung abgelehnt (zum Beispiel keine Viva-Learning-Lizenz für die Person). Es wurde nichts zugewiesen.",
        "Assigned as recommended.": "Als Empfehlung zugewiesen.",
    }
)
