package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
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
	next, base := withMigrations(t,
		`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT;`,
		`INSERT INTO notes (body) VALUES ('after the table');`)
	for i := range 2 {
		if err := db.migrate(ctx, next); err != nil {
			t.Fatalf("migrate %d: %v", i, err)
		}
	}
	if got := versions(t, db); len(got) != base+2 {
		t.Errorf("versions = %v, want 1..%d", got, base+2)
	}
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM notes`).Scan(&n); err != nil || n != 1 {
		t.Errorf("notes = %d, %v; want 1 row (the last migration applied once)", n, err)
	}
}

func TestMigrate_FailedMigrationLeavesNothing(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	broken, base := withMigrations(t, `CREATE TABLE half (id INTEGER); INSERT INTO no_such_table VALUES (1);`)
	name := fmt.Sprintf("%04d_extra.sql", base+1)
	err := db.migrate(ctx, broken)
	if err == nil || !strings.Contains(err.Error(), name) {
		t.Fatalf("migrate error = %v, want one naming %s", err, name)
	}
	if got := versions(t, db); len(got) != base {
		t.Errorf("versions = %v, want 1..%d", got, base)
	}
	var table string
	err = db.read.QueryRow(`SELECT name FROM sqlite_schema WHERE name = 'half'`).Scan(&table)
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
	next, base := withMigrations(t, `CREATE TABLE x (id INTEGER) STRICT;`)
	if err := db.migrate(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	var at string
	if err := db.read.QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = ?`, base+1).Scan(&at); err != nil {
		t.Fatal(err)
	}
	if at != "2030-01-02T03:04:05.000000000Z" {
		t.Errorf("applied_at = %q", at)
	}
}

// withMigrations returns the embedded migrations followed by one more for each SQL text
// given, numbered on from them, and how many embedded ones there are.
func withMigrations(t *testing.T, extra ...string) (fstest.MapFS, int) {
	t.Helper()
	fsys := fstest.MapFS{}
	names, err := fs.Glob(migrationFiles(), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(migrationFiles(), name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	for i, q := range extra {
		fsys[fmt.Sprintf("%04d_extra.sql", len(names)+i+1)] = &fstest.MapFile{Data: []byte(q)}
	}
	return fsys, len(names)
}
