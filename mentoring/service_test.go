package mentoring_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/store"
)

func newService(t *testing.T) (*mentoring.Service, *simclock.Clock) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := simclock.New(time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC))
	db.Clock = clock
	return mentoring.NewService(db, clock, mentoring.Options{Language: mentoring.LangJA}), clock
}

func TestJoin_CreatesThenEdits(t *testing.T) {
	svc, clock := newService(t)
	ctx := context.Background()
	person := mentoring.Person{UserID: "U1", DisplayName: "Aoi", TZ: "Asia/Tokyo", TZOffset: 32400, Locale: "ja-JP"}
	draft, editing, err := svc.DraftProfile(ctx, person)
	if err != nil || editing || draft.Cadence != mentoring.CadenceBiweekly || draft.Languages[0] != mentoring.LangJA {
		t.Fatalf("draft %+v editing=%v err=%v", draft, editing, err)
	}
	p := mentoring.Profile{Role: mentoring.RoleMentor, Department: " Sales ", Topics: []string{"genai"},
		Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: mentoring.CadenceWeekly, Capacity: 2, Consent: true}
	res, err := svc.Join(ctx, person, p)
	if err != nil || !res.Created || res.Participant.Department != "Sales" || res.Participant.Status != mentoring.StatusActive {
		t.Fatalf("join %+v %v", res, err)
	}
	clock.Advance(time.Hour)
	p.Cadence = mentoring.CadenceMonthly
	res, err = svc.Join(ctx, person, p)
	if err != nil || res.Created || res.Participant.Cadence != mentoring.CadenceMonthly {
		t.Fatalf("edit %+v %v", res, err)
	}
	if !res.Participant.JoinedAt.Equal(time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("an edit moved JoinedAt to %v", res.Participant.JoinedAt)
	}
	_, editing, _ = svc.DraftProfile(ctx, person)
	if !editing {
		t.Fatal("second draft should be an edit")
	}
	c, err := svc.Counts(ctx)
	if err != nil || c.Active != 1 || c.Mentors != 1 {
		t.Fatalf("counts %+v %v", c, err)
	}
}

func TestJoin_RefusesAnInvalidProfile(t *testing.T) {
	svc, _ := newService(t)
	_, err := svc.Join(context.Background(), mentoring.Person{UserID: "U1"}, mentoring.Profile{Role: "boss"})
	if mentoring.ErrorCode(err) != mentoring.EINVALID {
		t.Fatalf("err %v", err)
	}
}

func TestParticipant_NotJoined(t *testing.T) {
	svc, _ := newService(t)
	_, err := svc.Participant(context.Background(), "UNOBODY")
	if mentoring.ErrorCode(err) != mentoring.ENOTJOINED {
		t.Fatalf("err %v", err)
	}
}

func TestLanguage_ChoiceThenLocaleThenDefault(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	if l, _ := svc.Language(ctx, "U1", ""); l != mentoring.LangJA {
		t.Fatalf("default %q", l)
	}
	if l, _ := svc.Language(ctx, "U1", "en-GB"); l != mentoring.LangEN {
		t.Fatalf("locale %q", l)
	}
	if err := svc.SetLanguage(ctx, "U1", mentoring.LangJA); err != nil {
		t.Fatal(err)
	}
	if l, _ := svc.Language(ctx, "U1", "en-GB"); l != mentoring.LangJA {
		t.Fatalf("choice %q", l)
	}
	if err := svc.SetLanguage(ctx, "U1", "fr"); mentoring.ErrorCode(err) != mentoring.EINVALID {
		t.Fatalf("fr: %v", err)
	}
}

func TestDisplayNames_OnlyParticipants(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	p := mentoring.Profile{Role: mentoring.RoleMentee, Department: "Sales", Topics: []string{"genai"},
		Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: mentoring.CadenceWeekly, Capacity: 1, Consent: true}
	if _, err := svc.Join(ctx, mentoring.Person{UserID: "U1", DisplayName: "Aoi"}, p); err != nil {
		t.Fatal(err)
	}
	names, err := svc.DisplayNames(ctx, []string{"U1", "UNOBODY"})
	if err != nil || len(names) != 1 || names["U1"] != "Aoi" {
		t.Fatalf("names %v, %v; want only U1 as Aoi", names, err)
	}
	if names, err := svc.DisplayNames(ctx, nil); err != nil || len(names) != 0 {
		t.Fatalf("no IDs: %v, %v", names, err)
	}
}
