package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/reverse-mentor/reverse-mentor/match"
)

const benchUsage = `Usage: reverse-mentor bench match --costs FILE [--json]

Reads a dense CSV cost matrix (rows are mentors, columns mentees; an empty cell or inf
is a forbidden pair), solves the assignment and prints
  rows cols assigned total_cost seconds
where seconds is the time of the solve alone, not of reading the file.
`

// benchResult is what `bench match` prints.
type benchResult struct {
	Rows      int     `json:"rows"`
	Cols      int     `json:"cols"`
	Assigned  int     `json:"assigned"`
	TotalCost float64 `json:"total_cost"`
	Seconds   float64 `json:"seconds"`
}

// runBench runs `reverse-mentor bench ...`; args follow "bench".
func runBench(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "match" {
		if len(args) == 0 {
			fmt.Fprint(stderr, "bench: missing what to measure\n\n")
		} else if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			fmt.Fprint(stdout, benchUsage)
			return exitOK
		} else {
			fmt.Fprintf(stderr, "bench: unknown benchmark %q\n\n", args[0])
		}
		fmt.Fprint(stderr, benchUsage)
		return exitUsage
	}

	fs := flag.NewFlagSet("bench match", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), benchUsage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	costs := fs.String("costs", "", "dense CSV cost matrix")
	asJSON := fs.Bool("json", false, "print one JSON object instead of a line")
	if code, stop := parseFlags(fs, args[1:], stderr); stop {
		return code
	}
	if *costs == "" {
		fmt.Fprint(stderr, "bench match: --costs FILE is required\n\n", benchUsage)
		return exitUsage
	}

	res, err := benchMatch(*costs)
	if err != nil {
		fmt.Fprintf(stderr, "bench match: %v\n", err)
		return exitFailed
	}
	if *asJSON {
		if err := json.NewEncoder(stdout).Encode(res); err != nil {
			fmt.Fprintf(stderr, "bench match: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	fmt.Fprintf(stdout, "%d %d %d %s %.6f\n", res.Rows, res.Cols, res.Assigned,
		strconv.FormatFloat(res.TotalCost, 'g', -1, 64), res.Seconds)
	return exitOK
}

// benchMatch reads the cost matrix at path and times its dense solve.
func benchMatch(path string) (benchResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return benchResult{}, err
	}
	d, err := match.ReadCostsCSV(f)
	f.Close()
	if err != nil {
		return benchResult{}, fmt.Errorf("%s: %w", path, err)
	}
	start := time.Now()
	a, err := match.SolveDense(d)
	elapsed := time.Since(start)
	if err != nil {
		return benchResult{}, fmt.Errorf("%s: %w", path, err)
	}
	return benchResult{
		Rows:      d.Rows,
		Cols:      d.Cols,
		Assigned:  a.Assigned,
		TotalCost: a.Total,
		Seconds:   elapsed.Seconds(),
	}, nil
}
