package slackfake

import (
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Entry is one thing a person saw or did, for a timeline across people. Its text
// holds no identifier the fake makes up at random (no channel IDs, ts or view IDs):
// conversations are labelled by their members' names and mentions show names.
type Entry struct {
	// Seq numbers what the server records in the order it records it. Entries at
	// one simulated instant are in Seq order, so a run that performs the same
	// actions in the same order yields the same entries in the same order.
	Seq   uint64
	SimAt time.Time // Options.Clock's time when recorded; zero without a Clock
	At    time.Time // wall-clock time when recorded; differs from run to run
	// UserID and Name are the person's.
	UserID, Name string
	// Kind is a Seen kind ("message", "modal_open"…) or "action" for something the
	// person did.
	Kind string
	// Channel labels where a message was: "DM" (with the app), "group DM with Aoi
	// Sato, Ken Tanaka" (every human member, by name), "#channel"; "" for views.
	Channel string
	// From is the name of the person who wrote a message; "" for the app's own.
	From string
	// Text is what was shown or done, as plain text.
	Text   string
	fromID string
}

// Entries returns everything every person saw and did, ordered by simulated time
// (Options.Clock) and then by Seq, so the same sequence of actions gives the same
// order on every run. Without a Clock the order is Seq alone.
func (s *Server) Entries() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Entry
	for _, id := range s.userOrder {
		if p := s.people[id]; p != nil {
			out = append(out, s.entriesLocked(p)...)
		}
	}
	slices.SortFunc(out, compareEntries)
	return out
}

func compareEntries(a, b Entry) int {
	if c := a.SimAt.Compare(b.SimAt); c != 0 {
		return c
	}
	return cmp.Compare(a.Seq, b.Seq)
}

// entriesLocked returns what one person saw and did, in order.
func (s *Server) entriesLocked(p *Person) []Entry {
	name := p.id
	if u := s.users[p.id]; u != nil {
		name = u.RealName
	}
	out := make([]Entry, 0, len(p.seen)+len(p.actions))
	for _, a := range p.actions {
		out = append(out, Entry{Seq: a.seq, SimAt: a.simAt, At: a.at, UserID: p.id, Name: name,
			Kind: "action", Text: s.plainLocked(a.text)})
	}
	for _, x := range p.seen {
		e := Entry{Seq: x.Seq, SimAt: x.SimAt, At: x.At, UserID: p.id, Name: name, Kind: x.Kind,
			Channel: s.channelLabelLocked(x.Channel), Text: s.plainLocked(x.Text), fromID: x.User}
		if x.User != "" && x.User != s.opts.BotUserID {
			e.From = s.nameLocked(x.User)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, compareEntries)
	return out
}

// Transcript writes a readable account of what each person saw and did, in
// order, for the given people (everyone added with AddUser if none are
// given). Block Kit is rendered with BlocksText; times are simulated ones (in
// each person's time zone) when the server has a Clock.
func (s *Server) Transcript(w io.Writer, userIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(userIDs) == 0 {
		for _, id := range s.userOrder {
			if s.people[id] != nil {
				userIDs = append(userIDs, id)
			}
		}
	}
	for i, id := range userIDs {
		p, u := s.people[id], s.users[id]
		if p == nil || u == nil {
			continue
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "=== %s (%s) ===\n", u.RealName, id)
		for _, e := range s.entriesLocked(p) {
			stamp := stamp(u, e.At, e.SimAt)
			if e.Kind == "action" {
				fmt.Fprintf(w, "%s  > %s\n", stamp, e.Text)
				continue
			}
			head := e.Kind
			switch {
			case e.fromID == id:
				head += " (you)"
			case e.From != "":
				head += " from " + e.From
			}
			if e.Channel != "" {
				head += " in " + e.Channel
			}
			fmt.Fprintf(w, "%s  %s\n", stamp, head)
			for line := range strings.SplitSeq(e.Text, "\n") {
				if line != "" {
					fmt.Fprintf(w, "      %s\n", line)
				}
			}
		}
	}
}

// stamp labels a transcript line: the simulated time in the person's zone when
// there is one, else the wall-clock time.
func stamp(u *userRecord, at, simAt time.Time) string {
	if simAt.IsZero() {
		return at.Format("15:04:05.000")
	}
	if loc, err := time.LoadLocation(u.TZ); err == nil && u.TZ != "" {
		simAt = simAt.In(loc)
	}
	return simAt.Format("Mon 01-02 15:04")
}

// channelLabelLocked names a conversation without its ID.
func (s *Server) channelLabelLocked(id string) string {
	c := s.convs[id]
	switch {
	case id == "":
		return ""
	case c == nil:
		return "a conversation the app cannot see"
	case c.kind == convIM:
		return "DM"
	case c.kind == convMPIM:
		names := make([]string, 0, len(c.members))
		for _, m := range c.members {
			names = append(names, s.nameLocked(m))
		}
		slices.Sort(names)
		return "group DM with " + strings.Join(names, ", ")
	default:
		return "#" + c.name
	}
}

// nameLocked is how Slack's client names a person: display name, else real name.
func (s *Server) nameLocked(id string) string {
	if u := s.users[id]; u != nil {
		return firstNonEmpty(u.DisplayName, u.RealName, u.Name, id)
	}
	return id
}

var (
	mentionPattern = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)
	channelPattern = regexp.MustCompile(`<#([CDG][A-Z0-9]+)(?:\|([^>]*))?>`)
)

// plainLocked shows mentions as Slack's client does: a user as @name, a channel as
// #name.
func (s *Server) plainLocked(text string) string {
	text = mentionPattern.ReplaceAllStringFunc(text, func(m string) string {
		id := mentionPattern.FindStringSubmatch(m)[1]
		if s.users[id] != nil {
			return "@" + s.nameLocked(id)
		}
		return m
	})
	return channelPattern.ReplaceAllStringFunc(text, func(m string) string {
		sub := channelPattern.FindStringSubmatch(m)
		switch c := s.convs[sub[1]]; {
		case sub[2] != "":
			return "#" + sub[2]
		case c != nil && c.kind == convChannel:
			return "#" + c.name
		}
		return m
	})
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
