package bot_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// optIn submits the open opt-in form with values and, when a first opt-in goes on to
// the rating page, rates every subject on it with rating. It returns the last reply.
func optIn(t testing.TB, p *slackfake.Person, values slackfake.Values, rating string) slackfake.SubmitReply {
	t.Helper()
	ctx := ctxT(t)
	sub, err := p.Submit(ctx, values)
	if err != nil {
		t.Fatal(err)
	}
	if sub.ResponseAction != "update" {
		return sub
	}
	v, open := p.Modal()
	if !open || v.CallbackID != "join_rating" {
		t.Fatalf("the opt-in went on to %q, not the rating page", v.CallbackID)
	}
	ratings := slackfake.Values{}
	for _, id := range ratingBlocks(v) {
		ratings[id] = rating
	}
	if sub, err = p.Submit(ctx, ratings); err != nil {
		t.Fatal(err)
	}
	return sub
}

// ratingBlocks returns the block IDs of a view's self-rating questions.
func ratingBlocks(v slack.View) []string {
	var ids []string
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok && strings.HasPrefix(in.BlockID, "rating_") {
			ids = append(ids, in.BlockID)
		}
	}
	return ids
}

// selfRatings reads a person's self-ratings of one phase ("start" or "end") from the
// database: subject → value.
func selfRatings(t testing.TB, path, userID, phase string) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT subject, value FROM self_ratings WHERE user_id = ? AND phase = ?`, userID, phase)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var v int
		if err := rows.Scan(&s, &v); err != nil {
			t.Fatal(err)
		}
		out[s] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
