package bot

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// maxDirectoryEntries bounds the user cache; beyond it the oldest half is dropped.
const maxDirectoryEntries = 10000

// directory looks people up with users.info (with their locale and time zone) and keeps
// the answers for a while, so a burst of clicks costs one Web API call per person.
type directory struct {
	api   *slack.Client
	clock mentoring.Clock
	ttl   time.Duration
	mu    sync.Mutex
	cache map[string]dirEntry
	// onDeleted, when set, is told of a user Slack reports deactivated, each time a
	// fresh answer says so (at most once per ttl per user).
	onDeleted func(ctx context.Context, userID string)
}

type dirEntry struct {
	person mentoring.Person
	at     time.Time
}

func newDirectory(api *slack.Client, clock mentoring.Clock, ttl time.Duration) *directory {
	return &directory{api: api, clock: clock, ttl: ttl, cache: map[string]dirEntry{}}
}

// lookup returns what Slack says of the user. When Slack cannot be asked it returns a
// person with only the ID, so the caller can still answer in the default language.
func (d *directory) lookup(ctx context.Context, userID string) (mentoring.Person, error) {
	now := d.clock.Now()
	d.mu.Lock()
	e, ok := d.cache[userID]
	d.mu.Unlock()
	if ok && now.Sub(e.at) < d.ttl {
		return e.person, nil
	}
	u, err := d.api.GetUserInfoContext(ctx, userID)
	if err != nil {
		return mentoring.Person{UserID: userID}, err
	}
	p := mentoring.Person{
		UserID:      userID,
		DisplayName: firstNonEmpty(u.Profile.DisplayName, u.RealName, u.Name),
		TZ:          u.TZ,
		TZOffset:    u.TZOffset,
		Locale:      u.Locale,
	}
	d.mu.Lock()
	if len(d.cache) >= maxDirectoryEntries {
		n := 0
		for k := range d.cache {
			delete(d.cache, k)
			if n++; n >= maxDirectoryEntries/2 {
				break
			}
		}
	}
	d.cache[userID] = dirEntry{person: p, at: now}
	d.mu.Unlock()
	if u.Deleted && d.onDeleted != nil {
		d.onDeleted(ctx, userID)
	}
	return p, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
