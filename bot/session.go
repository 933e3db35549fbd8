package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Sessions is what the bot needs of the domain once people are paired: check-ins,
// pulse surveys, follow-up flags, and taking a break or leaving. Each part is declared
// beside the surface that uses it.
type Sessions interface {
	CheckIns
	Pulses
	FollowUps
	Lifecycle
}

// The smile scale's faces, worst (1) to best (5). Burden runs the other way: 1 is light
// (😄), 5 very heavy (😣).
var smileFaces = [mentoring.ScaleMax + 1]string{"", "😣", "😟", "😐", "🙂", "😄"}

// scaleLabel is one point of the smile scale as people see it: a face and a word.
func scaleLabel(cat *Catalog, lang mentoring.Lang, v int) string {
	if v < mentoring.ScaleMin || v > mentoring.ScaleMax {
		return ""
	}
	return smileFaces[v] + " " + cat.T(lang, "scale_"+strconv.Itoa(v), nil)
}

// burdenLabel is one point of the burden scale: 1 light (😄) to 5 very heavy (😣).
func burdenLabel(cat *Catalog, lang mentoring.Lang, v int) string {
	if v < mentoring.ScaleMin || v > mentoring.ScaleMax {
		return ""
	}
	return smileFaces[mentoring.ScaleMax+1-v] + " " + cat.T(lang, "burden_"+strconv.Itoa(v), nil)
}

// partnerName names someone's partner in a sentence: a mention with the language's
// honorific, or, for a partner whose data was erased, a kind phrase without a name.
func partnerName(cat *Catalog, lang mentoring.Lang, userID string) string {
	if !mentoring.LooksLikeUserID(userID) {
		return cat.T(lang, "checkin_former_partner", nil)
	}
	return cat.T(lang, "name_honorific", map[string]any{"User": userID})
}

// zone returns the time zone to show a person's dates in: their IANA zone, else the
// fixed offset Slack reported, else UTC.
func zone(tz string, offsetSeconds int) *time.Location {
	if tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	if offsetSeconds != 0 {
		return time.FixedZone("", offsetSeconds)
	}
	return time.UTC
}

var jaWeekdays = [...]string{"日", "月", "火", "水", "木", "金", "土"}

// dateText writes a day as people read it: "Mon 13 Apr" or 「4月13日（月）」.
func dateText(lang mentoring.Lang, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if lang == mentoring.LangJA {
		return fmt.Sprintf("%d月%d日（%s）", int(t.Month()), t.Day(), jaWeekdays[t.Weekday()])
	}
	return t.Format("Mon 2 Jan")
}

// dateTimeText writes a day and a time of day: "Mon 13 Apr 14:05" or 「4月13日（月）14:05」.
func dateTimeText(lang mentoring.Lang, t time.Time, loc *time.Location) string {
	sep := " "
	if lang == mentoring.LangJA {
		sep = ""
	}
	return dateText(lang, t, loc) + sep + t.In(loc).Format("15:04")
}

// surveyDateText writes a pulse survey's date (YYYY-MM-DD, a calendar day) for people.
func surveyDateText(lang mentoring.Lang, date string) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return escapeMrkdwn(truncate(date, 20))
	}
	return dateText(lang, d, time.UTC)
}

// shortDateText writes a day without its weekday, for ranges: "13 Apr", 「4月13日」.
func shortDateText(lang mentoring.Lang, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if lang == mentoring.LangJA {
		return fmt.Sprintf("%d月%d日", int(t.Month()), t.Day())
	}
	return t.Format("2 Jan")
}

// calendarDateText writes a calendar day (a cycle's start or end) with its year:
// "6 Apr 2026", 「2026年4月6日」.
func calendarDateText(lang mentoring.Lang, d mentoring.Date) string {
	t, err := time.Parse(time.DateOnly, string(d))
	if err != nil {
		return escapeMrkdwn(truncate(string(d), 20))
	}
	if lang == mentoring.LangJA {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	return t.Format("2 Jan 2006")
}

// windowDates returns a session window's first and last days in loc. The window ends
// at the instant its check-in falls due, so its last day is the day of that instant.
func windowDates(lang mentoring.Lang, w mentoring.Window, loc *time.Location) (from, to string) {
	return shortDateText(lang, w.Start, loc), shortDateText(lang, w.End, loc)
}

// checkInRef is what a check-in button carries: the pair and the window (0 for the
// one to answer now).
type checkInRef struct {
	Pair   int64
	Window int
}

func (r checkInRef) String() string { return fmt.Sprintf("%d:%d", r.Pair, r.Window) }

// parseCheckInRef reads a check-in button's value; "" means "choose the pair for me".
func parseCheckInRef(s string) (checkInRef, bool) {
	if s == "" {
		return checkInRef{}, true
	}
	p, w, ok := strings.Cut(s, ":")
	if !ok {
		return checkInRef{}, false
	}
	id, err1 := strconv.ParseInt(p, 10, 64)
	n, err2 := strconv.Atoi(w)
	if err1 != nil || err2 != nil || id <= 0 || n < 0 || n > 10000 {
		return checkInRef{}, false
	}
	return checkInRef{Pair: id, Window: n}, true
}

// personZone returns the zone to show userID's dates in, from Slack (cached).
func (b *Bot) personZone(ctx context.Context, userID string) *time.Location {
	p, err := b.users.lookup(ctx, userID)
	if err != nil {
		b.log.Warn("users.info", "user", userID, "err", redact(err.Error()))
	}
	return zone(p.TZ, p.TZOffset)
}
