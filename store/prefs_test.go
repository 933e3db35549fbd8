package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// fixedClock always tells the same time.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

func TestUserLang(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	at := time.Date(2025, 5, 6, 7, 8, 9, 10, time.UTC)
	db.Clock = fixedClock(at)

	if _, err := db.UserLang(ctx, "U1"); !errors.Is(err, mentoring.ErrNotFound) {
		t.Fatalf("before any choice: %v, want ErrNotFound", err)
	}
	for _, lang := range []mentoring.Lang{mentoring.LangEN, mentoring.LangJA, mentoring.LangJA} {
		if err := db.SetUserLang(ctx, "U1", lang); err != nil {
			t.Fatalf("SetUserLang(%s): %v", lang, err)
		}
		got, err := db.UserLang(ctx, "U1")
		if err != nil || got != lang {
			t.Errorf("UserLang = %q, %v; want %q", got, err, lang)
		}
	}
	var stamped string
	if err := db.read.QueryRow(`SELECT updated_at FROM user_prefs WHERE user_id = 'U1'`).Scan(&stamped); err != nil {
		t.Fatal(err)
	}
	if want := "2025-05-06T07:08:09.000000010Z"; stamped != want {
		t.Errorf("updated_at = %q, want %q from the clock", stamped, want)
	}
}

func TestSetUserLang_RejectsUnknownLanguage(t *testing.T) {
	db, _ := openTest(t)
	for _, lang := range []mentoring.Lang{"", "fr", "ja-JP"} {
		if err := db.SetUserLang(context.Background(), "U1", lang); err == nil {
			t.Errorf("SetUserLang(%q) succeeded", lang)
		}
	}
}
