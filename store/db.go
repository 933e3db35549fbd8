// Package store keeps the programme's data in one SQLite file, through database/sql and
// modernc.org/sqlite. It implements mentoring.Store and the small interfaces other
// packages declare of it (the bot's event de-duplication), one transaction per exported
// method.
//
// The file is opened with two pools: a single connection for writes, so writers queue in
// Go instead of polling SQLite's lock, and a few read-only connections that read a WAL
// snapshot while a write is in progress. Times are stored as fixed-width UTC text
// (2006-01-02T15:04:05.000000000Z), so comparing the text compares the instants.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is the programme's database. It is safe for concurrent use.
type DB struct {
	write *sql.DB // one connection; every write transaction goes through it
	read  *sql.DB // query-only connections for read transactions

	// Clock stamps rows whose time the caller does not give, such as when a language was
	// chosen. Open sets the wall clock; tests and the demo may replace it before use.
	Clock mentoring.Clock

	path     string // the database file, absolute
	dsn      string // its URI with the pragmas, for extra connections (Backup)
	log      *slog.Logger
	holdMu   sync.Mutex
	hold     *sql.Conn // the lock Hold took, kept open until Close
	holdDB   *sql.DB
	instance string // set by Hold: the ID stamped on the outbox leases this process takes
}

// Option changes how Open opens the database.
type Option func(*options)

// options are what Options set.
type options struct {
	log *slog.Logger
}

// WithLogger has Open log what it changes on disk, such as file modes it tightens.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

var _ mentoring.Store = (*DB)(nil)

// pragmas are set on every connection. busy_timeout covers other processes (an export,
// a second instance) that hold the lock; within this process the write pool serializes
// writers. secure_delete overwrites erased rows instead of leaving them in free pages.
const pragmas = "_pragma=busy_timeout(5000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)" +
	"&_pragma=secure_delete(1)"

// maxReaders caps the read pool; readerIdleTime is how long an unused reader stays open.
const (
	maxReaders     = 4
	readerIdleTime = 5 * time.Minute
)

// Open opens the database file at path, creating it with mode 0600 when it does not
// exist, and brings its schema up to date. The file's write-ahead log and shared-memory
// files get the database file's mode from SQLite, so they are 0600 too; an existing
// file, log or shared-memory file that others may read is tightened to 0600 (and logged,
// see WithLogger). The directory must exist and be writable: SQLite keeps its log there.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: no path given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	o := options{log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	logger := o.log
	if err := checkDir(filepath.Dir(abs)); err != nil {
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	if err := createFile(abs); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := tightenModes(abs, logger); err != nil {
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}

	dsn := fileURI(abs) + "?" + pragmas
	// Deferred transactions that later write fail with SQLITE_BUSY when another
	// connection wrote first; immediate ones take the write lock at BEGIN and wait.
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	// Each connection keeps its own page cache: a few are plenty for a bot's reads, and
	// idle ones are closed to give the memory back.
	n := min(max(2, runtime.GOMAXPROCS(0)), maxReaders)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxIdleTime(readerIdleTime)

	db := &DB{write: write, read: read, Clock: mentoring.WallClock{}, path: abs, dsn: dsn, log: logger}
	if err := write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	if err := db.migrate(ctx, migrationFiles()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	return db, nil
}

// Close closes every connection and lets go of the database if this process held it
// (see Hold). Calls after the first return nil.
func (db *DB) Close() error {
	return errors.Join(db.release(), db.write.Close(), db.read.Close())
}

// checkDir checks that dir is a directory this process can create files in.
func checkDir(dir string) error {
	f, err := os.CreateTemp(dir, ".reverse-mentor-check-*")
	if err != nil {
		return fmt.Errorf("directory %s is not writable, and SQLite keeps its log beside the database: %w", dir, err)
	}
	name := f.Name()
	return errors.Join(f.Close(), os.Remove(name))
}

// tightenModes sets the database file and its log and shared-memory files, where they
// exist, to 0600 when others may read or write them, and logs each change.
func tightenModes(abs string, log *slog.Logger) error {
	for _, p := range []string{abs, abs + "-wal", abs + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if mode := fi.Mode().Perm(); mode&0o077 != 0 {
			if err := os.Chmod(p, 0o600); err != nil {
				return fmt.Errorf("tighten %s (mode %v) to 0600: %w", p, mode, err)
			}
			log.Warn("database file was open to other users; tightened to owner-only", "file", p, "was", mode.String(), "now", "-rw-------")
		}
	}
	return nil
}

// createFile creates the database file with mode 0600 unless it exists already. SQLite
// would create it with 0644 less the umask.
func createFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	// The umask can only narrow 0600, but a narrowed file would be unusable: set it exactly.
	err = f.Chmod(0o600)
	return errors.Join(err, f.Close())
}

// fileURI returns the SQLite URI of an absolute path. Every byte other than an unreserved
// character or '/' is percent-encoded, so '?', '#', '%' and spaces in a path cannot be
// taken for URI syntax; SQLite decodes them back.
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter: file:/C:/...
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.WriteString("file:")
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xF])
		}
	}
	return b.String()
}

// readOnly marks transactions that only read: they begin deferred on the read pool and
// see one snapshot of the database.
var readOnly = &sql.TxOptions{ReadOnly: true}

