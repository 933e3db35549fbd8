// Package slackfake is a fake Slack workspace served on 127.0.0.1.
//
// The real slack-go client talks to it unchanged: point slack.OptionAPIURL at
// Server.APIURL and give socketmode the app-level token. The fake answers the
// Web API methods the bot uses, runs Socket Mode connections (hello, pings,
// envelopes, acks, redelivery, disconnects) and simulates the people of the
// workspace: a Person types slash commands, opens the App Home, fills in and
// submits modals and clicks buttons, and remembers everything it was shown;
// Entries and Transcript tell it back, in one order, without random IDs.
// Faults (HTTP 429 and 5xx, rate limits, dropped sockets, duplicate
// envelopes, deactivated people) can be injected to test the bot's resilience.
//
// Only the Web API methods (webMethods) and the Block Kit block and element
// types (blockKinds, elementKinds) the product uses are modelled; anything else
// is refused, so that a new use shows up in tests.
//
// It is used by the bot's end-to-end tests and by the demo command, so it is
// safe for concurrent use and silent unless given a Logger.
package slackfake

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Options configure a Server; zero values get sensible defaults.
type Options struct {
	TeamID, TeamName   string        // default "T0FAKE", "Fake Workspace"
	AppID              string        // default "A0FAKE"
	AppToken, BotToken string        // default "xapp-1-A0FAKE-1-fake", "xoxb-fake-bot-token"
	BotUserID, BotID   string        // default "UBOT0FAKE", "B0FAKE"
	BotName            string        // the bot user's name; default the command without its slash
	Command            string        // slash command name, default "/reverse-mentor"
	PingInterval       time.Duration // websocket PING period, default 5s
	// RedeliverAfter is how long an events_api envelope may stay unacked
	// before it is redelivered with a new envelope_id, the same event_id,
	// retry_attempt+1 and retry_reason "timeout" (at most 3 retries).
	// Default 3s; 0 keeps the default, negative disables redelivery.
	RedeliverAfter time.Duration
	// AckTimeout is how long a slash command or interaction may stay
	// unacked before the person sees Slack's error. Default 3s.
	AckTimeout time.Duration
	TriggerTTL time.Duration // lifetime of a trigger_id, default 3s
	// EchoBotMessages sends the bot's own messages in conversations back to
	// it as `message` events carrying bot_id, as Slack does for apps
	// subscribed to message events. Off by default.
	EchoBotMessages bool
	Logger          *slog.Logger // default discards
	// Clock, when set, is the simulated time of the workspace: transcripts show it
	// (in each person's time zone) beside what people saw and did, Entries are
	// ordered by it, and trigger_ids (TriggerTTL) and response_urls (30 minutes)
	// expire on it, so tests advance it instead of sleeping. Ack timeouts,
	// redelivery, pings and rate limits always run on the wall clock.
	Clock interface{ Now() time.Time }
}

const (
	maxRetries        = 3
	disconnectGrace   = 500 * time.Millisecond
	responseURLTTL    = 30 * time.Minute
	responseURLUses   = 5
	maxModalStack     = 3
	connectTicketTTL  = 30 * time.Second
	closeWaitMaxDelay = 5 * time.Second
)

