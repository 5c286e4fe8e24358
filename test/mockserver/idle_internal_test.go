package mockserver

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A keep-alive connection that carries no further request is closed after
// the idle timeout, on the listener and on the proxy, so a client that
// vanished without closing it does not hold a goroutine forever.
func TestIdleKeepAliveConnectionsAreClosed(t *testing.T) {
	s, err := Start(WithProxy("127.0.0.1:0"), func(o *options) { o.idleTimeout = 50 * time.Millisecond })
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, srv := range []*http.Server{s.httpSrv, s.proxySrv, s.tunnelSrv} {
		if srv.IdleTimeout <= 0 {
			t.Fatalf("an http.Server of the emulator has no idle timeout")
		}
	}
	cases := map[string]struct{ addr, req string }{
		"listener": {strings.TrimPrefix(s.URL(), "http://"), "GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n"},
		"proxy": {strings.TrimPrefix(s.ProxyURL(), "http://"),
			"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", c.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			// The deadline only bounds a failing test; the server closes
			// the connection long before.
			if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
				t.Fatal(err)
			}
			if _, err := io.WriteString(conn, c.req); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.Close {
				t.Fatalf("the answer closes the connection; the test needs a keep-alive one")
			}
			if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
				t.Fatalf("an idle connection was not closed by the server: %v", err)
			}
		})
	}
}
