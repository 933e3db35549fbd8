package store

import (
	"context"
	"errors"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

func TestDMChannel_Cache(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	if _, err := db.DMChannel(ctx, "U1"); !errors.Is(err, mentoring.ErrNotFound) {
		t.Fatalf("empty cache: %v, want ErrNotFound", err)
	}
	for _, tc := range []struct{ key, channel string }{
		{"U1", "D1"},
		{"U1,U2", "G1"},
		{"U1", "D9"}, // replaced
	} {
		if err := db.SaveDMChannel(ctx, tc.key, tc.channel); err != nil {
			t.Fatalf("save %s: %v", tc.key, err)
		}
	}
	for key, want := range map[string]string{"U1": "D9", "U1,U2": "G1"} {
		if got, err := db.DMChannel(ctx, key); err != nil || got != want {
			t.Errorf("DMChannel(%s) = %q, %v; want %q", key, got, err, want)
		}
	}
	if err := db.ForgetDMChannel(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DMChannel(ctx, "U1"); !errors.Is(err, mentoring.ErrNotFound) {
		t.Errorf("after forget: %v", err)
	}
	if err := db.ForgetDMChannel(ctx, "U404"); err != nil {
		t.Errorf("forgetting an unknown key: %v", err)
	}
}

func TestSaveDMChannel_RejectsMalformed(t *testing.T) {
	db, _ := openTest(t)
	for _, tc := range []struct{ key, channel string }{
		{"", "D1"},
		{"U1", ""},
		{"U2,U1", "G1"}, // not sorted
		{"U1,,U2", "G1"},
	} {
		if err := db.SaveDMChannel(context.Background(), tc.key, tc.channel); err == nil {
			t.Errorf("SaveDMChannel(%q, %q) accepted", tc.key, tc.channel)
		}
	}
}
