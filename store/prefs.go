package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// UserLang returns the language the user chose, or an error wrapping
// mentoring.ErrNotFound when they chose none.
func (db *DB) UserLang(ctx context.Context, userID string) (mentoring.Lang, error) {
	tx, err := db.read.BeginTx(ctx, readOnly)
	if err != nil {
		return "", fmt.Errorf("language of %s: %w", userID, err)
	}
	defer tx.Rollback()

	lang, err := findUserLang(ctx, tx, userID)
	if err != nil {
		return "", fmt.Errorf("language of %s: %w", userID, err)
	}
	return lang, tx.Commit()
}

// SetUserLang records the user's choice of language, stamped with the DB's clock.
func (db *DB) SetUserLang(ctx context.Context, userID string, lang mentoring.Lang) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set language of %s: %w", userID, err)
	}
	defer tx.Rollback()

	if err := upsertUserLang(ctx, tx, userID, lang, db.Clock.Now()); err != nil {
		return fmt.Errorf("set language of %s: %w", userID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set language of %s: %w", userID, err)
	}
	return nil
}

// findUserLang reads the user's language.
func findUserLang(ctx context.Context, tx *sql.Tx, userID string) (mentoring.Lang, error) {
	var lang string
	err := tx.QueryRowContext(ctx, `SELECT lang FROM user_prefs WHERE user_id = ?`, userID).Scan(&lang)
	if err == sql.ErrNoRows {
		return "", mentoring.ErrNotFound
	}
	return mentoring.Lang(lang), err
}

// upsertUserLang sets the user's language.
func upsertUserLang(ctx context.Context, tx *sql.Tx, userID string, lang mentoring.Lang, now time.Time) error {
	at, err := timeValue(now)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO user_prefs (user_id, lang, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at`,
		userID, string(lang), at)
	return err
}
