package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

var (
	joined = time.Date(2025, 4, 1, 9, 30, 15, 123456789, time.UTC)
	jst    = time.FixedZone("JST", 9*3600)
)

// fullParticipant returns a participant with every field set.
func fullParticipant(userID string) mentoring.Participant {
	return mentoring.Participant{
		UserID:      userID,
		DisplayName: "Sato Hanako",
		TZ:          "Asia/Tokyo",
		TZOffset:    9 * 3600,
		Profile: mentoring.Profile{
			Role:       mentoring.RoleMentor,
			Department: "Sales",
			ManagerID:  "U0MANAGER",
			Topics:     []string{"genai", "slack", "nocode"},
			FreeTopics: "Notion, Figma",
			Languages:  []mentoring.Lang{mentoring.LangJA, mentoring.LangEN},
			Cadence:    mentoring.CadenceWeekly,
			Capacity:   3,
			Consent:    true,
		},
		Status:      mentoring.StatusPaused,
		PausedUntil: joined.Add(21 * 24 * time.Hour),
		JoinedAt:    joined,
		UpdatedAt:   joined.Add(time.Hour),
	}
}

// minimalParticipant returns a participant with only the fields the schema requires.
func minimalParticipant(userID string) mentoring.Participant {
	return mentoring.Participant{
		UserID:  userID,
		Profile: mentoring.Profile{Role: mentoring.RoleMentee, Cadence: mentoring.CadenceBiweekly, Capacity: 1},
		Status:  mentoring.StatusActive,
	}
}

// equalParticipant compares participants, times by instant.
func equalParticipant(a, b mentoring.Participant) bool {
	if !a.PausedUntil.Equal(b.PausedUntil) || !a.JoinedAt.Equal(b.JoinedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
		return false
	}
	a.PausedUntil, a.JoinedAt, a.UpdatedAt = time.Time{}, time.Time{}, time.Time{}
	b.PausedUntil, b.JoinedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

func TestSaveParticipant_RoundTrip(t *testing.T) {
	unicode := fullParticipant("U0UNICODE")
	unicode.DisplayName = "佐藤 花子 👩🏽‍💻"                                       // Japanese, emoji with a zero-width joiner
	unicode.Department = "営業部 — مبيعات"                                      // Japanese and Arabic (right to left)
	unicode.FreeTopics = "שלום\u200fעולם, 👨‍👩‍👧‍👦 family emoji\nsecond line" // Hebrew with RLM, ZWJ sequence, newline
	unicode.Topics = []string{"genai", "絵文字🎌", "‏rtl"}
	unicode.TZ = "America/Argentina/Buenos_Aires"
	unicode.TZOffset = -3 * 3600

	local := fullParticipant("U0LOCAL")
	local.JoinedAt = time.Date(2025, 4, 1, 18, 0, 0, 1, jst) // read back in UTC, same instant
	local.UpdatedAt = local.JoinedAt
	local.PausedUntil = time.Time{}

	quotes := fullParticipant("W0QUOTES")
	quotes.DisplayName = `O'Brien "Bob" <b>&amp;</b> ; DROP TABLE participants; --`
	quotes.Topics = []string{`a"b`, `c\d`, "<e>"}

	raw := fullParticipant("U0RAW")
	raw.DisplayName = "nul\x00byte and invalid \xff UTF-8" // Slack's text is not cleaned before it is stored
	raw.FreeTopics = "tab\tcarriage\rreturn"

	for _, tc := range []struct {
		name string
		p    mentoring.Participant
	}{
		{"full", fullParticipant("U0FULL")},
		{"raw bytes", raw},
		{"minimal", minimalParticipant("U0MIN")},
		{"unicode", unicode},
		{"local times", local},
		{"quotes and markup", quotes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openTest(t)
			ctx := context.Background()
			if err := db.SaveParticipant(ctx, tc.p); err != nil {
				t.Fatalf("SaveParticipant: %v", err)
			}
			got, err := db.Participant(ctx, tc.p.UserID)
			if err != nil {
				t.Fatalf("Participant: %v", err)
			}
			if !equalParticipant(got, tc.p) {
				t.Errorf("read back\n %+v\nwant\n %+v", got, tc.p)
			}
			for _, tm := range []time.Time{got.PausedUntil, got.JoinedAt, got.UpdatedAt} {
				if !tm.IsZero() && tm.Location() != time.UTC {
					t.Errorf("time %v not in UTC", tm)
				}
			}
		})
	}
}

