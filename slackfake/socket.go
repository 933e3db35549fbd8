package slackfake

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// outFrame is a text frame queued for a connection.
type outFrame struct {
	data  []byte
	env   *envelope // set for envelopes, whose write time is recorded
	close bool      // send a close frame and end the connection
}

// conn is one Socket Mode websocket. A writer goroutine owns all writes; a
// reader goroutine reads acks. Frames are queued without blocking senders.
type conn struct {
	s  *Server
	id int
	ws *websocket.Conn

	mu     sync.Mutex
	queue  []outFrame
	closed bool

	wake     chan struct{} // capacity 1
	stop     chan struct{}
	stopOnce sync.Once

	draining bool // guarded by Server.mu: a disconnect was sent, no new envelopes
}

// push queues a frame; false when the connection is closed.
func (c *conn) push(f outFrame) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false
	}
	c.queue = append(c.queue, f)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return true
}

func (c *conn) take() []outFrame {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.queue
	c.queue = nil
	return q
}

// kill closes the socket without a close frame and stops both loops.
func (c *conn) kill() {
	c.stopOnce.Do(func() { close(c.stop) })
	_ = c.ws.Close()
}

// closeGracefully sends a close frame, then closes the socket.
func (c *conn) closeGracefully(code int, reason string) {
	msg := websocket.FormatCloseMessage(code, reason)
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(200*time.Millisecond))
	c.kill()
}

var upgrader = websocket.Upgrader{
	CheckOrigin: func(*http.Request) bool { return true }, // slack-go sends Origin https://api.slack.com
	Error: func(w http.ResponseWriter, _ *http.Request, status int, reason error) {
		http.Error(w, reason.Error(), status)
	},
}

func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	issued, valid := s.tickets[ticket]
	delete(s.tickets, ticket)
	s.mu.Unlock()
	if !valid || time.Since(issued) > connectTicketTTL {
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}

	s.mu.Lock()
	if s.isClosed() {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.connsOpened++
	c := &conn{s: s, id: s.connsOpened, ws: ws, wake: make(chan struct{}, 1), stop: make(chan struct{})}
	s.conns = append(s.conns, c)
	hello, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": len(s.conns),
		"debug_info": map[string]any{
			"host":                        "applink-fake-" + strconv.Itoa(c.id),
			"build_number":                1,
			"approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": s.opts.AppID},
	})
	c.push(outFrame{data: hello})
	backlog := s.backlog
	s.backlog = nil
	for _, e := range backlog {
		if e.first == nil && !e.timedOut && (e.event == nil || !e.event.isAcked) {
			s.deliverLocked(e)
		}
	}
	s.wg.Add(2)
	s.notifyLocked()
	s.mu.Unlock()
	s.log.Debug("slackfake: socket opened", "conn", c.id)

	go c.writeLoop(s.opts.PingInterval)
	go c.readLoop()
}

func (c *conn) writeLoop(pingEvery time.Duration) {
	defer c.s.wg.Done()
	defer c.shutdown()
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	pings := 0
	for {
		select {
		case <-c.stop:
			return
		case <-ping.C:
			pings++
			payload := []byte("ping-" + strconv.Itoa(pings))
			if err := c.ws.WriteControl(websocket.PingMessage, payload, time.Now().Add(5*time.Second)); err != nil {
				return
			}
		case <-c.wake:
			for frames := c.take(); len(frames) > 0; frames = c.take() {
				if !c.write(frames) {
					return
				}
			}
		}
	}
}

// write writes a batch of frames, stamping each envelope with the moment of
// its first write. Timers for the written envelopes start after the batch,
// so that bookkeeping never delays a write. It reports whether the
// connection is still usable.
func (c *conn) write(frames []outFrame) bool {
	var written []*envelope
	defer func() { c.s.envelopesWritten(written) }()
	for i, f := range frames {
		if f.close {
			c.closeGracefully(websocket.CloseNormalClosure, "")
			c.requeue(frames[i+1:])
			return false
		}
		_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if f.env != nil && f.env.markSent(time.Now()) {
			written = append(written, f.env)
		}
		if err := c.ws.WriteMessage(websocket.TextMessage, f.data); err != nil {
			c.requeue(frames[i:])
			return false
		}
	}
	return true
}

