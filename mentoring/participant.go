package mentoring

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Role is the part a participant plays.
type Role string

// Roles. The mentor is the junior who guides; the mentee the senior who learns.
const (
	RoleMentor Role = "mentor"
	RoleMentee Role = "mentee"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleMentor || r == RoleMentee }

// Cadence is how often a pair plans to meet.
type Cadence string

// Cadences.
const (
	CadenceWeekly   Cadence = "weekly"
	CadenceBiweekly Cadence = "biweekly"
	CadenceMonthly  Cadence = "monthly"
)

// Cadences lists every cadence, most frequent first.
var Cadences = []Cadence{CadenceWeekly, CadenceBiweekly, CadenceMonthly}

// Valid reports whether c is a known cadence.
func (c Cadence) Valid() bool { return slices.Contains(Cadences, c) }

// Interval is the length of one session window at this cadence.
func (c Cadence) Interval() time.Duration {
	switch c {
	case CadenceWeekly:
		return 7 * 24 * time.Hour
	case CadenceMonthly:
		return 28 * 24 * time.Hour
	default:
		return 14 * 24 * time.Hour
	}
}

// Status is where a participant stands in the programme.
type Status string

// Statuses.
const (
	StatusActive Status = "active"
	StatusPaused Status = "paused"
	StatusLeft   Status = "left"
)

// Limits on profile values, checked on the server whatever the Slack client enforced.
const (
	MaxDepartmentLen  = 80  // runes
	MaxFreeTopicsLen  = 500 // runes
	MaxTopics         = 10
	MaxMentorCapacity = 3
)

// Profile is what a person tells the programme about themselves in the opt-in modal.
type Profile struct {
	Role       Role
	Department string
	ManagerID  string // Slack user ID of their manager; empty when they have none
	Topics     []string
	FreeTopics string
	Languages  []Lang
	Cadence    Cadence
	Capacity   int // how many mentees a mentor takes at once; 1 for mentees
	Consent    bool
}

// Participant is a person who has joined the programme.
type Participant struct {
	UserID      string
	DisplayName string
	TZ          string // IANA zone from Slack, e.g. "Asia/Tokyo"
	TZOffset    int    // seconds east of UTC at the time of the last update
	Profile
	Status      Status
	PausedUntil time.Time
	// QuietSince is when QuietAfter check-in prompts in a row went unanswered: the bot
	// stops prompting and HR follows up. Zero once the person answers again.
	QuietSince time.Time
	JoinedAt   time.Time
	UpdatedAt  time.Time
}

// FieldErrors maps a profile field ("role", "department", "manager", "topics",
// "free_topics", "languages", "cadence", "capacity", "consent") to a message key.
type FieldErrors map[string]string

// Normalize returns p with its text tidied: Unicode NFKC, control characters removed,
// runs of space folded, ends trimmed, lists de-duplicated. It does not judge validity.
func (p Profile) Normalize() Profile {
	p.Department = CleanText(p.Department)
	p.FreeTopics = CleanText(p.FreeTopics)
	p.ManagerID = strings.TrimSpace(p.ManagerID)
	topics := make([]string, 0, len(p.Topics))
	for _, t := range p.Topics {
		t = strings.TrimSpace(t)
		if t != "" && !slices.Contains(topics, t) {
			topics = append(topics, t)
		}
	}
	p.Topics = topics
	langs := make([]Lang, 0, len(p.Languages))
	for _, l := range Langs {
		if slices.Contains(p.Languages, l) {
			langs = append(langs, l)
		}
	}
	p.Languages = langs
	if p.Role == RoleMentee {
		p.Capacity = 1
	}
	return p
}

// Validate checks a normalized profile of user against the programme's rules and the
// topic catalogue. It returns nil when every field is acceptable.
func (p Profile) Validate(userID string, catalogue Catalogue) FieldErrors {
	errs := FieldErrors{}
	if !p.Role.Valid() {
		errs["role"] = "join_error_role"
	}
	switch n := utf8.RuneCountInString(p.Department); {
	case n == 0:
		errs["department"] = "join_error_department_empty"
	case n > MaxDepartmentLen:
		errs["department"] = "join_error_department_long"
	}
	if p.ManagerID != "" && !LooksLikeUserID(p.ManagerID) {
		errs["manager"] = "join_error_manager_invalid"
	} else if p.ManagerID != "" && p.ManagerID == userID {
		errs["manager"] = "join_error_manager_self"
	}
	for _, t := range p.Topics {
		if _, ok := catalogue.Topic(t); !ok {
			errs["topics"] = "join_error_topic_unknown"
		}
	}
	if len(p.Topics) > MaxTopics {
		errs["topics"] = "join_error_topics_many"
	}
	if utf8.RuneCountInString(p.FreeTopics) > MaxFreeTopicsLen {
		errs["free_topics"] = "join_error_free_topics_long"
	}
	if len(p.Topics) == 0 && p.FreeTopics == "" {
		errs["topics"] = "join_error_topics_empty"
	}
	if len(p.Languages) == 0 {
		errs["languages"] = "join_error_languages_empty"
	}
	if !p.Cadence.Valid() {
		errs["cadence"] = "join_error_cadence"
	}
	if p.Role == RoleMentor && (p.Capacity < 1 || p.Capacity > MaxMentorCapacity) {
		errs["capacity"] = "join_error_capacity"
	}
	if !p.Consent {
		errs["consent"] = "join_error_consent"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// LooksLikeUserID reports whether s has the shape of a Slack user ID (U… or W…).
func LooksLikeUserID(s string) bool {
	if len(s) < 3 || len(s) > 20 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for _, r := range s[1:] {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// CleanText normalizes free text from people: NFKC, no control or format characters
// (but newlines kept), spaces folded, ends trimmed, and invalid UTF-8 replaced.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
			space = false
			continue
		case unicode.IsSpace(r):
			if !space {
				b.WriteRune(' ')
			}
			space = true
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) && r != '\u200d':
			continue
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimSpace(b.String())
}

// DepartmentKey is the form of a department name used to compare two of them:
// "Sales ", "ｓａｌｅｓ" and "SALES" are the same department.
func DepartmentKey(d string) string {
	return cases.Fold().String(CleanText(d))
}

// Active reports whether the participant takes part now: joined, not paused past now, not left.
func (p Participant) Active(now time.Time) bool {
	switch p.Status {
	case StatusActive:
		return true
	case StatusPaused:
		return !p.PausedUntil.IsZero() && !now.Before(p.PausedUntil)
	}
	return false
}