func (o Options) withDefaults() Options {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&o.TeamID, "T0FAKE")
	def(&o.TeamName, "Fake Workspace")
	def(&o.AppID, "A0FAKE")
	def(&o.AppToken, "xapp-1-A0FAKE-1-fake")
	def(&o.BotToken, "xoxb-fake-bot-token")
	def(&o.BotUserID, "UBOT0FAKE")
	def(&o.BotID, "B0FAKE")
	def(&o.Command, "/reverse-mentor")
	def(&o.BotName, strings.TrimPrefix(o.Command, "/"))
	if o.PingInterval <= 0 {
		o.PingInterval = 5 * time.Second
	}
	if o.RedeliverAfter == 0 {
		o.RedeliverAfter = 3 * time.Second
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = 3 * time.Second
	}
	if o.TriggerTTL <= 0 {
		o.TriggerTTL = 3 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// ErrClosed is returned by waits that end because the Server was closed.
var ErrClosed = errors.New("slackfake: server closed")

// Server is a fake Slack workspace: Web API over HTTP and Socket Mode over a
// websocket, both on one loopback port.
type Server struct {
	opts   Options
	log    *slog.Logger
	domain string
	base   string // "http://127.0.0.1:PORT"
	srv    *http.Server
	ids    ids

	closed    chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup // the HTTP server and every connection goroutine

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever observable state changes
	seq     uint64        // the last Seq given to something a person saw or did
	timers  map[*timer]struct{}

	users     map[string]*userRecord
	userOrder []string
	people    map[string]*Person
	convs     map[string]*conversation
	convKeys  map[string]string // sorted member set → DM or group DM ID

	views        map[string]*view
	triggers     map[string]*trigger
	triggerSweep time.Time
	responseURLs map[string]*responseURL
	files        map[string]*fileRecord
	fileOrder    []string

	calls  []Call
	faults map[string][]Fault
	limits map[limitKey]*bucket

	tickets     map[string]time.Time
	conns       []*conn
	connsOpened int
	pongs       int
	rr          int
	backlog     []*envelope
	pending     map[string]*envelope
	events      map[string]*eventDelivery
	acks        []Ack
	duplicate   bool
}

// New starts a fake workspace listening on 127.0.0.1 on a free port. The
// workspace already has Slackbot (USLACKBOT) and the app's bot user.
func New(opts Options) (*Server, error) {
	opts = opts.withDefaults()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:         opts,
		log:          opts.Logger,
		domain:       teamDomain(opts.TeamName),
		base:         "http://" + ln.Addr().String(),
		closed:       make(chan struct{}),
		changed:      make(chan struct{}),
		timers:       map[*timer]struct{}{},
		users:        map[string]*userRecord{},
		people:       map[string]*Person{},
		convs:        map[string]*conversation{},
		convKeys:     map[string]string{},
		views:        map[string]*view{},
		triggers:     map[string]*trigger{},
		responseURLs: map[string]*responseURL{},
		files:        map[string]*fileRecord{},
		faults:       map[string][]Fault{},
		limits:       map[limitKey]*bucket{},
		tickets:      map[string]time.Time{},
		pending:      map[string]*envelope{},
		events:       map[string]*eventDelivery{},
	}
	s.addBuiltinUsers()

	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/link/", s.serveSocket)
	mux.HandleFunc("/upload/", s.serveUpload)
	mux.HandleFunc("/commands/", s.serveResponseURL)
	mux.HandleFunc("/actions/", s.serveResponseURL)
	s.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.wg.Go(func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("slackfake: serve", "err", err)
		}
	})
	s.log.Debug("slackfake: listening", "url", s.base)
	return s, nil
}

var nonDomain = regexp.MustCompile(`[^a-z0-9]+`)

func teamDomain(name string) string {
	d := strings.Trim(nonDomain.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if d == "" {
		return "fake"
	}
	return d
}

// APIURL is the Web API base URL to give slack.OptionAPIURL; it ends with "/".
func (s *Server) APIURL() string { return s.base + "/api/" }

// AppToken is the app-level (xapp) token apps.connections.open accepts.
func (s *Server) AppToken() string { return s.opts.AppToken }

// BotToken is the bot (xoxb) token every other Web API method accepts.
func (s *Server) BotToken() string { return s.opts.BotToken }

// BotUserID is the user ID of the app's bot user.
func (s *Server) BotUserID() string { return s.opts.BotUserID }

// TeamID is the workspace's team ID.
func (s *Server) TeamID() string { return s.opts.TeamID }

// Close stops the server: it closes every socket (with a close frame), stops
// timers, wakes every waiter with ErrClosed and waits briefly for its own
// goroutines to end. Calling it again does nothing.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.mu.Lock()
		close(s.closed)
		for t := range s.timers {
			t.t.Stop()
		}
		s.timers = map[*timer]struct{}{}
		conns := append([]*conn(nil), s.conns...)
		s.notifyLocked()
		s.mu.Unlock()

		err = s.srv.Close()
		var closing sync.WaitGroup
		for _, c := range conns {
			closing.Go(func() { c.closeGracefully(1001, "server closing") })
		}
		closing.Wait()
		done := make(chan struct{})
		go func() { s.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(closeWaitMaxDelay):
			s.log.Warn("slackfake: close timed out waiting for goroutines")
		}
	})
	return err
}

func (s *Server) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// notifyLocked wakes everything waiting for a change of state. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond, evaluated with s.mu held, is true, ctx ends or
// the server closes.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	s.mu.Lock()
	for {
		if cond() {
			s.mu.Unlock()
			return nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.closed:
			return ErrClosed
		}
		s.mu.Lock()
	}
}

// now is the time trigger_ids and response_urls age by: Options.Clock when set, the
// wall clock otherwise.
func (s *Server) now() time.Time {
	if s.opts.Clock != nil {
		return s.opts.Clock.Now()
	}
	return time.Now()
}

// timer is one scheduled callback, stopped when the server closes.
type timer struct{ t *time.Timer }

// afterLocked runs f after d unless the server closes first. f runs without
// s.mu held. s.mu must be held by the caller.
func (s *Server) afterLocked(d time.Duration, f func()) {
	if s.isClosed() {
		return
	}
	t := &timer{}
	s.timers[t] = struct{}{}
	t.t = time.AfterFunc(d, func() {
		s.mu.Lock()
		_, live := s.timers[t]
		delete(s.timers, t)
		s.mu.Unlock()
		if live && !s.isClosed() {
			f()
		}
	})
}
