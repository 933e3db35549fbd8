package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Migrations live in migrations/ as NNNN_what.sql, numbered from 0001 without gaps. Each
// runs in its own transaction together with its row in schema_migrations, so it applies
// whole or not at all. Never edit one that has been released: add the next number. A
// migration cannot change PRAGMA foreign_keys or VACUUM, which do not work inside a
// transaction.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrSchemaTooNew is returned by Open for a database migrated by a newer release than
// this one: running older code on it could lose data, so it is refused.
var ErrSchemaTooNew = errors.New("database schema is newer than this program")

// migration is one numbered schema change.
type migration struct {
	version int
	name    string // file name, for errors
	sql     string
}

// migrationFiles returns the embedded migrations.
func migrationFiles() fs.FS {
	sub, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// loadMigrations reads the *.sql files at the root of fsys, checks their numbering and
// returns them in order.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		prefix, _, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(prefix)
		if !ok || err != nil || v < 1 || len(prefix) != 4 {
			return nil, fmt.Errorf("migration %s: name is not NNNN_what.sql", name)
		}
		text, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: path.Base(name), sql: string(text)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %04d", m.name, i+1)
		}
	}
	return ms, nil
}

// migrate applies the migrations in fsys that the database lacks, in order. It refuses a
// database that records a version it does not know.
func (db *DB) migrate(ctx context.Context, fsys fs.FS) error {
	ms, err := loadMigrations(fsys)
	if err != nil {
		return err
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT
	) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	if err := db.checkSchemaVersion(ctx, len(ms)); err != nil {
		return err
	}
	for _, m := range ms {
		if err := db.applyMigration(ctx, m); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// checkSchemaVersion returns ErrSchemaTooNew when the database records a version above latest.
func (db *DB) checkSchemaVersion(ctx context.Context, latest int) error {
	var v sql.NullInt64
	if err := db.write.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v.Valid && v.Int64 > int64(latest) {
		return fmt.Errorf("schema version %d, this program knows up to %d; run a newer release or restore a backup: %w",
			v.Int64, latest, ErrSchemaTooNew)
	}
	return nil
}

// applyMigration runs m and records it in one transaction, unless it is recorded already.
// The check is inside the transaction, so two processes opening the file at once do not
// both apply it.
func (db *DB) applyMigration(ctx context.Context, m migration) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var applied bool
	if err := tx.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?)`, m.version).Scan(&applied); err != nil {
		return err
	}
	if applied {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	now, err := timeValue(db.Clock.Now())
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, m.version, now); err != nil {
		return err
	}
	return tx.Commit()
}
