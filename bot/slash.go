package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
	"golang.org/x/text/unicode/norm"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Admins says who is an HR admin. The bot asks before every admin-only command and
// button; the domain asks again in every admin use case.
type Admins interface {
	IsAdmin(userID string) bool
}

// slashCommand is one row of the command table: a sub-command of `/reverse-mentor`.
// The table drives parsing (every name and alias), the help text, dispatch and the
// refusal of admin-only commands.
type slashCommand struct {
	parent  string   // the entry this is a sub-command of ("admin"), or "" at the top level
	name    string   // the canonical word, typed and shown in help: "join", "round"
	en      []string // other English words for it
	ja      []string // Japanese words for it; the first is shown in the help
	args    string   // what follows it in the help, e.g. "ja|en"; "" for nothing
	admin   bool     // HR admins only, checked on the server every time
	helpKey string   // catalog key of its one-line description in the help
	run     commandHandler
}

// commandHandler serves one sub-command, after the acknowledgement, on a worker.
type commandHandler func(b *Bot, ctx context.Context, r commandRequest)

// commandRequest is a slash command as a handler sees it.
type commandRequest struct {
	userID      string
	triggerID   string // opens a modal; single-use, lives 3 s
	responseURL string // where the answer goes (works in channels the bot is not in)
	lang        mentoring.Lang
	args        []string // the words after the sub-command
}

// slashCommands is the command table, in the order the help lists it. Sub-commands
// follow their parent; a sub-command of an admin-only command is admin-only too.
func slashCommands() []slashCommand {
	return []slashCommand{
		{name: "join", en: []string{"edit", "profile"}, ja: []string{"参加", "登録", "編集"},
			helpKey: "help_join", run: (*Bot).commandJoin},
		{name: "status", en: []string{"me"}, ja: []string{"状況", "ステータス"},
			helpKey: "help_status", run: (*Bot).commandStatus},
		{name: "checkin", en: []string{"check-in", "check", "reflect"}, ja: []string{"振り返り", "チェックイン", "ふりかえり"},
			helpKey: "help_checkin", run: (*Bot).commandCheckIn},
		{name: "pause", en: []string{"break"}, ja: []string{"休止", "お休み"}, args: "[N]",
			helpKey: "help_pause", run: (*Bot).commandPause},
		{name: "resume", en: []string{"unpause"}, ja: []string{"再開"},
			helpKey: "help_resume", run: (*Bot).commandResume},
		{name: "leave", en: []string{"quit"}, ja: []string{"退会"},
			helpKey: "help_leave", run: (*Bot).commandLeave},
		{name: "lang", en: []string{"language"}, ja: []string{"言語"}, args: "ja|en",
			helpKey: "help_lang", run: (*Bot).commandLang},
		{name: "help", en: []string{"?"}, ja: []string{"ヘルプ", "使い方"},
			helpKey: "help_help", run: (*Bot).commandHelp},
		{name: "admin", ja: []string{"管理"}, admin: true,
			helpKey: "help_admin", run: (*Bot).commandFigures},
		{parent: "admin", name: "round", ja: []string{"マッチング"}, admin: true,
			helpKey: "help_admin_round", run: (*Bot).commandRound},
		{parent: "admin", name: "pairs", ja: []string{"ペア"}, admin: true,
			helpKey: "help_admin_pairs", run: (*Bot).commandPairs},
		{parent: "admin", name: "flags", en: []string{"followups", "follow-ups"}, ja: []string{"フォローアップ"}, admin: true,
			args: "[all] [cause] [@person]", helpKey: "help_admin_flags", run: (*Bot).commandFlags},
		{parent: "admin", name: "summary", ja: []string{"サマリー", "サマリ"}, admin: true,
			helpKey: "help_admin_summary", run: (*Bot).commandSummary},
		{parent: "admin", name: "program", en: []string{"programme", "cycle"}, ja: []string{"プログラム", "期"}, admin: true,
			args: "[new]", helpKey: "help_admin_program", run: (*Bot).commandProgram},
		{parent: "admin", name: "export", en: []string{"csv"}, ja: []string{"エクスポート"}, admin: true,
			helpKey: "help_admin_export", run: (*Bot).commandExport},
	}
}

// commandTable is the command table with an index of every word that names an entry.
type commandTable struct {
	list  []slashCommand
	words map[commandWord]int // index into list
}

// commandWord is a word as typed (folded), under its parent ("" at the top level).
type commandWord struct{ parent, word string }

// newCommandTable indexes the entries, refusing a table that would be ambiguous or
// incomplete: a word that names two entries, a sub-command before or without its
// parent, an ordinary sub-command of an admin-only command, a missing handler or help key.
func newCommandTable(entries []slashCommand) (*commandTable, error) {
	t := &commandTable{list: entries, words: map[commandWord]int{}}
	for i, e := range entries {
		if e.name == "" || e.run == nil || e.helpKey == "" {
			return nil, fmt.Errorf("command table: entry %d (%q) needs a name, a handler and a help key", i, e.name)
		}
		if e.parent != "" {
			p, ok := t.words[commandWord{"", foldWord(e.parent)}]
			if !ok || entries[p].name != e.parent {
				return nil, fmt.Errorf("command table: %q comes before or without its parent %q", e.name, e.parent)
			}
			if entries[p].admin && !e.admin {
				return nil, fmt.Errorf("command table: %q must be admin-only like %q", e.name, e.parent)
			}
		}
		for _, w := range e.allWords() {
			k := commandWord{e.parent, foldWord(w)}
			if j, dup := t.words[k]; dup {
				return nil, fmt.Errorf("command table: %q names both %q and %q", w, entries[j].name, e.name)
			}
			t.words[k] = i
		}
	}
	return t, nil
}

