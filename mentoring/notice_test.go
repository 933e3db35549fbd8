package mentoring

import (
	"encoding/json"
	"testing"
)

func TestNotice_Validate(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    Notice
		ok   bool
	}{
		{"dm", Notice{Key: "k", Kind: NoticePulse, UserIDs: []string{"U1"}}, true},
		{"group dm", Notice{Key: "k", Kind: NoticeIntro, UserIDs: []string{"U2", "U1"}, Data: json.RawMessage(`{"pair":1}`)}, true},
		{"channel", Notice{Key: "k", Kind: NoticeSummary, Channel: "C1"}, true},
		{"eight people", Notice{Key: "k", Kind: NoticeIntro, UserIDs: []string{"1", "2", "3", "4", "5", "6", "7", "8"}}, true},
		{"nine people", Notice{Key: "k", Kind: NoticeIntro, UserIDs: []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}}, false},
		{"no key", Notice{Kind: NoticePulse, UserIDs: []string{"U1"}}, false},
		{"blank key", Notice{Key: " ", Kind: NoticePulse, UserIDs: []string{"U1"}}, false},
		{"no kind", Notice{Key: "k", UserIDs: []string{"U1"}}, false},
		{"nobody", Notice{Key: "k", Kind: NoticePulse}, false},
		{"both", Notice{Key: "k", Kind: NoticePulse, Channel: "C1", UserIDs: []string{"U1"}}, false},
		{"empty user", Notice{Key: "k", Kind: NoticePulse, UserIDs: []string{""}}, false},
		{"repeated user", Notice{Key: "k", Kind: NoticePulse, UserIDs: []string{"U1", "U1"}}, false},
		{"comma in user", Notice{Key: "k", Kind: NoticePulse, UserIDs: []string{"U1,U2"}}, false},
		{"bad data", Notice{Key: "k", Kind: NoticePulse, UserIDs: []string{"U1"}, Data: json.RawMessage(`{`)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.n.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && ErrorCode(err) != EINVALID {
				t.Errorf("code = %q, want %q", ErrorCode(err), EINVALID)
			}
		})
	}
}

func TestNotice_UsersKey(t *testing.T) {
	for _, tc := range []struct {
		users []string
		want  string
	}{
		{nil, ""},
		{[]string{"U1"}, "U1"},
		{[]string{"U2", "U1"}, "U1,U2"},
		{[]string{"U1", "U3", "U2"}, "U1,U2,U3"},
	} {
		if got := (Notice{UserIDs: tc.users}).UsersKey(); got != tc.want {
			t.Errorf("UsersKey(%v) = %q, want %q", tc.users, got, tc.want)
		}
	}
}
