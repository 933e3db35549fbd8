package bot_test

import (
	"strings"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

func TestCommand_EmptyAndHelpShowHelp(t *testing.T) {
	h := newHarness(t)
	for _, text := range []string{"", "help", "ヘルプ", "  HELP  "} {
		p := h.user("UHELP"+strings.ToUpper(string(rune('A'+len(text))))+"01", "Helper", "ja-JP")
		if _, err := p.Command(ctxT(t), text); err != nil {
			t.Fatal(err)
		}
		waitText(t, p, "/reverse-mentor join", "/reverse-mentor status")
	}
}

func TestCommand_UnknownGetsShortHelpNeverSilence(t *testing.T) {
	tests := []struct{ text, want string }{
		{"dance", "「dance」"},
		{"<script>alert(1)</script>", "わかりませんでした"},
		{"<b>bold</b> <!channel>", "「&lt;b&gt;bold&lt;/b&gt; &lt;!channel&gt;」"}, // shown as typed, never as markup or a broadcast
		{"🙂🙃 𝓾𝓷𝓲𝓬𝓸𝓭𝓮 \u202eevil", "わかりませんでした"},
		{strings.Repeat("長", 5000), "500文字を超えていた"},
	}
	h := newHarness(t)
	p := h.user("UODD00001", "Odd", "ja-JP")
	for _, tt := range tests {
		before := len(p.Seen())
		if _, err := p.Command(ctxT(t), tt.text); err != nil {
			t.Fatal(err)
		}
		s := waitTextAfter(t, p, before, tt.want, "/reverse-mentor join")
		if len(s.Text) > 6000 {
			t.Fatalf("reply to %q: %q", tt.text, s.Text)
		}
	}
}

func TestCommand_LangSwitchesAndSticks(t *testing.T) {
	h := newHarness(t)
	p := h.user("ULANG0001", "Lang", "ja-JP")
	ctx := ctxT(t)
	if _, err := p.Command(ctx, "lang en"); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "I'll speak English with you")
	if _, err := p.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "You haven't joined the programme yet")
	if _, err := p.Command(ctx, "lang klingon"); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "/reverse-mentor lang ja")
	lang, err := h.svc.Language(ctx, "ULANG0001", "ja-JP")
	if err != nil || lang != mentoring.LangEN {
		t.Fatalf("stored language %q, %v", lang, err)
	}
}

func TestCommand_StatusShowsProfile(t *testing.T) {
	h := newHarness(t)
	p := h.user("USTAT0001", "Stat", "ja-JP")
	ctx := ctxT(t)
	if _, err := p.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "まだプログラムに参加していません")
	if _, err := p.Command(ctx, "join"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.WaitModal(ctx, "join"); err != nil {
		t.Fatal(err)
	}
	optIn(t, p, validJoin("mentee", "経理部", ""), "3")
	waitText(t, p, "ようこそ")
	if _, err := p.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "参加中です", "経理部", "メンティー")
}

func TestCommand_AdminOnlyForAdmins(t *testing.T) {
	h := newHarness(t)
	p := h.user("UNOTADMIN", "Nope", "en-US")
	admin := h.user(adminID, "HR Admin", "en-US")
	ctx := ctxT(t)
	for _, text := range []string{"admin", "admin round", "admin pairs", "admin summary", "管理", "管理 マッチング", "admin ペア"} {
		before := len(p.Seen())
		if _, err := p.Command(ctx, text); err != nil {
			t.Fatal(err)
		}
		waitTextAfter(t, p, before, "that command is for HR admins")
	}
	for _, s := range p.Seen() {
		if strings.Contains(s.Text, "Participants:") {
			t.Fatal("a non-admin saw programme figures")
		}
	}
	if _, err := admin.Command(ctx, "admin"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "Participants:", "0 joined")
}

func TestCommand_AdminSubCommandsInEitherLanguage(t *testing.T) {
	h := newHarness(t)
	admin := h.user(adminID, "HR Admin", "en-US")
	ctx := ctxT(t)
	tests := []struct {
		text string
		want []string
	}{
		{"管理 ペア", []string{"Current pairs", "No active pairs yet"}},
		{"ADMIN Pairs", []string{"Current pairs"}},
		{"admin dance", []string{"I don't know the admin command “dance”", "Participants:", "/reverse-mentor admin round"}},
		{"管理 マッチング", []string{"Pairing round"}},
	}
	for _, tt := range tests {
		before := len(admin.Seen())
		if _, err := admin.Command(ctx, tt.text); err != nil {
			t.Fatal(err)
		}
		waitTextAfter(t, admin, before, tt.want...)
	}
}

func TestCommand_TypedInAChannelTheBotIsNotIn(t *testing.T) {
	h := newHarness(t)
	h.fake.AddChannel("CGENERAL1", "general", "UCHAN0001")
	p := h.user("UCHAN0001", "Chan", "ja-JP")
	if _, err := p.CommandIn(ctxT(t), "CGENERAL1", "help"); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "/reverse-mentor join")
}
