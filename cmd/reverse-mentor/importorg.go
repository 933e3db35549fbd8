package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// runImportOrg is `reverse-mentor import-org FILE.csv`: load departments and reporting
// lines from an HR export. Columns: Slack user ID or email, department, manager's user ID
// or email (empty for the top). Emails are resolved with users.lookupByEmail. Nothing is
// stored when any row has a problem; every problem is listed.
func runImportOrg(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import-org", flag.ContinueOnError)
	path := configFlag(fs)
	dryRun := fs.Bool("dry-run", false, "check the file and print what would be stored, store nothing")
	fs.SetOutput(stderr)
	if err := fs.Parse(reorderArgs(args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: reverse-mentor import-org [--config FILE] [--dry-run] FILE.csv")
		return exitUsage
	}
	rows, err := readOrgCSV(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "import-org:", printable(err.Error()))
		return exitFailed
	}
	cfg, err := LoadConfig(*path, environ(), RequireDatabase)
	if err != nil {
		fmt.Fprintln(stderr, bot.Redact(err.Error()))
		return exitUsage
	}
	var lookup emailLookup
	if needsLookup(rows) {
		if cfg.Slack.BotToken == "" {
			fmt.Fprintln(stderr, "import-org: the file has emails; set slack.bot_token (SLACK_BOT_TOKEN) to resolve them with users.lookupByEmail")
			return exitUsage
		}
		lookup = newEmailLookup(cfg.Slack.BotToken, cfg.Slack.APIURL, lookupTimeout)
	}
	people, lines, problems := resolveOrg(ctx, rows, lookup, lookupTimeout)
	problems = append(problems, mentoring.CheckOrg(people, lines)...)
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "import-org: %d problem(s) in %s; nothing was stored:\n", len(problems), fs.Arg(0))
		for _, p := range problems {
			// Values from the file are echoed: no terminal escape may come with them.
			fmt.Fprintln(stderr, "  -", printable(p.String()))
		}
		return exitFailed
	}
	depts := map[string]bool{}
	managers := map[string]bool{}
	for _, p := range people {
		depts[mentoring.DepartmentKey(p.Department)] = true
		if p.ManagerID != "" {
			managers[p.ManagerID] = true
		}
	}
	if *dryRun {
		fmt.Fprintf(stdout, "%d people, %d departments, %d managers: the file is fine (dry run, nothing stored)\n", len(people), len(depts), len(managers))
		return exitOK
	}
	db, err := store.Open(ctx, cfg.Database.Path)
	if err != nil {
		fmt.Fprintln(stderr, "import-org:", err)
		return exitFailed
	}
	defer db.Close()
	if err := db.ReplaceOrg(ctx, people); err != nil {
		fmt.Fprintln(stderr, "import-org:", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "imported %d people, %d departments, %d managers\n", len(people), len(depts), len(managers))
	return exitOK
}

// reorderArgs lets flags follow the file name (`import-org FILE --dry-run`).
func reorderArgs(args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-"):
			flags = append(flags, a)
			if (a == "--config" || a == "-config") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			rest = append(rest, a)
		}
	}
	return append(flags, rest...)
}

// orgRow is one row of the file as written.
type orgRow struct {
	line                int
	user, dept, manager string
}

// Limits of an HR export: far above any company's, low enough that a wrong file (a
// database dump, a binary) is refused at once with a clear message.
const (
	maxOrgFileBytes = 10 << 20 // 10 MiB
	maxOrgRows      = 100_000
	maxOrgField     = 256 // characters of one field: an email is at most 254
)

// readOrgCSV reads the export: three columns, an optional header row, UTF-8 with or
// without a byte-order mark (as spreadsheet programs write it, before a quoted header
// too), within maxOrgFileBytes, maxOrgRows and maxOrgField.
func readOrgCSV(path string) ([]orgRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > maxOrgFileBytes {
		return nil, fmt.Errorf("%s is %d bytes; import-org reads files of up to %d MiB (is it the right file?)", path, fi.Size(), maxOrgFileBytes>>20)
	}
	br := bufio.NewReader(io.LimitReader(f, maxOrgFileBytes+1))
	if bom, _ := br.Peek(3); string(bom) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	r := csv.NewReader(br)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var rows []orgRow
	read := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		if off := r.InputOffset(); off > maxOrgFileBytes {
			return nil, fmt.Errorf("%s is over %d MiB; import-org reads files of up to %d MiB (is it the right file?)", path, maxOrgFileBytes>>20, maxOrgFileBytes>>20)
		}
		if read++; read > maxOrgRows+1 {
			return nil, fmt.Errorf("%s has more than %d rows; import-org reads up to %d people at once", path, maxOrgRows, maxOrgRows)
		}
		for i, field := range rec {
			if n := utf8.RuneCountInString(field); n > maxOrgField {
				return nil, fmt.Errorf("line %d, column %d: %d characters long; a field may have at most %d", line, i+1, n, maxOrgField)
			}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) < 2 || len(rec) > 3 {
			return nil, fmt.Errorf("line %d: want 3 columns (user, department, manager), got %d", line, len(rec))
		}
		for len(rec) < 3 {
			rec = append(rec, "")
		}
		row := orgRow{line: line, user: strings.TrimSpace(rec[0]), dept: mentoring.CleanText(rec[1]), manager: strings.TrimSpace(rec[2])}
		if len(rows) == 0 && isHeader(row) {
			continue
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s has no rows", path)
	}
	return rows, nil
}

