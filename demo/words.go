package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// words are the story's own lines — headings, narration, the summary — in the
// programme's language (--lang). What people saw is quoted as the bot wrote it, in each
// person's own language.
var words = map[mentoring.Lang]map[string]string{
	mentoring.LangEN: {
		"title":              "reverse-mentor demo · %d people · %d weeks · seed %d",
		"week":               "Week %d · %s – %s",
		"quiet_week":         "(a quiet week: nothing was due)",
		"scene_launch":       "HR launches the programme and looks at the App Home",
		"scene_org":          "HR imports the org chart (departments and reporting lines) from the HR system; %s is missing from the export",
		"note_org":           "imported %d people in %d departments, with %d managers",
		"scene_optins":       "People opt in through the /reverse-mentor join form",
		"scene_edit":         "A participant edits their profile; another checks their status",
		"scene_figures":      "Someone tries an HR command; HR reads the figures",
		"scene_round":        "HR proposes a pairing round and reviews it",
		"scene_sessions":     "The pairs meet; after every session window both are asked how it went. %s and %s never answer; guiding a senior feels heavy to %s",
		"scene_pause":        "%s takes a two-week break",
		"scene_leave":        "%s leaves the programme and erases their data",
		"note_handled":       "HR talked to %s and marked the follow-up handled; from now on guiding a senior gets lighter for them",
		"note_stall_handled": "HR wrote to %s and %s about their stalled pair and marked it handled",
		"pulse_taps":         "answered the pulse survey: %s",
		"scene_export":       "At the end of the quarter HR downloads the programme's data with /reverse-mentor admin export (private notes are never in it)",
		"scene_cycle":        "HR sets up this year's cycle (%s – %s) in the /reverse-mentor admin program form: its purpose and guidelines",
		"cycle_name":         "Reverse mentoring %d",
		"cycle_purpose":      "Senior staff learn the digital tools and ways of working juniors take for granted; juniors practise leading.",
		"cycle_guidelines":   "Meet every two weeks for 30 minutes. What is said in a session stays in the pair.",
		"act_home":           "opened the Home tab",
		"act_clicked":        "clicked [%s]",
		"act_closed":         "closed %s",
		"act_submitted":      "submitted %s%s",
		"act_picked":         "picked %s",
		"seen_home":          "App Home",
		"seen_form":          "form",
		"seen_form_new":      "form (next page)",
		"seen_form_upd":      "form (updated)",
		"seen_errors":        "form not accepted",
		"seen_reply":         "reply (only they see it)",
		"seen_updated":       "%s (updated)",
		"seen_group":         "group DM with %s",
		"note_refused":       "the form refused it: %s",
		"note_proposal":      "the proposal: %d pairs, %d people without a partner",
		"note_swap_no":       "HR tried to swap the mentees of pairs 1 and %d: the rules refused it",
		"note_swap_ok":       "HR swapped the mentees of pairs 1 and %d",
		"note_approved":      "HR approved round #%d: %d of %d intros and orientations delivered",
		"summary":            "Summary",
		"hr_channel":         "What HR read in %s",
		"sum_people":         "people in the organisation: %d; joined: %d (%d mentors, %d mentees)",
		"sum_pairs":          "pairs meeting: %d",
		"sum_messages":       "messages people saw: %d; actions they took: %d",
		"sum_files":          "written: %s (the timeline), %s (what each person saw), %s (the database), %s/ (%d charts and exports the app uploaded)",
		"sum_out":            "in %s",
		"time_format":        "Mon 01-02 15:04",
		"date_format":        "Mon 2 Jan",
		"lang_name":          "English",
		"programme_lang":     "programme language: %s",
	},
	mentoring.LangJA: {
		"title":              "reverse-mentor デモ · %d人 · %d週間 · シード %d",
		"week":               "第%d週 · %s〜%s",
		"quiet_week":         "（この週に予定されたことはありませんでした）",
		"scene_launch":       "人事担当がプログラムを始め、アプリのホームを開きます",
		"scene_org":          "人事担当が人事システムから組織図（部署と上司・部下の関係）を取り込みます。%sはデータに含まれていません",
		"note_org":           "%d人、%d部署、管理職 %d人を取り込みました",
		"scene_optins":       "社員が /reverse-mentor join のフォームから参加します",
		"scene_edit":         "参加者がプロフィールを編集し、別の参加者が状況を確認します",
		"scene_figures":      "人事用のコマンドを試す人がいます。人事担当は数字を確認します",
		"scene_round":        "人事担当がマッチング案をつくり、確認します",
		"scene_sessions":     "ペアがセッションを重ねます。セッション期間が終わるたびに、二人に振り返りをお願いします。%sさんと%sさんは回答しません。%sさんは先輩をリードすることに負担を感じています",
		"scene_pause":        "%sさんが2週間お休みします",
		"scene_leave":        "%sさんがプログラムを退会し、データの削除を選びます",
		"note_handled":       "人事担当が%sさんと話し、フォローアップを対応済みにしました。ここから先輩をリードする負担が少しずつ軽くなります",
		"note_stall_handled": "人事担当が%sさんと%sさんに停滞しているペアについて連絡し、対応済みにしました",
		"pulse_taps":         "パルスサーベイに回答：%s",
		"scene_export":       "四半期の終わりに、人事担当が /reverse-mentor admin export でプログラムのデータをダウンロードします（非公開メモは含まれません）",
		"scene_cycle":        "人事担当が /reverse-mentor admin program のフォームで今期（%s〜%s）の目的とガイドラインを設定します",
		"cycle_name":         "リバースメンタリング %d年度",
		"cycle_purpose":      "管理職が若手から最新のデジタルツールと働き方を学び、若手はリードする経験を積みます。",
		"cycle_guidelines":   "2週間に1回、30分を目安に話しましょう。セッションで話したことはペアの中だけにとどめます。",
		"act_home":           "ホームタブを開く",
		"act_clicked":        "[%s] を押す",
		"act_closed":         "%sを閉じる",
		"act_submitted":      "%sを送信%s",
		"act_picked":         "%s を選ぶ",
		"seen_home":          "アプリのホーム",
		"seen_form":          "フォーム",
		"seen_form_new":      "フォーム（次のページ）",
		"seen_form_upd":      "フォーム（更新）",
		"seen_errors":        "フォームが受け付けられず",
		"seen_reply":         "返信（本人にだけ表示）",
		"seen_updated":       "%s（更新）",
		"seen_group":         "グループDM（%s）",
		"note_refused":       "フォームが受け付けませんでした：%s",
		"note_proposal":      "マッチング案：ペア %d組、相手のいない人 %d人",
		"note_swap_no":       "人事担当がペア1と%dのメンティーを入れ替えようとしましたが、ルールにより入れ替えられませんでした",
		"note_swap_ok":       "人事担当がペア1と%dのメンティーを入れ替えました",
		"note_approved":      "人事担当がマッチング #%d を承認しました：ペアの紹介とオリエンテーション %d / %d 通を配信",
		"summary":            "まとめ",
		"hr_channel":         "人事担当が %s で読んだもの",
		"sum_people":         "組織の人数：%d人、参加：%d人（メンター %d人、メンティー %d人）",
		"sum_pairs":          "活動中のペア：%d組",
		"sum_messages":       "社員が受け取ったメッセージ：%d件、社員の操作：%d件",
		"sum_files":          "書き出したファイル：%s（時系列）、%s（一人ひとりが見たもの）、%s（データベース）、%s/（アプリがアップロードしたグラフとエクスポート %d件）",
		"sum_out":            "フォルダ：%s",
		"time_format":        "01/02(Mon) 15:04",
		"date_format":        "1月2日(Mon)",
		"lang_name":          "日本語",
		"programme_lang":     "プログラムの言語：%s",
	},
}

// say returns the story's line key in lang, filled with args.
func say(lang mentoring.Lang, key string, args ...any) string {
	f, ok := words[lang][key]
	if !ok {
		f = words[mentoring.LangEN][key]
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// japaneseWeekdays are the one-character weekday names used in Japanese dates.
var japaneseWeekdays = [...]string{"日", "月", "火", "水", "木", "金", "土"}

// stamp formats t with the layout of key in lang; Japanese layouts show the weekday in
// Japanese.
func stamp(lang mentoring.Lang, key string, t time.Time) string {
	s := t.Format(say(lang, key))
	if lang == mentoring.LangJA {
		for i, en := range [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"} {
			if t.Weekday() == time.Weekday(i) {
				return strings.Replace(s, en, japaneseWeekdays[i], 1)
			}
		}
	}
	return s
}