// readLoop reads acks and stamps each with the moment it was read. Acks are
// handled on another goroutine so that a busy server never delays a read
// and inflates the measured latency.
func (c *conn) readLoop() {
	defer c.s.wg.Done()
	type ackFrame struct {
		at   time.Time
		data []byte
	}
	acks := make(chan ackFrame, 4096)
	c.s.wg.Go(func() {
		for a := range acks {
			c.s.handleAck(a.at, a.data)
		}
	})
	defer close(acks)
	defer c.s.removeConn(c)
	c.ws.SetPongHandler(func(string) error {
		c.s.mu.Lock()
		c.s.pongs++
		c.s.notifyLocked()
		c.s.mu.Unlock()
		return nil
	})
	for {
		_, data, err := c.ws.ReadMessage()
		at := time.Now()
		if err != nil {
			return
		}
		acks <- ackFrame{at: at, data: data}
	}
}

// shutdown marks the connection closed and hands frames it never wrote to
// another connection (or the backlog).
func (c *conn) shutdown() {
	c.kill()
	c.mu.Lock()
	c.closed = true
	rest := c.queue
	c.queue = nil
	c.mu.Unlock()
	c.requeue(rest)
}

func (c *conn) requeue(frames []outFrame) {
	if len(frames) == 0 {
		return
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeConnLocked(c)
	for _, f := range frames {
		e := f.env
		if e != nil && e.first == nil && !e.timedOut && (e.event == nil || !e.event.isAcked) && !s.isClosed() {
			if !s.enqueueLocked(f) {
				s.backlog = append(s.backlog, e)
			}
		}
	}
}

func (s *Server) removeConn(c *conn) {
	c.kill()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeConnLocked(c)
}

func (s *Server) removeConnLocked(c *conn) {
	if i := slices.Index(s.conns, c); i >= 0 {
		s.conns = slices.Delete(s.conns, i, i+1)
		s.log.Debug("slackfake: socket closed", "conn", c.id)
		s.notifyLocked()
	}
}

// Connections returns how many Socket Mode connections have been opened
// since the server started; reconnects make it grow.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connsOpened
}

// OpenConnections returns how many Socket Mode connections are open and
// receiving envelopes.
func (s *Server) OpenConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.openConnsLocked()
}

func (s *Server) openConnsLocked() int {
	n := 0
	for _, c := range s.conns {
		if !c.draining {
			n++
		}
	}
	return n
}

// WaitConnected waits until n Socket Mode connections have been opened since
// the server started (see Connections) and one is open now. WaitConnected(ctx,
// 1) waits for the app to connect; after DropConnections or Disconnect,
// WaitConnected(ctx, Connections()+1) waits for it to reconnect.
func (s *Server) WaitConnected(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool { return s.connsOpened >= n && s.openConnsLocked() >= 1 })
}

// WaitPongs waits until the app has answered n of the fake's websocket pings since
// the server started, across connections: a sign that its socket loop is alive.
func (s *Server) WaitPongs(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool { return s.pongs >= n })
}

// DropConnections closes every socket abruptly, without a close frame, as a
// network failure would.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := append([]*conn(nil), s.conns...)
	s.mu.Unlock()
	for _, c := range conns {
		c.kill()
	}
}

// Disconnect sends {"type":"disconnect","reason":reason} on every socket
// ("refresh_requested", "warning", "link_disabled"), stops sending envelopes
// on them and closes them a moment later, as Slack does.
func (s *Server) Disconnect(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		if c.draining {
			continue
		}
		c.draining = true
		frame, _ := json.Marshal(map[string]any{
			"type":       "disconnect",
			"reason":     reason,
			"debug_info": map[string]any{"host": "applink-fake-" + strconv.Itoa(c.id)},
		})
		c.push(outFrame{data: frame})
		s.afterLocked(disconnectGrace, func() { c.push(outFrame{close: true}) })
	}
	s.notifyLocked()
}
