package demo

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// filesDir is the folder under --out where the files the app uploaded are saved.
const filesDir = "files"

// writeHRChannel prints, in full, what HR read in the HR channel week after week: the
// weekly summaries and the cycle report, each with the chart that came with it.
func (s *script) writeHRChannel(w io.Writer) {
	fmt.Fprintf(w, "\n══ %s ══\n", say(s.lang, "hr_channel", "#hr-reverse-mentoring"))
	files := map[string]slackfake.File{}
	for _, f := range s.fake.Files() {
		files[f.ID] = f
	}
	for _, m := range s.fake.Messages(hrChannel) {
		if m.Deleted {
			continue
		}
		at := s.postedAt(m)
		fmt.Fprintf(w, "\n── %s\n", stamp(s.lang, "time_format", at.In(s.loc)))
		if text := slackfake.BlocksText(m.Blocks); text != "" {
			for l := range strings.SplitSeq(text, "\n") {
				if strings.TrimSpace(l) != "" {
					fmt.Fprintf(w, "  %s\n", l)
				}
			}
		}
		for _, id := range m.Files {
			if f, ok := files[id]; ok {
				fmt.Fprintf(w, "  📎 %s → %s\n", f.Title, filepath.Join(filesDir, f.Name))
			}
		}
	}
}

// postedAt is when a message was posted, on the simulated clock: the fake records what
// people saw at simulated times, so the HR admin's view of the message tells it.
func (s *script) postedAt(m slackfake.Message) time.Time {
	for _, x := range s.people[s.org.AdminID].Seen() {
		if x.TS == m.TS {
			return x.SimAt
		}
	}
	return s.clock.Now()
}

// saveFiles writes every file the app uploaded (charts, exports) under --out and
// returns their paths.
func (s *script) saveFiles() ([]string, error) {
	dir := filepath.Join(s.out, filesDir)
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var paths []string
	for _, f := range s.fake.Files() {
		name := filepath.Base(f.Name)
		if name == "." || name == "/" || name == "" {
			name = f.ID
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, f.Bytes, 0o644); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}
