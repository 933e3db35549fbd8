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
	"os"
	"path/filepath"
	"runtime"
	"strings"
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

	instance string // set by Hold: the ID stamped on the outbox leases this process takes
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
// file's mode is left as it is. The directory must exist.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: no path given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := createFile(abs); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
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

	db := &DB{write: write, read: read, Clock: mentoring.WallClock{}}
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

// Close closes every connection. Calls after the first return nil.
func (db *DB) Close() error {
	return errors.Join(db.write.Close(), db.read.Close())
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
