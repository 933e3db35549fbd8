package slackfake

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// Transcript writes a readable account of what each person saw and did, in
// order, for the given people (everyone added with AddUser if none are
// given). Block Kit is rendered with BlocksText.
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
		p := s.people[id]
		u := s.users[id]
		if p == nil || u == nil {
			continue
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "=== %s (%s) ===\n", u.RealName, id)
		seen, acts := p.seen, p.actions
		for len(seen) > 0 || len(acts) > 0 {
			if len(acts) > 0 && (len(seen) == 0 || !acts[0].at.After(seen[0].At)) {
				fmt.Fprintf(w, "%s  > %s\n", s.stampLocked(u, acts[0].at, acts[0].simAt), acts[0].text)
				acts = acts[1:]
				continue
			}
			s.writeSeenLocked(w, id, seen[0])
			seen = seen[1:]
		}
	}
}

func clock(t time.Time) string { return t.Format("15:04:05.000") }

// stampLocked labels a transcript line: the simulated time in the person's zone when
// the server has a Clock, else the wall-clock time.
func (s *Server) stampLocked(u *userRecord, at, simAt time.Time) string {
	if simAt.IsZero() {
		return clock(at)
	}
	if u == nil {
		return simAt.Format("Mon 01-02 15:04 UTC")
	}
	if loc, err := time.LoadLocation(u.TZ); err == nil && u.TZ != "" {
		simAt = simAt.In(loc)
	}
	return simAt.Format("Mon 01-02 15:04")
}

func (s *Server) writeSeenLocked(w io.Writer, self string, x Seen) {
	head := x.Kind
	switch {
	case x.User != "" && x.User == self:
		head += " (you)"
	case x.User != "" && x.User != s.opts.BotUserID:
		name := x.User
		if u := s.users[x.User]; u != nil {
			name = u.RealName
		}
		head += " from " + name
	}
	if x.Channel != "" {
		head += " in " + s.channelLabelLocked(x.Channel)
	}
	fmt.Fprintf(w, "%s  %s\n", s.stampLocked(s.users[self], x.At, x.SimAt), head)
	for line := range strings.SplitSeq(s.mentionNamesLocked(x.Text), "\n") {
		if line != "" {
			fmt.Fprintf(w, "      %s\n", line)
		}
	}
}

func (s *Server) channelLabelLocked(id string) string {
	c := s.convs[id]
	switch {
	case c == nil:
		return id
	case c.kind == convIM:
		return "DM"
	case c.kind == convMPIM:
		return "group DM " + id
	default:
		return "#" + c.name
	}
}

var mentionPattern = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// mentionNamesLocked shows user mentions as Slack's client does: @ and the person's name.
func (s *Server) mentionNamesLocked(text string) string {
	return mentionPattern.ReplaceAllStringFunc(text, func(m string) string {
		id := mentionPattern.FindStringSubmatch(m)[1]
		if u := s.users[id]; u != nil {
			return "@" + firstNonEmpty(u.DisplayName, u.RealName, u.Name, id)
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