func TestSaveParticipant_EmptyListsReadBackNil(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	p := minimalParticipant("U1")
	p.Topics, p.Languages = []string{}, []mentoring.Lang{}
	if err := db.SaveParticipant(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := db.Participant(ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Topics != nil || got.Languages != nil {
		t.Errorf("Topics = %#v, Languages = %#v; want nil", got.Topics, got.Languages)
	}
}

func TestSaveParticipant_UpdatesEveryField(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	if err := db.SaveParticipant(ctx, fullParticipant("U1")); err != nil {
		t.Fatal(err)
	}
	updated := minimalParticipant("U1")
	updated.DisplayName = "Hanako"
	updated.Department = "ＳＡＬＥＳ "
	updated.UpdatedAt = joined.Add(48 * time.Hour)
	if err := db.SaveParticipant(ctx, updated); err != nil {
		t.Fatal(err)
	}
	got, err := db.Participant(ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if !equalParticipant(got, updated) {
		t.Errorf("after update\n %+v\nwant\n %+v", got, updated)
	}
	all, err := db.ListParticipants(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("ListParticipants = %d rows, %v; want 1 row", len(all), err)
	}
	var key string
	if err := db.read.QueryRow(`SELECT department_key FROM participants WHERE user_id = 'U1'`).Scan(&key); err != nil {
		t.Fatal(err)
	}
	if want := mentoring.DepartmentKey("Sales"); key != want {
		t.Errorf("department_key = %q, want %q", key, want)
	}
}

func TestSaveParticipant_RejectsBrokenRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*mentoring.Participant)
	}{
		{"no user ID", func(p *mentoring.Participant) { p.UserID = "" }},
		{"no role", func(p *mentoring.Participant) { p.Role = "" }},
		{"unknown role", func(p *mentoring.Participant) { p.Role = "boss" }},
		{"unknown status", func(p *mentoring.Participant) { p.Status = "gone" }},
		{"no status", func(p *mentoring.Participant) { p.Status = "" }},
		{"unknown cadence", func(p *mentoring.Participant) { p.Cadence = "daily" }},
		{"capacity 0", func(p *mentoring.Participant) { p.Capacity = 0 }},
		{"capacity 4", func(p *mentoring.Participant) { p.Capacity = 4 }},
		{"year 10000", func(p *mentoring.Participant) { p.PausedUntil = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openTest(t)
			p := fullParticipant("U1")
			tc.change(&p)
			if err := db.SaveParticipant(context.Background(), p); err == nil {
				t.Fatal("saved, want an error")
			}
			if n, _ := db.ListParticipants(context.Background()); len(n) != 0 {
				t.Errorf("%d rows stored after a failed save", len(n))
			}
		})
	}
}

func TestParticipant_NotFound(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	if err := db.SaveParticipant(ctx, fullParticipant("U1")); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"U2", "", "u1"} {
		_, err := db.Participant(ctx, id)
		if !errors.Is(err, mentoring.ErrNotFound) {
			t.Errorf("Participant(%q) error = %v, want ErrNotFound", id, err)
		}
		if code := mentoring.ErrorCode(err); code != mentoring.ENOTFOUND {
			t.Errorf("Participant(%q) error code = %q, want %q", id, code, mentoring.ENOTFOUND)
		}
	}
}

