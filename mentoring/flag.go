package mentoring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// FlagCause is why HR is asked to follow up with someone.
type FlagCause string

// Causes of a follow-up flag. Each is raised once per cause and window (or pulse), and
// reaches HR admins only, by private DM: never a channel, never the partner.
const (
	FlagBurden  FlagCause = "burden"  // a mentor rated guiding a senior 4–5 (heavy)
	FlagMood    FlagCause = "mood"    // a pulse mood of 1 (very hard)
	FlagSafety  FlagCause = "safety"  // hard to speak freely, or a pulse safety of 1–2
	FlagContact FlagCause = "contact" // "I'd like HR to contact me"
	FlagStalled FlagCause = "stalled" // a pair reported no session two windows in a row
	FlagQuiet   FlagCause = "quiet"   // three check-in prompts in a row went unanswered
)

// FlagCauses lists every cause, in the order HR reads them.
var FlagCauses = []FlagCause{FlagContact, FlagBurden, FlagSafety, FlagMood, FlagStalled, FlagQuiet}

// Thresholds that raise a flag.
const (
	BurdenFlagAt = 4 // burden at or above
	MoodFlagAt   = 1 // pulse mood at or below
	SafetyFlagAt = 2 // pulse safety at or below
)

// Flag is a private alert to HR admins about one person or pair.
type Flag struct {
	ID    int64
	Key   string // cause, subject and window: raising the same key again does nothing
	Cause FlagCause
	// UserID is the person concerned; for a stalled pair, its mentor.
	UserID string
	PairID int64 // 0 when not about a pair
	Detail FlagDetail

	CreatedAt time.Time
	HandledBy string
	HandledAt time.Time

	// Notices tell the HR admins: a store queues them with the flag, and only when the
	// flag is new. They are not stored with it.
	Notices []Notice
}

// Handled reports whether an admin has marked the flag handled.
func (f Flag) Handled() bool { return f.HandledBy != "" }

// FlagDetail is the answer that raised a flag, for HR to read.
type FlagDetail struct {
	Window    int    `json:"window,omitempty"`     // check-in window
	PulseDate string `json:"pulse_date,omitempty"` // pulse survey date, YYYY-MM-DD
	PartnerID string `json:"partner_id,omitempty"`
	Role      Role   `json:"role,omitempty"`

	Rating      int  `json:"rating,omitempty"`
	Burden      int  `json:"burden,omitempty"`
	Mood        int  `json:"mood,omitempty"`
	Safety      int  `json:"safety,omitempty"`
	HardToSpeak bool `json:"hard_to_speak,omitempty"`
	Met         Met  `json:"met,omitempty"`
	// Note is the private note, present only when the person asked HR to contact them.
	Note      string `json:"note,omitempty"`
	ContactHR bool   `json:"contact_hr,omitempty"`
	// Missed is how many windows (stalled) or prompts (quiet) went unanswered.
	Missed int `json:"missed,omitempty"`
}

// FlagData is the payload of a flag notice: a DM to one HR admin. The renderer reads the
// flag's current state, so a copy sent after another admin handled it says so.
type FlagData struct {
	FlagKey string `json:"flag_key"`
	AdminID string `json:"admin_id"`
}

// flagNotices returns the DMs that tell every admin about a new flag.
func (s *Service) flagNotices(f Flag) []Notice {
	out := make([]Notice, 0, len(s.opts.Admins))
	for _, admin := range s.opts.Admins {
		data, _ := json.Marshal(FlagData{FlagKey: f.Key, AdminID: admin})
		out = append(out, Notice{Key: "flag:" + f.Key + ":" + admin, Kind: NoticeFlag,
			UserIDs: []string{admin}, Data: data})
	}
	return out
}

// handledNotices returns the updates that turn every admin's copy of a flag into
// "handled by …", in place.
func (s *Service) handledNotices(f Flag) []Notice {
	out := make([]Notice, 0, len(s.opts.Admins))
	for _, admin := range s.opts.Admins {
		data, _ := json.Marshal(FlagData{FlagKey: f.Key, AdminID: admin})
		orig := "flag:" + f.Key + ":" + admin
		out = append(out, Notice{Key: orig + ":handled", Kind: NoticeFlag, UserIDs: []string{admin},
			Data: data, Replaces: orig})
	}
	return out
}

// newFlag builds a flag with its key.
func newFlag(cause FlagCause, userID string, pairID int64, scope string, d FlagDetail, now time.Time) Flag {
	return Flag{Key: fmt.Sprintf("%s:%s:%d:%s", cause, userID, pairID, scope), Cause: cause,
		UserID: userID, PairID: pairID, Detail: d, CreatedAt: now}
}

// checkInFlags returns the flags a check-in raises.
func checkInFlags(c CheckIn, partnerID string, now time.Time) []Flag {
	scope := fmt.Sprintf("w%d", c.Window)
	d := FlagDetail{Window: c.Window, PartnerID: partnerID, Role: c.Role, Rating: c.Rating, Burden: c.Burden,
		HardToSpeak: c.HardToSpeak, Met: c.Met, ContactHR: c.ContactHR}
	if c.ContactHR {
		d.Note = c.PrivateNote
	}
	var out []Flag
	if c.ContactHR {
		out = append(out, newFlag(FlagContact, c.UserID, c.PairID, scope, d, now))
	}
	if c.Burden >= BurdenFlagAt {
		out = append(out, newFlag(FlagBurden, c.UserID, c.PairID, scope, d, now))
	}
	if c.HardToSpeak {
		out = append(out, newFlag(FlagSafety, c.UserID, c.PairID, scope, d, now))
	}
	return out
}

// Flags lists follow-up flags for an HR admin, newest first: the open ones, or all when
// all is set (at most limit).
func (s *Service) Flags(ctx context.Context, by string, all bool, limit int) ([]Flag, error) {
	if err := s.requireAdmin(by); err != nil {
		return nil, err
	}
	fs, err := s.sessions.Flags(ctx, all, limit)
	if err != nil {
		return nil, fmt.Errorf("flags: %w", err)
	}
	return fs, nil
}

// Flag returns the flag with the key, for rendering its DM.
func (s *Service) Flag(ctx context.Context, key string) (Flag, error) {
	f, err := s.sessions.Flag(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return Flag{}, &Error{Code: ENOTFOUND, MessageKey: "flag_unknown"}
	}
	return f, err
}

// HandleFlag records that the admin by has followed up on a flag: who and when are kept,
// and every admin's copy of the flag DM is rewritten to say so. Handling a flag twice
// (two admins at once) keeps the first and returns it with ECONFLICT.
func (s *Service) HandleFlag(ctx context.Context, by, key string) (Flag, error) {
	if err := s.requireAdmin(by); err != nil {
		return Flag{}, err
	}
	f, err := s.Flag(ctx, key)
	if err != nil {
		return Flag{}, err
	}
	f, first, err := s.sessions.HandleFlag(ctx, key, by, s.clock.Now(), s.handledNotices(f))
	if err != nil {
		return Flag{}, fmt.Errorf("handle flag %s: %w", key, err)
	}
	if !first {
		return f, &Error{Code: ECONFLICT, MessageKey: "flag_handled_already",
			Data: map[string]any{"By": f.HandledBy}}
	}
	return f, nil
}
