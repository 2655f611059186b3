# ruff: noqa: E501
"""Japanese texts (see ``shared.domain.messages``): key = the English text, value = its Japanese translation."""

from __future__ import annotations

CATALOGUE: dict[str, str] = {
    " (carried from last time)": "（前回からの持ち越し）",
    " (carried)": "（持ち越し）",
    " after your conversation on ${meetingDate}": "（${meetingDate} の面談後）",
    " from the coach pool took your request and will contact you.": " さん（コーチ）があなたの依頼を引き受けました。追って連絡があります。",
    " on ${meetingDate}": "（${meetingDate}）",
    " on ${meetingDate} · ${tenureLabel}": "（${meetingDate}）· ${tenureLabel}",
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
    "Anything else to remember (shared with the employee)": "その他の覚え書き（社員にも共有されます）",
    "Anything to correct or add?": "訂正や追加はありますか？",
    "Ask the coach pool for a confidential conversation instead of my manager": (
        "マネージャーの代わりにコーチと内密に話したい"
    ),
    "Asked on": "依頼日",
    "Book this time": "この時間で予約",
    "Booked: ${booked.label}": "予約済み: ${booked.label}",
    "Comment (optional)": "コメント（任意）",
    "Confidential coaching request": "内密のコーチング依頼",
    "Confirm what you agreed": "合意内容の確認",
    "Conversation with ": "面談の相手: ",
    "Done": "完了",
    "Drop": "取り下げ",
    "Due": "期限",
    "Growth conversation agenda": "成長面談のアジェンダ",
    "I confirm these outcomes": "この結果を確認しました",
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
    "Note": "メモ",
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
    "Send": "送信",
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
    "These outcomes are what we agreed": "この結果で合意しました",
    "This action was not accepted": "この操作は受け付けられませんでした",
    "This card is read-only. Submitted ${submittedAt}.": "このカードは読み取り専用です。送信日時: ${submittedAt}",
    "This conversation has passed": "この面談は終了しました",
    "Training fits only a knowledge gap. Anything else is a management action.": (
        "研修が合うのは知識不足の場合だけです。それ以外はマネジメントで対応します。"
    ),
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