// printable drops control characters (terminal escapes among them) and invisible format
// characters (such as bidirectional overrides) from text echoed from a file.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
}

func isHeader(r orgRow) bool {
	u := strings.ToLower(r.user)
	return !mentoring.LooksLikeUserID(r.user) && !strings.Contains(r.user, "@") &&
		(strings.Contains(u, "user") || strings.Contains(u, "id") || strings.Contains(u, "mail") || strings.Contains(r.dept, "部署") ||
			strings.Contains(strings.ToLower(r.dept), "department"))
}

func needsLookup(rows []orgRow) bool {
	for _, r := range rows {
		if strings.Contains(r.user, "@") || strings.Contains(r.manager, "@") {
			return true
		}
	}
	return false
}

// emailLookup resolves an email to a Slack user; *slack.Client has it.
type emailLookup interface {
	GetUserByEmailContext(ctx context.Context, email string) (*slack.User, error)
}

// lookupTimeout bounds one users.lookupByEmail call, its retries after a 429 aside.
const lookupTimeout = 15 * time.Second

// newEmailLookup returns a Slack client for users.lookupByEmail whose every HTTP call
// ends within timeout.
func newEmailLookup(token, apiURL string, timeout time.Duration) *slack.Client {
	opts := []slack.Option{slack.OptionHTTPClient(&http.Client{Timeout: timeout})}
	if apiURL != "" {
		opts = append(opts, slack.OptionAPIURL(apiURL))
	}
	return slack.New(token, opts...)
}

// resolveOrg turns rows into org people, resolving emails (each once, with retries on
// rate limits, each call within timeout) and checking IDs.
func resolveOrg(ctx context.Context, rows []orgRow, lookup emailLookup, timeout time.Duration) ([]mentoring.OrgPerson, []int, []mentoring.OrgProblem) {
	cache := map[string]string{}
	var problems []mentoring.OrgProblem
	resolve := func(line int, s string) (string, bool) {
		switch {
		case s == "":
			return "", true
		case mentoring.LooksLikeUserID(s):
			return s, true
		case !strings.Contains(s, "@"):
			problems = append(problems, mentoring.OrgProblem{Line: line, UserID: s, Kind: "bad_id", Detail: "is neither a Slack user ID nor an email"})
			return "", false
		}
		key := strings.ToLower(s)
		if id, ok := cache[key]; ok {
			return id, id != ""
		}
		u, err := lookupEmail(ctx, lookup, s, timeout)
		if _, ok := errors.AsType[lookupTimeoutError](err); ok {
			problems = append(problems, mentoring.OrgProblem{Line: line, UserID: s, Kind: "lookup_failed", Detail: "could not be looked up: " + err.Error()})
			cache[key] = ""
			return "", false
		}
		if err != nil {
			problems = append(problems, mentoring.OrgProblem{Line: line, UserID: s, Kind: "unknown_email", Detail: "no Slack user: " + bot.Redact(err.Error())})
			cache[key] = ""
			return "", false
		}
		cache[key] = u
		return u, true
	}
	var people []mentoring.OrgPerson
	var lines []int
	for _, r := range rows {
		user, ok1 := resolve(r.line, r.user)
		manager, ok2 := resolve(r.line, r.manager)
		if !ok1 || !ok2 || user == "" {
			if user == "" && ok1 {
				problems = append(problems, mentoring.OrgProblem{Line: r.line, Kind: "no_user", Detail: "the first column is empty"})
			}
			continue
		}
		people = append(people, mentoring.OrgPerson{UserID: user, Department: r.dept, ManagerID: manager})
		lines = append(lines, r.line)
	}
	return people, lines, problems
}

// lookupEmail asks Slack for the user with the email, each call within timeout, waiting
// out rate limits (users.lookupByEmail is Tier 3).
func lookupEmail(ctx context.Context, lookup emailLookup, email string, timeout time.Duration) (string, error) {
	for attempt := 0; ; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		u, err := lookup.GetUserByEmailContext(cctx, email)
		cancel()
		if err != nil && (errors.Is(err, context.DeadlineExceeded) || isTimeout(err)) && ctx.Err() == nil {
			return "", lookupTimeoutError{timeout}
		}
		if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok && attempt < 5 {
			select {
			case <-time.After(rl.RetryAfter):
				continue
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		if err != nil {
			return "", err
		}
		return u.ID, nil
	}
}

// lookupTimeoutError means Slack did not answer a lookup in time.
type lookupTimeoutError struct{ timeout time.Duration }

// Error says how long Slack was given.
func (e lookupTimeoutError) Error() string {
	return fmt.Sprintf("Slack did not answer within %s", e.timeout)
}

// isTimeout reports whether err is a network timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
