package store

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// openTest opens a fresh database in a temporary directory and closes it after the test.
func openTest(t testing.TB) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "reverse-mentor.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db, path
}

func fileMode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stat: %v", err)
	}
	return fi.Mode().Perm()
}

func TestOpen_CreatesFilesOwnerOnly(t *testing.T) {
	db, path := openTest(t)
	// A write makes sure the log and shared-memory files exist.
	if err := db.SetUserLang(context.Background(), "U1", mentoring.LangJA); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if got := fileMode(t, p); got != 0o600 {
			t.Errorf("mode of %s = %v, want -rw-------", filepath.Base(p), got)
		}
	}
}

func TestOpen_LeavesExistingFileModeAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "existing.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := fileMode(t, path); got != 0o640 {
		t.Errorf("mode = %v, want -rw-r-----", got)
	}
}

func TestOpen_PathsWithURISyntax(t *testing.T) {
	for _, name := range []string{
		"plain.db",
		"with space.db",
		"q?mark.db",
		"hash#tag.db",
		"per%20cent.db",
		"amp&_pragma=query_only(1).db",
		"日本語 ファイル.db",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			db, err := Open(context.Background(), path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer db.Close()
			if err := db.SetUserLang(context.Background(), "U1", mentoring.LangEN); err != nil {
				t.Fatalf("write: %v", err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("database not at the path given: %v", err)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != name && e.Name() != name+"-wal" && e.Name() != name+"-shm" {
					t.Errorf("unexpected file %q", e.Name())
				}
			}
		})
	}
}

func TestOpen_Errors(t *testing.T) {
	for _, path := range []string{"", filepath.Join(t.TempDir(), "missing", "dir", "x.db")} {
		if db, err := Open(context.Background(), path); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

func TestClose_Twice(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestConcurrentWriters_NeverBusy(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	const goroutines, writes = 50, 40
	start := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)

	var wg sync.WaitGroup
	errs := make(chan error, goroutines*writes)
	for g := range goroutines {
		wg.Go(func() {
			for i := range writes {
				user := fmt.Sprintf("U%03d", (g*writes+i)%97)
				var err error
				switch i % 3 {
				case 0:
					p := fullParticipant(user)
					p.UpdatedAt = start.Add(time.Duration(i) * time.Second)
					err = db.SaveParticipant(ctx, p)
				case 1:
					err = db.SetUserLang(ctx, user, mentoring.Langs[i%2])
				case 2:
					_, err = db.MarkEventSeen(ctx, fmt.Sprintf("Ev%d-%d", g, i), start)
				}
				if err != nil {
					errs <- err
				}
				// Reads run alongside the writes.
				if i%4 == 0 {
					if _, err := db.ParticipantCounts(ctx); err != nil {
						errs <- err
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 5 {
			t.Error(err)
		}
	}
	if n > 0 {
		t.Fatalf("%d operations failed", n)
	}
}

func TestTimeValue_SortsAsTime(t *testing.T) {
	times := []time.Time{
		time.Date(2025, 1, 1, 0, 0, 5, 0, time.UTC),
		time.Date(2025, 1, 1, 0, 0, 5, 100, time.UTC),
		time.Date(2025, 1, 1, 0, 0, 5, 100_000_000, time.UTC),
		time.Date(2025, 1, 1, 9, 0, 6, 0, time.FixedZone("JST", 9*3600)),
		time.Date(2025, 1, 1, 0, 0, 7, 0, time.UTC),
	}
	prev := ""
	for _, tm := range times {
		v, err := timeValue(tm)
		if err != nil {
			t.Fatal(err)
		}
		s := v.(string)
		if s <= prev {
			t.Errorf("%q sorts before %q", s, prev)
		}
		prev = s
	}
	if v, err := timeValue(time.Time{}); v != nil || err != nil {
		t.Errorf("zero time = %v, %v; want NULL", v, err)
	}
	if _, err := timeValue(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("year 10000 accepted")
	}
}
