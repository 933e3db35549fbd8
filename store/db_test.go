package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
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

func TestOpen_TightensFilesOthersCanReadAndSaysSo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "existing.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetUserLang(context.Background(), "U1", mentoring.LangJA); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Someone copied the files with a lax umask, or chmod'ed them.
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.WriteFile(p, nil, 0o600); err != nil && !os.IsExist(err) && p != path {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	db, err = Open(context.Background(), path, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if got := fileMode(t, p); got != 0o600 {
			t.Errorf("mode of %s = %v, want -rw-------", filepath.Base(p), got)
		}
		if !strings.Contains(logs.String(), "file="+p) {
			t.Errorf("no log line for %s:\n%s", filepath.Base(p), logs.String())
		}
	}
	if !strings.Contains(logs.String(), "was=-rw-r--r--") {
		t.Errorf("the log does not say what the mode was:\n%s", logs.String())
	}
}

func TestOpen_UnwritableDirectoryIsAnError(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into any directory")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "rm.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	if _, err := Open(context.Background(), path); err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Fatalf("Open in a read-only directory: %v", err)
	}
}

func TestHold_OneInstanceAtATimeAndTheDeadOnesRowsComeBackAtOnce(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	first, path := openTest(t)
	first.Clock = fixedClock(t0)
	id1, _, err := first.Hold(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enqueueNotices(ctx, first, dm("a", "U1"), dm("b", "U2"), dm("c", "U3")); err != nil {
		t.Fatal(err)
	}
	// The first instance leases two rows for two minutes, and sends one.
	claimed, err := first.ClaimOutbox(ctx, t0, 2, 2*time.Minute)
	if err != nil || len(claimed) != 2 || claimed[0].LeaseOwner != id1 {
		t.Fatalf("claimed %+v, %v", claimed, err)
	}
	if err := first.MarkSent(ctx, claimed[0].ID, claimed[0].Attempt, "D1", "1.1"); err != nil {
		t.Fatal(err)
	}

	// While it lives, another process (here another handle) cannot hold the database,
	// and the lease stands.
	second, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	second.Clock = fixedClock(t0.Add(time.Second))
	if _, _, err := second.Hold(ctx); !errors.Is(err, ErrHeld) {
		t.Fatalf("second Hold while the first lives: %v, want ErrHeld", err)
	}
	if got, _ := second.ClaimOutbox(ctx, t0.Add(time.Second), 10, time.Minute); keys(got) != "c" {
		t.Fatalf("claimed %s under a live lease, want c only", keys(got))
	}

	// The first dies (its lock goes with it): the next holder takes its rows back at
	// once, long before their lease would end.
	first.Close()
	id2, reclaimed, err := second.Hold(ctx)
	if err != nil || id2 == id1 || reclaimed != 2 {
		t.Fatalf("Hold after the first died: %q, %d, %v; want a new instance taking back b and c", id2, reclaimed, err)
	}
	got, err := second.ClaimOutbox(ctx, t0.Add(2*time.Second), 10, time.Minute)
	if err != nil || keys(got) != "b,c" {
		t.Fatalf("claimed %s, %v; want b,c at once", keys(got), err)
	}
	for _, it := range got {
		if !it.Uncertain || it.LeaseOwner != id2 {
			t.Errorf("taken back %+v, want uncertain and leased to %s", it, id2)
		}
	}
}

func TestBackup_ConsistentCopyWhileWriting(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	if _, err := enqueueNotices(ctx, db, dm("a", "U1")); err != nil {
		t.Fatal(err)
	}
	// A writer keeps going while the copy is made.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := enqueueNotices(ctx, db, dm(fmt.Sprint("w", i), "U2")); err != nil {
				t.Error(err)
				return
			}
		}
	})
	out := filepath.Join(t.TempDir(), "copy.db")
	size, err := db.Backup(ctx, out)
	close(stop)
	wg.Wait()
	if err != nil || size == 0 {
		t.Fatalf("Backup: %d bytes, %v", size, err)
	}
	if got := fileMode(t, out); got != 0o600 {
		t.Errorf("backup mode %v", got)
	}
	if _, err := db.Backup(ctx, out); err == nil {
		t.Error("Backup overwrote an existing file")
	}
	copyDB, err := Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if _, err := outboxByKey(ctx, copyDB, "a"); err != nil {
		t.Errorf("the copy lacks a row written before it: %v", err)
	}
	var check string
	if err := copyDB.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity of the copy: %q, %v", check, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
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
