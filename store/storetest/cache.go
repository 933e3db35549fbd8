package storetest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// cache holds the programmes seeded by this process, one file each, so benchmarks run
// several times (-count, sub-benchmarks) seed once.
var cache struct {
	mu    sync.Mutex
	dir   string
	files map[string]*cached
}

type cached struct {
	once   sync.Once
	path   string
	seeded Seeded
	err    error
}

// Cached returns the path of a database seeded with spec, seeding it on the first call
// for the spec in this process. Callers must not change the file: Copy it for a
// database to write to. Call Cleanup when the process is done with it (TestMain).
func Cached(spec Spec) (string, Seeded, error) {
	key := fmt.Sprintf("%+v", spec)
	cache.mu.Lock()
	if cache.files == nil {
		cache.files = map[string]*cached{}
	}
	if cache.dir == "" {
		dir, err := os.MkdirTemp("", "storetest-")
		if err != nil {
			cache.mu.Unlock()
			return "", Seeded{}, err
		}
		cache.dir = dir
	}
	c := cache.files[key]
	if c == nil {
		c = &cached{path: filepath.Join(cache.dir, fmt.Sprintf("programme-%d.db", len(cache.files)+1))}
		cache.files[key] = c
	}
	cache.mu.Unlock()
	c.once.Do(func() {
		c.seeded, c.err = Seed(context.Background(), c.path, spec)
	})
	return c.path, c.seeded, c.err
}

// Cleanup removes the databases Cached seeded.
func Cleanup() {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if cache.dir != "" {
		os.RemoveAll(cache.dir)
	}
	cache.dir, cache.files = "", nil
}

// Copy copies the database file at src, closed, to dst.
func Copy(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