// timeLayout is RFC 3339 in UTC with all nine fractional digits kept, so every stored
// time has the same width and text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// timeValue returns t as stored: NULL for the zero time, else fixed-width UTC text.
func timeValue(t time.Time) (any, error) {
	if t.IsZero() {
		return nil, nil
	}
	t = t.UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		return nil, fmt.Errorf("time %s out of the storable range (years 1 to 9999)", t)
	}
	return t.Format(timeLayout), nil
}

// parseTime reads back a time stored by timeValue: the zero time for NULL or empty text.
func parseTime(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s.String, err)
	}
	return t.UTC(), nil
}

// ErrHeld is returned by Hold when another running process holds the database.
var ErrHeld = errors.New("another running reverse-mentor holds the database")

// Hold makes this process the one that serves the database, until Close: only one
// `run` at a time sends from its outbox. It takes an exclusive lock on a small lock file
// beside the database (PATH.lock) that the operating system lets go of when the process
// ends, however it ends; ErrHeld means another live process has it. Holding it proves
// that whoever leased outbox rows before is gone, so their rows are handed back at once
// (they come back uncertain, to be reconciled), instead of after their leases. Hold
// returns the instance ID stamped on the leases this process takes from now on, and how
// many rows it took back. Other commands (backup, outbox retry, import-org) work while
// the database is held.
func (db *DB) Hold(ctx context.Context) (instance string, reclaimed int64, err error) {
	db.holdMu.Lock()
	defer db.holdMu.Unlock()
	if db.hold != nil {
		return db.instance, 0, nil
	}
	lockPath := db.path + ".lock"
	if err := createFile(lockPath); err != nil {
		return "", 0, fmt.Errorf("hold database: %w", err)
	}
	// In exclusive locking mode SQLite keeps the lock of its first write until the
	// connection closes; busy_timeout(0) makes a held lock an immediate SQLITE_BUSY.
	ldb, err := sql.Open("sqlite", fileURI(lockPath)+"?_pragma=locking_mode(EXCLUSIVE)&_pragma=busy_timeout(0)")
	if err != nil {
		return "", 0, fmt.Errorf("hold database: %w", err)
	}
	conn, err := ldb.Conn(ctx)
	if err == nil {
		instance = fmt.Sprintf("%d-%x", os.Getpid(), time.Now().UnixNano())
		_, err = conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS holder (
			id INTEGER PRIMARY KEY CHECK (id = 1), instance TEXT NOT NULL, pid INTEGER NOT NULL)`)
		if err == nil {
			_, err = conn.ExecContext(ctx, `INSERT OR REPLACE INTO holder VALUES (1, ?, ?)`, instance, os.Getpid())
		}
	}
	if err != nil {
		if conn != nil {
			conn.Close()
		}
		ldb.Close()
		if strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked") {
			return "", 0, fmt.Errorf("hold database %s (lock file %s): %w", db.path, lockPath, ErrHeld)
		}
		return "", 0, fmt.Errorf("hold database %s: %w", db.path, err)
	}
	now, err := timeValue(db.Clock.Now())
	if err == nil {
		var res sql.Result
		res, err = db.write.ExecContext(ctx, `UPDATE outbox SET lease_until = ?
			WHERE state = 'sending' AND lease_owner <> ?`, now, instance)
		if err == nil {
			reclaimed, err = res.RowsAffected()
		}
	}
	if err != nil {
		conn.Close()
		ldb.Close()
		return "", 0, fmt.Errorf("hold database: take back the rows of an earlier instance: %w", err)
	}
	db.hold, db.holdDB, db.instance = conn, ldb, instance
	if reclaimed > 0 {
		db.log.Info("took back outbox rows an earlier instance was sending; they are reconciled now",
			"rows", reclaimed)
	}
	return instance, reclaimed, nil
}

// release lets go of the database if Hold took it.
func (db *DB) release() error {
	db.holdMu.Lock()
	defer db.holdMu.Unlock()
	if db.hold == nil {
		return nil
	}
	err := errors.Join(db.hold.Close(), db.holdDB.Close())
	db.hold, db.holdDB = nil, nil
	return err
}

// Backup writes a consistent copy of the database to path, which must not exist, while
// other connections and processes keep reading and writing (SQLite's VACUUM INTO), and
// returns its size. The copy is 0600 and complete: restore it by stopping the bot,
// putting it in place of the database file (removing any PATH-wal and PATH-shm left
// beside it) and starting the bot.
func (db *DB) Backup(ctx context.Context, path string) (int64, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	if _, err := os.Lstat(abs); err == nil {
		return 0, fmt.Errorf("backup to %s: the file exists; choose a new name", abs)
	}
	// Written under a temporary name, so that a copy cut short is never taken for one.
	tmp, err := os.CreateTemp(filepath.Dir(abs), ".reverse-mentor-backup-*")
	if err != nil {
		return 0, fmt.Errorf("backup to %s: %w", abs, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if err := errors.Join(tmp.Chmod(0o600), tmp.Close()); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", abs, err)
	}
	// Its own connection, outside the pools: a long copy holds no writer up.
	src, err := sql.Open("sqlite", db.dsn)
	if err != nil {
		return 0, fmt.Errorf("backup to %s: %w", abs, err)
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, tmpName); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", abs, err)
	}
	if err := os.Chmod(tmpName, 0o600); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", abs, err)
	}
	if err := os.Link(tmpName, abs); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", abs, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return 0, fmt.Errorf("backup to %s: %w", abs, err)
	}
	return fi.Size(), nil
}

// owner returns the instance ID Hold stamped this process with, or "".
func (db *DB) owner() string {
	db.holdMu.Lock()
	defer db.holdMu.Unlock()
	return db.instance
}
