package outbox

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// TestSender_PacesConversationsOpenAsSlacksTier3: group DMs need conversations.open, a
// Tier 3 method. With the fake enforcing 10 a second and the sender told the same (in
// bursts of 3), the opens are spread out and none is refused; DMs to one person need none.
func TestSender_PacesConversationsOpenAsSlacksTier3(t *testing.T) {
	e := newSenderEnv(t, 24)
	e.fake.SetRateLimit("conversations.open", 10, 4, false) // a little above the sender's: network jitter
	var ns []mentoring.Notice
	for i := 0; i < 16; i += 2 {
		ns = append(ns, mentoring.Notice{Key: fmt.Sprint("intro:", i), Kind: mentoring.NoticeIntro, UserIDs: []string{e.users[i], e.users[i+1]}})
	}
	for i := 16; i < 24; i++ {
		ns = append(ns, dmNotice(fmt.Sprint("orientation:", i), e.users[i]))
	}
	e.enqueue(t, ns...)
	s := e.sender(t, func(o *Options) { o.MethodRatePerMinute, o.MethodBurst = 600, 3 })
	start := time.Now()
	e.drain(t, s)
	took := time.Since(start)
	opens := e.fake.Calls("conversations.open")
	if len(opens) != 8 {
		t.Fatalf("%d opens for 8 group DMs and 8 one-person DMs, want 8", len(opens))
	}
	for _, c := range opens {
		if c.Status == http.StatusTooManyRequests {
			t.Fatalf("an open was refused: the sender did not pace them")
		}
	}
	// Three at once, then one every 100 ms.
	if spread := opens[len(opens)-1].At.Sub(opens[0].At); spread < 400*time.Millisecond {
		t.Errorf("8 opens within %v, want them paced over at least 0.4 s", spread)
	}
	if st, _ := s.Stats(t.Context()); st.Outbox.Sent != len(ns) || st.RateLimited != 0 {
		t.Errorf("stats = %+v", st)
	}
	t.Logf("8 group DMs opened over %v, 8 DMs posted to user IDs; all sent in %v", opens[len(opens)-1].At.Sub(opens[0].At).Round(time.Millisecond), took.Round(time.Millisecond))
}