// allWords returns the canonical name and every alias.
func (e slashCommand) allWords() []string {
	return append(append([]string{e.name}, e.en...), e.ja...)
}

// foldWord makes a typed word comparable with the table: NFKC (full-width letters) and
// lower case.
func foldWord(w string) string { return strings.ToLower(norm.NFKC.String(w)) }

// find returns the entry the words name and the words after it. A second word that
// names none of the entry's sub-commands stays an argument (bare `admin` shows the
// figures). ok is false when the first word names nothing.
func (t *commandTable) find(words []string) (e slashCommand, args []string, ok bool) {
	if len(words) == 0 {
		return slashCommand{}, nil, false
	}
	i, ok := t.words[commandWord{"", foldWord(words[0])}]
	if !ok {
		return slashCommand{}, nil, false
	}
	e, args = t.list[i], words[1:]
	if len(args) > 0 {
		if j, sub := t.words[commandWord{e.name, foldWord(args[0])}]; sub {
			e, args = t.list[j], args[1:]
		}
	}
	return e, args, true
}

// path is the entry's canonical words: "join", "admin round".
func (t *commandTable) path(e slashCommand) string {
	if e.parent == "" {
		return e.name
	}
	return e.parent + " " + e.name
}

// typed is how the help shows the entry: "/reverse-mentor lang ja|en".
func (t *commandTable) typed(e slashCommand) string {
	return withArgs("/reverse-mentor "+t.path(e), e.args)
}

// typedJA is the entry in its first Japanese words, as the Japanese help shows it
// beside the canonical form ("管理 マッチング"), or "" when it has none.
func (t *commandTable) typedJA(e slashCommand) string {
	if len(e.ja) == 0 {
		return ""
	}
	words := e.ja[0]
	if e.parent != "" {
		i := t.words[commandWord{"", foldWord(e.parent)}]
		parent := t.list[i]
		if len(parent.ja) == 0 {
			return ""
		}
		words = parent.ja[0] + " " + words
	}
	return withArgs(words, e.args)
}

func withArgs(s, args string) string {
	if args == "" {
		return s
	}
	return s + " " + args
}

// handleCommand answers one `/reverse-mentor` invocation (already acknowledged): empty
// input is help, over-long or unknown input gets a short note and the help, an
// admin-only command from anyone else a polite refusal; the rest goes to the entry's
// handler.
func (b *Bot) handleCommand(ctx context.Context, sc slack.SlashCommand) {
	c := parseCommand(sc.Text)
	_, lang := b.personAndLang(ctx, sc.UserID)
	r := commandRequest{userID: sc.UserID, triggerID: sc.TriggerID, responseURL: sc.ResponseURL, lang: lang}
	if c.tooLong {
		b.log.Info("command", "user", sc.UserID, "name", "too long")
		b.answerWithHelp(ctx, r, b.cat.T(lang, "command_too_long", map[string]any{"Max": maxCommandRunes}))
		return
	}
	if len(c.words) == 0 {
		b.log.Info("command", "user", sc.UserID, "name", "")
		b.commandHelp(ctx, r)
		return
	}
	e, args, ok := b.commands.find(c.words)
	if !ok {
		b.log.Info("command", "user", sc.UserID, "name", "unknown", "args", len(c.words)-1)
		b.answerWithHelp(ctx, r, b.cat.T(lang, "command_unknown", map[string]any{"Text": escapeMrkdwn(truncate(c.raw, 60))}))
		return
	}
	name := b.commands.path(e)
	b.log.Info("command", "user", sc.UserID, "name", name, "args", len(args))
	if e.admin && !b.admins.IsAdmin(sc.UserID) {
		b.log.Warn("admin command refused", "user", sc.UserID, "name", name)
		b.refuse(ctx, sc.UserID, sc.ResponseURL, lang)
		return
	}
	r.args = args
	e.run(b, ctx, r)
}

// answerWithHelp answers with a short note followed by the help.
func (b *Bot) answerWithHelp(ctx context.Context, r commandRequest, note string) {
	blocks := append([]slack.Block{section(note)}, renderHelp(b.cat, r.lang, b.commands, b.admins.IsAdmin(r.userID))...)
	b.respond(ctx, r.responseURL, note, blocks)
}

// refuse tells someone who is not an HR admin that what they asked for is for HR admins.
func (b *Bot) refuse(ctx context.Context, userID, responseURL string, lang mentoring.Lang) {
	text := b.cat.T(lang, "admin_refused", nil)
	b.reply(ctx, userID, responseURL, text, []slack.Block{section(text)})
}
