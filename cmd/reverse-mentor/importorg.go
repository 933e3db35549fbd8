package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

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
		fmt.Fprintln(stderr, "import-org:", err)
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
		opts := []slack.Option{}
		if cfg.Slack.APIURL != "" {
			opts = append(opts, slack.OptionAPIURL(cfg.Slack.APIURL))
		}
		lookup = slack.New(cfg.Slack.BotToken, opts...)
	}
	people, lines, problems := resolveOrg(ctx, rows, lookup)
	problems = append(problems, mentoring.CheckOrg(people, lines)...)
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "import-org: %d problem(s) in %s; nothing was stored:\n", len(problems), fs.Arg(0))
		for _, p := range problems {
			fmt.Fprintln(stderr, "  -", p)
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

// readOrgCSV reads the export: three columns, an optional header row, UTF-8 with or
// without a byte-order mark (as spreadsheet programs write it).
func readOrgCSV(path string) ([]orgRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var rows []orgRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		if len(rows) == 0 && len(rec) > 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\uFEFF")
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

// resolveOrg turns rows into org people, resolving emails (each once, with retries on
// rate limits) and checking IDs.
func resolveOrg(ctx context.Context, rows []orgRow, lookup emailLookup) ([]mentoring.OrgPerson, []int, []mentoring.OrgProblem) {
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
		u, err := lookupEmail(ctx, lookup, s)
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

// lookupEmail asks Slack for the user with the email, waiting out rate limits (users.lookupByEmail is Tier 3).
func lookupEmail(ctx context.Context, lookup emailLookup, email string) (string, error) {
	for attempt := 0; ; attempt++ {
		u, err := lookup.GetUserByEmailContext(ctx, email)
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