// seed saves participants with the given role and status, named U<role><status><i>.
func seed(t *testing.T, db *DB, counts map[[2]string]int) {
	t.Helper()
	for k, n := range counts {
		for i := range n {
			p := minimalParticipant(fmt.Sprintf("U%s%s%02d", k[0], k[1], i))
			p.Role, p.Status = mentoring.Role(k[0]), mentoring.Status(k[1])
			if err := db.SaveParticipant(context.Background(), p); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestParticipantCounts(t *testing.T) {
	for _, tc := range []struct {
		name string
		seed map[[2]string]int
		want mentoring.Counts
	}{
		{"empty", nil, mentoring.Counts{}},
		{"mixed", map[[2]string]int{
			{"mentor", "active"}: 4,
			{"mentee", "active"}: 3,
			{"mentor", "paused"}: 2,
			{"mentee", "paused"}: 1,
			{"mentor", "left"}:   5,
			{"mentee", "left"}:   6,
		}, mentoring.Counts{Active: 7, Paused: 3, Left: 11, Mentors: 6, Mentees: 4}},
		{"only left", map[[2]string]int{{"mentee", "left"}: 2}, mentoring.Counts{Left: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openTest(t)
			seed(t, db, tc.seed)
			got, err := db.ParticipantCounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("counts = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestListParticipants_FiltersByStatusInUserIDOrder(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	for _, p := range []struct {
		id     string
		status mentoring.Status
	}{
		{"U3", mentoring.StatusActive},
		{"U1", mentoring.StatusLeft},
		{"U4", mentoring.StatusPaused},
		{"U2", mentoring.StatusActive},
		{"U5", mentoring.StatusLeft},
	} {
		q := fullParticipant(p.id)
		q.Status = p.status
		if err := db.SaveParticipant(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name     string
		statuses []mentoring.Status
		want     []string
	}{
		{"all", nil, []string{"U1", "U2", "U3", "U4", "U5"}},
		{"active", []mentoring.Status{mentoring.StatusActive}, []string{"U2", "U3"}},
		{"active and paused", []mentoring.Status{mentoring.StatusPaused, mentoring.StatusActive}, []string{"U2", "U3", "U4"}},
		{"left", []mentoring.Status{mentoring.StatusLeft}, []string{"U1", "U5"}},
		{"repeated", []mentoring.Status{mentoring.StatusLeft, mentoring.StatusLeft}, []string{"U1", "U5"}},
		{"unknown", []mentoring.Status{"gone"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := db.ListParticipants(ctx, tc.statuses...)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, p := range ps {
				ids = append(ids, p.UserID)
				if len(p.Topics) != 3 || len(p.Languages) != 2 {
					t.Errorf("%s: topics %v, languages %v not loaded", p.UserID, p.Topics, p.Languages)
				}
			}
			if !reflect.DeepEqual(ids, tc.want) {
				t.Errorf("IDs = %v, want %v", ids, tc.want)
			}
		})
	}
}

func TestDeleteParticipant_ErasesProfileAndPrefs(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	for _, id := range []string{"U1", "U2"} {
		if err := db.SaveParticipant(ctx, fullParticipant(id)); err != nil {
			t.Fatal(err)
		}
		if err := db.SetUserLang(ctx, id, mentoring.LangEN); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetUserLang(ctx, "U3", mentoring.LangJA); err != nil { // never joined
		t.Fatal(err)
	}

	if err := db.DeleteParticipant(ctx, "U1"); err != nil {
		t.Fatalf("DeleteParticipant(U1): %v", err)
	}
	if _, err := db.Participant(ctx, "U1"); !errors.Is(err, mentoring.ErrNotFound) {
		t.Errorf("participant after erasure: %v, want ErrNotFound", err)
	}
	if _, err := db.UserLang(ctx, "U1"); !errors.Is(err, mentoring.ErrNotFound) {
		t.Errorf("language after erasure: %v, want ErrNotFound", err)
	}
	if _, err := db.Participant(ctx, "U2"); err != nil {
		t.Errorf("someone else erased: %v", err)
	}
	if l, err := db.UserLang(ctx, "U2"); err != nil || l != mentoring.LangEN {
		t.Errorf("someone else's language = %q, %v", l, err)
	}

	if err := db.DeleteParticipant(ctx, "U3"); err != nil {
		t.Errorf("DeleteParticipant of a language choice alone: %v", err)
	}
	if _, err := db.UserLang(ctx, "U3"); !errors.Is(err, mentoring.ErrNotFound) {
		t.Errorf("language after erasure: %v, want ErrNotFound", err)
	}
	if err := db.DeleteParticipant(ctx, "U1"); !errors.Is(err, mentoring.ErrNotFound) {
		t.Errorf("second erasure: %v, want ErrNotFound", err)
	}
	c, err := db.ParticipantCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Joined() != 1 {
		t.Errorf("Joined() = %d after erasure, want 1", c.Joined())
	}
}

func TestDeleteParticipant_LeavesNoTraceInFile(t *testing.T) {
	db, path := openTest(t)
	ctx := context.Background()
	p := fullParticipant("U1")
	p.FreeTopics = "secret-marker-4f1c9b"
	if err := db.SaveParticipant(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteParticipant(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(p.FreeTopics)) {
			t.Errorf("%s still holds erased text", filepath.Base(f))
		}
	}
}

func BenchmarkSaveParticipant(b *testing.B) {
	db, _ := openTest(b)
	ctx := context.Background()
	ps := make([]mentoring.Participant, 1000)
	for i := range ps {
		ps[i] = fullParticipant(fmt.Sprintf("U%06d", i))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := ps[i%len(ps)]
		p.UpdatedAt = joined.Add(time.Duration(i) * time.Second)
		if err := db.SaveParticipant(ctx, p); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkSaveParticipantParallel(b *testing.B) {
	db, _ := openTest(b)
	ctx := context.Background()
	b.ReportAllocs()
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			p := fullParticipant(fmt.Sprintf("U%06d", i%1000))
			if err := db.SaveParticipant(ctx, p); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkParticipant(b *testing.B) {
	db, _ := openTest(b)
	ctx := context.Background()
	const n = 1000
	for i := range n {
		if err := db.SaveParticipant(ctx, fullParticipant(fmt.Sprintf("U%06d", i))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := db.Participant(ctx, fmt.Sprintf("U%06d", i%n)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkParticipantParallel(b *testing.B) {
	db, _ := openTest(b)
	ctx := context.Background()
	const n = 1000
	for i := range n {
		if err := db.SaveParticipant(ctx, fullParticipant(fmt.Sprintf("U%06d", i))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	var c atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.Participant(ctx, fmt.Sprintf("U%06d", c.Add(1)%n)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkListParticipants(b *testing.B) {
	db, _ := openTest(b)
	ctx := context.Background()
	const n = 1000
	for i := range n {
		if err := db.SaveParticipant(ctx, fullParticipant(fmt.Sprintf("U%06d", i))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		ps, err := db.ListParticipants(ctx, mentoring.StatusActive, mentoring.StatusPaused)
		if err != nil || len(ps) != n {
			b.Fatal(len(ps), err)
		}
	}
}
