package slackfake

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

const (
	upperAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	mixedAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// randomString returns n characters drawn from alphabet.
func randomString(alphabet string, n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf)
	for i, b := range buf {
		buf[i] = alphabet[int(b)%len(alphabet)]
	}
	return string(buf)
}

// newUUID returns a random version 4 UUID, the shape of Slack's envelope IDs.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ids hands out the identifiers of one fake workspace. Sequence-based IDs
// (users, conversations) are deterministic so that a seeded demo prints the
// same transcript twice; per-interaction IDs are random as in Slack.
type ids struct {
	seq    atomic.Int64 // users and conversations
	tok    atomic.Int64 // triggers and response URLs, kept apart from seq
	lastTS atomic.Int64 // microseconds of the last message ts handed out
}

// next returns a short, increasing, upper-case sequence token.
func (g *ids) next() string {
	n := g.seq.Add(1)
	return strings.ToUpper(fmt.Sprintf("%08s", strconv.FormatInt(n, 36)))
}

func (g *ids) user() string     { return "U" + g.next() }
func (g *ids) dm() string       { return "D" + g.next() }
func (g *ids) mpim() string     { return "G" + g.next() }
func (g *ids) view() string     { return "V" + randomString(upperAlnum, 10) }
func (g *ids) event() string    { return "Ev" + randomString(upperAlnum, 10) }
func (g *ids) file() string     { return "F" + randomString(upperAlnum, 10) }
func (g *ids) blockID() string  { return randomString(mixedAlnum, 5) }
func (g *ids) secret() string   { return randomString(mixedAlnum, 24) }
func (g *ids) envelope() string { return newUUID() }

// hash returns a view hash shaped like Slack's ("1596530361.3wRYuk3R").
func (g *ids) hash() string {
	return fmt.Sprintf("%d.%s", time.Now().Unix(), randomString(mixedAlnum, 8))
}

// trigger returns a trigger_id shaped like Slack's: "<digits>.<digits>.<32 hex>".
func (g *ids) trigger() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%d.%d.%s", time.Now().UnixMilli()*10+g.tok.Add(1)%10, 4242424242, hex.EncodeToString(b[:]))
}

// token returns a short increasing number for response URLs.
func (g *ids) token() string { return strconv.FormatInt(1000000+g.tok.Add(1), 10) }

// ts returns a message timestamp ("seconds.micros") that is unique and
// strictly increasing across the workspace, as Slack's message IDs are within
// a channel.
func (g *ids) ts() string {
	now := time.Now().UnixMicro()
	for {
		last := g.lastTS.Load()
		next := max(now, last+1)
		if g.lastTS.CompareAndSwap(last, next) {
			return fmt.Sprintf("%d.%06d", next/1e6, next%1e6)
		}
	}
}
