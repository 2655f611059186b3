# ruff: noqa: E501
"""Japanese texts (see ``shared.domain.messages``): key = the English text, value = its Japanese translation."""

from __future__ import annotations

CATALOGUE: dict[str, str] = {
    " (carried from last time)": "（前回からの持ち越し）",
    " (carried)": "（持ち越し）",
    " after your conversation on ${meetingDate}": "（${meetingDate} の面談後）",
    " from the coach pool took your request and will contact you.": " さん（コーチ）があなたの依頼を引き受けました。追って連絡があります。",
    " on ${meetingDate}": "（${meetingDate}）",
    " on ${meetingDate}.": "（${meetingDate}）",
    " · Owner: ": " · 担当: ",
    "${typeLabel}, due ${dueDate}, ": "${typeLabel}、期限 ${dueDate}、",
    "${what} with ": "${what}: ",
    "). Each is free for both of you; booking one starts the regular series at that time.": (
        "）。どれもお二人とも空いています。予約するとその時間で定期的なシリーズが始まります。"
    ),
    "A small thing you need now, not next year": "来年ではなく今必要な小さなこと",
    "Action ${n}": "アクション ${n}",
    "Action ${n}: due date": "アクション ${n}: 期限",
    "Action ${n}: linked initiative": "アクション ${n}: 関連する取り組み",
    "Action ${n}: owner": "アクション ${n}: 担当",
    "Action ${n}: quadrant": "アクション ${n}: 象限",
    "Action ${n}: type": "アクション ${n}: 種類",
    "Action ${n}: what will happen": "アクション ${n}: 何をするか",
    "Action ${position}: keep, done or drop": "アクション ${position}: 継続・完了・取り下げ",
    "Add a micro-need": "マイクロニーズを追加",
    "Ask the coach pool for a confidential conversation instead of my manager": (
        "マネージャーの代わりにコーチと内密に話したい"
    ),
    "Asked on": "依頼日",
    "Book this time": "この時間で予約",
    "Booked: ${booked.label}": "予約済み: ${booked.label}",
    "Confidential coaching request": "内密のコーチング依頼",
    "Confirm what you agreed": "合意内容の確認",
    "Conversation with ": "面談の相手: ",
    "Done": "完了",
    "Drop": "取り下げ",
    "Due": "期限",
    "Growth conversation agenda": "成長面談のアジェンダ",
    "I'd rather talk to a coach": "コーチと話したい",
    "I'll take it": "引き受けます",
    "Initiative: ": "取り組み: ",
    "Item ${position}": "項目 ${position}",
    "Item ${position}: keep, done or drop": "項目 ${position}: 継続・完了・取り下げ",
    "Keep": "継続",
    "Learning goals and micro-needs": "学習目標とマイクロニーズ",
    "Log outcomes": "結果を記録",
    "Log the outcomes": "結果を記録する",
    "Logged by ": "記録者: ",
    "Micro-need": "マイクロニーズ",
    "Micro-needs you noted since last time": "前回以降に書き留めたマイクロニーズ",
    "My answer to the tenure question": "在籍期間に関する質問への回答",
    "My learning goals": "私の学習目標",
    'No items yet. Add one below or send the bot "add a micro-need: ...".': (
        'まだ項目がありません。下で追加するか、ボットに "add a micro-need: ..." と送ってください。'
    ),
    "No organisation priorities are set for this unit.": "この部署には組織の優先事項が設定されていません。",
    "No time found for a growth conversation": "成長面談の時間が見つかりません",
    "Nothing shared yet. Ask an open question to start.": "まだ共有された内容はありません。オープンな質問から始めましょう。",
    "Nothing was changed. Reference: ${reference}": "何も変更されていません。参照番号: ${reference}",
    "Nothing was changed. Your next conversation will bring a new card.": (
        "何も変更されていません。次の面談の前に新しいカードが届きます。"
    ),
    "Only what you mark as shared goes to your manager. Everything else stays private to you.": (
        "共有にした項目だけがマネージャーに届きます。それ以外は非公開のままです。"
    ),
    "Open actions from last time": "前回からの未完了アクション",
    "Organisation growth agenda for ": "組織の成長アジェンダ: ",
    "Owner: ": "担当: ",
    "Done. Thank you, nothing is left to do here.": "完了しました。ありがとうございます。ここで行うことはもうありません。",
    "Status: ": "状況: ",
    "What we need for it: ": "必要なこと: ",
    "Prepare your growth conversation": "成長面談の準備",
    "Quadrant": "象限",
    "Refresh": "更新",
    "Reminder": "リマインダー",
    "Save and send for confirmation": "保存して確認を依頼",
    "Save my preparation": "準備内容を保存",
    "Saved. You can change your preparation until the conversation starts.": (
        "保存しました。面談が始まるまで準備内容を変更できます。"
    ),
    "Self-directed learning": "自律的な学び",
    "Share": "共有",
    "Share item ${position} with my manager": "項目 ${position} をマネージャーと共有",
    "Share my learning network with my manager": "学習ネットワークをマネージャーと共有",
    "Share this learning goal with my manager": "この学習目標をマネージャーと共有",
    "Share this micro-need with my manager": "このマイクロニーズをマネージャーと共有",
    "Share what I will share (and with whom) with my manager": "共有する内容（と相手）をマネージャーと共有",
    "Share what I will unlearn with my manager": "手放すことをマネージャーと共有",
    "Share with my manager": "マネージャーと共有",
    "Someone would rather talk to a coach than to their manager. Only the coach pool sees this card.": (
        "マネージャーではなくコーチとの面談を希望する人がいます。このカードはコーチだけに表示されます。"
    ),
    "Still to do": "未完了",
    "Taken on ": "引き受け日: ",
    "Talking points by alignment": "整合度別の話題",
    "Tenure": "在籍期間",
    "The closest options, in your time zone (": "直近の候補（あなたのタイムゾーン: ",
    "The conversation of ${meetingDate} is over, so this card no longer takes answers.": (
        "${meetingDate} の面談は終了したため、このカードには回答できません。"
    ),
    "The regular series starts then; the invitation is in your calendar.": (
        "その時間から定期的なシリーズが始まります。招待は予定表に入っています。"
    ),
    "This action was not accepted": "この操作は受け付けられませんでした",
    "This card is read-only. Submitted ${submittedAt}.": "このカードは読み取り専用です。送信日時: ${submittedAt}",
    "This conversation has passed": "この面談は終了しました",
    " · ${typeLabel} · due ${dueDate} · ${status} · ${ownerName}": " · ${typeLabel} · 期限 ${dueDate} · ${status} · ${ownerName}",
    "Action ${n}: gap": "アクション ${n}: ギャップ",
    "Close it?": "完了にしますか？",
    "Comment (required to dispute; your manager sees it, HR does not)": "コメント（異議には必須。上司には見えますが、人事には見えません）",
    "Confirm": "確認する",
    "Dispute": "異議を申し立てる",
    "Dropped": "取り下げ",
    "For each need, first say what the gap is. Only a knowledge or skill gap calls for training; will, time, clarity or resources call for managing.": "ニーズごとに、まずギャップを選んでください。研修が必要なのは知識・スキルのギャップだけです。意欲、時間、明確さ、リソースはマネジメントで対応します。",
    "Gap": "ギャップ",
    "If closed: did the training work?": "完了の場合: 研修は効果がありましたか？",
    "Keep open": "継続",
    "No": "いいえ",
    "Open actions from earlier conversations": "以前の面談からの未完了アクション",
    "Partly": "一部",
    "Private note: only you see this": "非公開メモ: あなただけが見られます",
    "Saved. The employee's answer: ": "保存しました。社員の回答: ",
    "Saved. Your answer: ": "保存しました。あなたの回答: ",
    "Their comment (for you, not for HR): ": "社員のコメント（あなた向け、人事には非公開）: ",
    "What is not right, or anything to add?": "違っている点や追加したいことはありますか？",
    "Yes": "はい",
    "Your comment (your manager sees it, HR does not): ": "あなたのコメント（上司には見えますが、人事には見えません）: ",
    "Your private note (only you see this): ": "あなたの非公開メモ（あなただけが見られます）: ",
    "Type": "種類",
    "WeGrow could not find a regular time for you and ": "WeGrow は定期的な面談の時間を見つけられませんでした。相手: ",
    "What do you want to be able to do in six months?": "6 か月後に何ができるようになりたいですか？",
    "What they chose to share": "共有された内容",
    "What will I share?": "何を共有しますか？",
    "What will I unlearn?": "何を手放しますか？",
    "When we grow, you grow": "会社の成長はあなたの成長",
    "Who is in my learning network?": "学習ネットワークには誰がいますか？",
    "Who will I share it with?": "誰と共有しますか？",
    "Why: ": "理由: ",
    "With ": "相手: ",
    "You are the coach here: listen first, then agree on a few actions.": (
        "ここではあなたがコーチです。まず耳を傾け、それからいくつかのアクションに合意しましょう。"
    ),
    "Your actions from earlier conversations": "これまでの面談のアクション",
    "Your coaching request": "あなたのコーチング依頼",
    "Your growth agenda": "あなたの成長アジェンダ",
    "Your manager is not told.": "マネージャーには知らされません。",
}

