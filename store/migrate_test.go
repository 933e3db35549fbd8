package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// versions returns the versions recorded in schema_migrations, in order.
func versions(t *testing.T, db *DB) []int {
	t.Helper()
	rows, err := db.read.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

func TestOpen_MigrationsIdempotentAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	ctx := context.Background()
	var appliedAt string
	for i := range 3 {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if i == 0 {
			if err := db.SaveParticipant(ctx, fullParticipant("U1")); err != nil {
				t.Fatal(err)
			}
		}
		ms, _ := loadMigrations(migrationFiles())
		if got := versions(t, db); len(got) != len(ms) || got[len(got)-1] != len(ms) {
			t.Errorf("open %d: versions %v, want 1..%d", i, got, len(ms))
		}
		var at string
		if err := db.read.QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = 1`).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			appliedAt = at
		} else if at != appliedAt {
			t.Errorf("open %d: migration 1 re-applied at %s", i, at)
		}
		if _, err := db.Participant(ctx, "U1"); err != nil {
			t.Errorf("open %d: data lost: %v", i, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpen_RefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := loadMigrations(migrationFiles())
	if _, err := db.write.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, '2099-01-01T00:00:00.000000000Z')`, len(ms)+1); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(ctx, path)
	if err == nil {
		db.Close()
		t.Fatal("opened a database with a newer schema")
	}
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("error = %v, want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("error %q does not say the schema is newer", err)
	}
}

func TestMigrate_AppliesOnlyMissingInOrder(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	init, err := migrationFS.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	next := fstest.MapFS{
		"0001_init.sql":  {Data: init},
		"0002_notes.sql": {Data: []byte(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT;`)},
		"0003_seed.sql":  {Data: []byte(`INSERT INTO notes (body) VALUES ('after 0002');`)},
	}
	for i := range 2 {
		if err := db.migrate(ctx, next); err != nil {
			t.Fatalf("migrate %d: %v", i, err)
		}
	}
	if got := versions(t, db); len(got) != 3 {
		t.Errorf("versions = %v, want [1 2 3]", got)
	}
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM notes`).Scan(&n); err != nil || n != 1 {
		t.Errorf("notes = %d, %v; want 1 row (0003 applied once)", n, err)
	}
}

func TestMigrate_FailedMigrationLeavesNothing(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	init, _ := migrationFS.ReadFile("migrations/0001_init.sql")
	broken := fstest.MapFS{
		"0001_init.sql":   {Data: init},
		"0002_broken.sql": {Data: []byte(`CREATE TABLE half (id INTEGER); INSERT INTO no_such_table VALUES (1);`)},
	}
	err := db.migrate(ctx, broken)
	if err == nil || !strings.Contains(err.Error(), "0002_broken.sql") {
		t.Fatalf("migrate error = %v, want one naming 0002_broken.sql", err)
	}
	if got := versions(t, db); len(got) != 1 {
		t.Errorf("versions = %v, want [1]", got)
	}
	var name string
	err = db.read.QueryRow(`SELECT name FROM sqlite_schema WHERE name = 'half'`).Scan(&name)
	if !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("table from the failed migration exists (%v)", err)
	}
}

func TestLoadMigrations_RejectsBadNumbering(t *testing.T) {
	sqlFile := &fstest.MapFile{Data: []byte(`SELECT 1;`)}
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
	}{
		{"gap", fstest.MapFS{"0001_a.sql": sqlFile, "0003_c.sql": sqlFile}},
		{"duplicate", fstest.MapFS{"0001_a.sql": sqlFile, "0001_b.sql": sqlFile}},
		{"zero", fstest.MapFS{"0000_a.sql": sqlFile}},
		{"no number", fstest.MapFS{"init.sql": sqlFile}},
		{"short number", fstest.MapFS{"1_init.sql": sqlFile}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := loadMigrations(tc.files); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestMigrate_StampsAppliedAtFromClock(t *testing.T) {
	db, _ := openTest(t)
	db.Clock = fixedClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	init, _ := migrationFS.ReadFile("migrations/0001_init.sql")
	if err := db.migrate(context.Background(), fstest.MapFS{
		"0001_init.sql": {Data: init},
		"0002_x.sql":    {Data: []byte(`CREATE TABLE x (id INTEGER) STRICT;`)},
	}); err != nil {
		t.Fatal(err)
	}
	var at string
	if err := db.read.QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = 2`).Scan(&at); err != nil {
		t.Fatal(err)
	}
	if at != "2030-01-02T03:04:05.000000000Z" {
		t.Errorf("applied_at = %q", at)
	}
}
