package mockserver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
)

// serverConn is every connection the emulator serves (plain, TLS, or a
// tunnel of the proxy). The emulator terminates TLS itself, so it knows
// the scheme of every request, and it replaces net/http's plain-text
// answers to requests that cannot be parsed (a malformed percent-escape in
// the path, oversized headers) with the Skyflow error body and an
// x-request-id.
type serverConn struct {
	net.Conn
	tls       bool
	inHandler atomic.Bool // a handler is writing: nothing to rewrite
	plainSent atomic.Bool // the answer to plain HTTP on a TLS connection was sent
}

type connKey struct{}

// connFrom returns the serverConn a request arrived on, or nil.
func connFrom(ctx context.Context) *serverConn {
	c, _ := ctx.Value(connKey{}).(*serverConn)
	return c
}

// connContext is the ConnContext of the emulator's http.Servers.
func connContext(ctx context.Context, c net.Conn) context.Context {
	if sc, ok := c.(*serverConn); ok {
		return context.WithValue(ctx, connKey{}, sc)
	}
	return ctx
}

// netHTTPErrorHeaders follow the status line of the answers net/http writes
// by itself when it cannot read a request.
var netHTTPErrorHeaders = []byte("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n")

// Write sends p, unless p is net/http's own answer to an unreadable request,
// which it replaces with the Skyflow error body of the same status.
func (c *serverConn) Write(p []byte) (int, error) {
	if c.inHandler.Load() || !bytes.HasPrefix(p, []byte("HTTP/1.1 ")) || len(p) < 12 {
		return c.Conn.Write(p)
	}
	status, err := strconv.Atoi(string(p[9:12]))
	eol := bytes.Index(p, []byte("\r\n"))
	if err != nil || status < 400 || eol < 0 || !bytes.HasPrefix(p[eol:], netHTTPErrorHeaders) {
		return c.Conn.Write(p)
	}
	msg := "malformed request: it could not be parsed as HTTP (for example a malformed percent-escape in the path)"
	switch status {
	case http.StatusRequestHeaderFieldsTooLarge:
		msg = "the request headers are too large"
	case http.StatusNotImplemented:
		msg = "unsupported transfer encoding"
	}
	if _, err := c.Conn.Write(rawErrorResponse(status, msg)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// rawErrorResponse is a whole HTTP/1.1 answer with the Skyflow error body,
// an x-request-id, and Connection: close.
func rawErrorResponse(status int, msg string) []byte {
	body, _ := marshal(newError(status, "%s", msg).body())
	return fmt.Appendf(nil, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nX-Request-Id: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, http.StatusText(status), uuid.NewString(), len(body), body)
}

// Read reads from the connection. On a TLS connection whose first bytes
// are a plain HTTP request (a client given http:// for the HTTPS listener,
// or speaking plain HTTP inside a CONNECT tunnel), it answers that request
// in plain text with the Skyflow error body before the connection closes,
// as net/http does for its own TLS connections, rather than closing it
// without a word.
func (c *serverConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil && c.tls {
		var re tls.RecordHeaderError
		if errors.As(err, &re) && re.Conn != nil && recordLooksLikeHTTP(re.RecordHeader) && c.plainSent.CompareAndSwap(false, true) {
			_, _ = re.Conn.Write(rawErrorResponse(http.StatusBadRequest,
				"this listener speaks HTTPS: the request was sent as plain HTTP (use https:// and trust the emulator's CA)"))
			_ = re.Conn.Close()
		}
	}
	return n, err
}

// recordLooksLikeHTTP reports whether the first five bytes of a TLS
// connection are the start of a plain HTTP request.
func recordLooksLikeHTTP(hdr [5]byte) bool {
	switch string(hdr[:]) {
	case "GET /", "HEAD ", "POST ", "PUT /", "PATCH", "DELET", "OPTIO", "CONNE":
		return true
	}
	return false
}

// wrapListener makes every accepted connection a serverConn, terminating
// TLS when tlsCfg is set.
type wrapListener struct {
	net.Listener
	wrap func(net.Conn) *serverConn
}

func (l *wrapListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return l.wrap(c), nil
}

// chanListener is the listener of the proxy's tunnels: CONNECT requests
// hand their TLS-terminated connections to it.
type chanListener struct {
	addr   net.Addr
	conns  chan net.Conn
	once   sync.Once
	closed chan struct{}
}

func newChanListener(addr net.Addr) *chanListener {
	return &chanListener{addr: addr, conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// push hands a connection to the server; it fails once the listener is
// closed.
func (l *chanListener) push(c net.Conn) error {
	select {
	case l.conns <- c:
		return nil
	case <-l.closed:
		return errors.New("the proxy is closed")
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }

// bufferedConn is a hijacked connection whose reader may already hold bytes
// the client sent after its CONNECT request.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
