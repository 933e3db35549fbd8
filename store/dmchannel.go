package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// DMChannel returns the cached ID of the DM or group DM with the people of usersKey
// (mentoring.Notice.UsersKey: sorted user IDs joined with ","), or an error wrapping
// mentoring.ErrNotFound when it is not cached.
func (db *DB) DMChannel(ctx context.Context, usersKey string) (string, error) {
	tx, err := db.read.BeginTx(ctx, readOnly)
	if err != nil {
		return "", fmt.Errorf("DM channel of %s: %w", usersKey, err)
	}
	defer tx.Rollback()

	var id string
	err = tx.QueryRowContext(ctx, `SELECT channel_id FROM dm_channels WHERE users_key = ?`, usersKey).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = mentoring.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("DM channel of %s: %w", usersKey, err)
	}
	return id, tx.Commit()
}

// SaveDMChannel caches the channel ID conversations.open returned for the people of
// usersKey, stamped with the DB's clock, replacing any ID cached before.
func (db *DB) SaveDMChannel(ctx context.Context, usersKey, channelID string) error {
	if !usersKeyOK(usersKey) || channelID == "" {
		return fmt.Errorf("save DM channel %q for %q: malformed", channelID, usersKey)
	}
	at, err := timeValue(db.Clock.Now())
	if err != nil {
		return fmt.Errorf("save DM channel of %s: %w", usersKey, err)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save DM channel of %s: %w", usersKey, err)
	}
	defer tx.Rollback()

	if _, err := tx.ExecContext(ctx, `
		INSERT INTO dm_channels (users_key, channel_id, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (users_key) DO UPDATE SET channel_id = excluded.channel_id, updated_at = excluded.updated_at`,
		usersKey, channelID, at); err != nil {
		return fmt.Errorf("save DM channel of %s: %w", usersKey, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save DM channel of %s: %w", usersKey, err)
	}
	return nil
}

// ForgetDMChannel drops the cached channel of usersKey, as when Slack says it no longer
// exists. Forgetting one that is not cached is not an error.
func (db *DB) ForgetDMChannel(ctx context.Context, usersKey string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("forget DM channel of %s: %w", usersKey, err)
	}
	defer tx.Rollback()

	if _, err := tx.ExecContext(ctx, `DELETE FROM dm_channels WHERE users_key = ?`, usersKey); err != nil {
		return fmt.Errorf("forget DM channel of %s: %w", usersKey, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("forget DM channel of %s: %w", usersKey, err)
	}
	return nil
}

// usersKeyOK reports whether key looks like a mentoring.Notice UsersKey.
func usersKeyOK(key string) bool {
	if key == "" {
		return false
	}
	ids := strings.Split(key, ",")
	return !slices.Contains(ids, "") && slices.IsSorted(ids)
}