# ---- the bot's chat replies (shared.domain.bot_texts)
CATALOGUE.update(
    {
        'I can help you prepare your growth conversations:\n- add a micro-need: <what you need>\n- my agenda (your open items, numbered)\n- done <number> / drop <number> (an item as numbered by "my agenda")\n- my actions (what you agreed in earlier conversations)\n- learned: <a course, a book, a session you gave>\n- talk to a coach\n- send my cards by email / send my cards in teams\n- help': '成長面談の準備をお手伝いします（コマンドは英語です）:\n- add a micro-need: <必要なこと>\n- my agenda（未完了の項目を番号付きで表示）\n- done <番号> / drop <番号>（"my agenda" の番号の項目）\n- my actions（これまでの面談で合意したこと）\n- learned: <講座、本、自分が行った勉強会>\n- talk to a coach\n- send my cards by email / send my cards in teams（カードをメールまたは Teams で受け取る）\n- help',
        "I didn't understand that.": "すみません、理解できませんでした。",
        "Ask me for that in our 1:1 chat.": "その操作は 1 対 1 のチャットでお願いします。",
        "You are sending me a lot at once. Please wait a minute and try again. Nothing was saved.": "一度に多くのメッセージが届いています。1 分ほど待ってからもう一度お試しください。何も保存されていません。",
        "I could not tell who you are, so I did nothing.": "どなたか確認できなかったため、何も行いませんでした。",
        "Your request is noted, but no coach pool is set up yet. HR will follow up.": "依頼を受け付けましたが、コーチがまだ登録されていません。人事から連絡します。",
        "Your request to talk to a coach is already open. A coach will contact you. Your manager is not told.": "コーチとの面談の依頼はすでに受け付けています。コーチから連絡があります。マネージャーには知らされません。",
        "A coach from the coach pool will contact you. Your manager is not told.": "コーチから連絡があります。マネージャーには知らされません。",
        "Nothing was added: {reason}.": "追加されませんでした: {reason}。",
        "That micro-need is empty or too long ({limit} characters at most). Nothing was added.": "このマイクロニーズは空か長すぎます（最大 {limit} 文字）。追加されませんでした。",
        "Added to your growth agenda (private until you share it).": "成長アジェンダに追加しました（共有するまで非公開です）。",
        "Nothing was logged: {reason}.": "記録されませんでした: {reason}。",
        "That is empty or too long ({limit} characters at most). Nothing was logged.": "空か長すぎます（最大 {limit} 文字）。記録されませんでした。",
        "Logged what you learned. It shows on your next agenda (private until you share it).": "学んだことを記録しました。次のアジェンダに表示されます（共有するまで非公開です）。",
        "Your growth agenda is empty. Add a micro-need any time: add a micro-need: ...": "成長アジェンダは空です。マイクロニーズはいつでも追加できます: add a micro-need: ...",
        "Your growth agenda:": "あなたの成長アジェンダ:",
        'Mark one with "done 1" or "drop 1".': '"done 1" または "drop 1" で項目を更新できます。',
        "shared": "共有",
        "private": "非公開",
        "carried": "持ち越し",
        "learned": "学び",
        "Marked done: {text}": "完了にしました: {text}",
        "Dropped: {text}": "取り下げました: {text}",
        "Updated: {text}": "更新しました: {text}",
        "You have no open actions from earlier conversations.": "これまでの面談からの未完了アクションはありません。",
        "Your open actions:": "未完了のアクション:",
        "- [{status}] {text} ({kind}, due {due})": "- [{status}] {text}（{kind}、期限 {due}）",
        "Mark them done or dropped on your next prep card.": "次の準備カードで完了または取り下げにできます。",
    }
)

# ---- card email: subjects, fallback text and the channel command (shared.domain.bot_texts)
CATALOGUE.update(
    {
        'From now on your WeGrow cards come by email. Send "send my cards in teams" to switch back.': 'これから WeGrow のカードはメールで届きます。元に戻すには "send my cards in teams" と送ってください。',
        "From now on your WeGrow cards come here in Teams.": "これから WeGrow のカードはこの Teams に届きます。",
        "Cards by email are not set up in this organisation, so your cards keep coming here.": "この組織ではメールでのカード送信が設定されていないため、カードは引き続きここに届きます。",
        "WeGrow: prepare your growth conversation": "WeGrow: 成長面談の準備",
        "WeGrow: agenda for your growth conversation": "WeGrow: 成長面談のアジェンダ",
        "WeGrow: log the outcomes of your growth conversation": "WeGrow: 成長面談の結果を記録",
        "WeGrow: confirm what you agreed": "WeGrow: 合意内容の確認",
        "WeGrow: a card for you": "WeGrow: カードが届いています",
        "This message holds a WeGrow card. Open it in Outlook to see and answer it.": "このメッセージには WeGrow のカードが含まれています。Outlook で開いて確認し、回答してください。",
    }
)
