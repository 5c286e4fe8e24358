package mockserver

import (
	"crypto/tls"
	"net"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// surface is the part of the emulator a host name reaches.
type surface uint8

const (
	surfaceDirect   surface = iota // the emulator's own listener: everything
	surfaceVault                   // {cluster}.vault.skyflowapis.com: vault, Detect, downloads
	surfaceManage                  // manage.skyflowapis.com: the token endpoint
	surfaceGateway                 // {cluster}.gateway.skyflowapis.com: connections
	surfaceSkyvault                // {cluster}.skyvault.skyflowapis.com: Flow DB vaults
)

// origin is how a client reached the emulator: the scheme and host it
// used, and what that host serves. Download URLs and the accepted token
// audience follow it.
type origin struct {
	scheme  string
	host    string // as the client sent it, with a port if any
	surface surface
}

func (o origin) base() string { return o.scheme + "://" + o.host }

type originKey struct{}

// classifyHost maps a host name (without port) to the surface it reaches
// and the cluster id it names.
func classifyHost(host string) (surface, string, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range skyflowDomains {
		if host == "manage."+d {
			return surfaceManage, "", true
		}
		if rest, ok := strings.CutSuffix(host, ".vault."+d); ok && rest != "" && !strings.Contains(rest, ".") {
			return surfaceVault, rest, true
		}
		if rest, ok := strings.CutSuffix(host, ".gateway."+d); ok && rest != "" && !strings.Contains(rest, ".") {
			return surfaceGateway, rest, true
		}
		if rest, ok := strings.CutSuffix(host, ".skyvault."+d); ok && rest != "" && !strings.Contains(rest, ".") {
			return surfaceSkyvault, rest, true
		}
	}
	return 0, "", false
}

// proxyTarget checks a proxied request's target host (host[:port]) and
// returns the surface it reaches, or the 502 that refuses it.
func (s *Server) proxyTarget(hostport, scheme string) (surface, *apiError) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	refuse := func(why string) *apiError {
		return newError(http.StatusBadGateway, "skyflow-mock proxy: %s; it serves only {cluster}.vault.skyflowapis.com, "+
			"{cluster}.skyvault.skyflowapis.com, manage.skyflowapis.com and {cluster}.gateway.skyflowapis.com "+
			"(and their -preview.com forms) for the configured clusters, "+
			"and forwards nothing anywhere", why)
	}
	sf, cluster, ok := classifyHost(host)
	switch {
	case !ok:
		return 0, refuse("host " + host + " is not a Skyflow host")
	case port != "" && port != "443" && !(scheme == "http" && port == "80"):
		return 0, refuse("port " + port + " is not served")
	case cluster != "" && !s.knownCluster(cluster):
		return 0, refuse("cluster " + cluster + " is not configured")
	}
	return sf, nil
}

// knownCluster reports whether a vault of the configuration has this
// cluster id.
func (s *Server) knownCluster(id string) bool {
	for _, v := range s.vaults {
		if strings.EqualFold(v.clusterID, id) {
			return true
		}
	}
	for _, v := range s.flowdbs {
		if strings.EqualFold(v.clusterID, id) {
			return true
		}
	}
	return false
}

// serveProxy is the handler of the proxy listener. CONNECT requests (Go,
// Python, Java) get a tunnel whose TLS the emulator terminates with its CA;
// absolute-URI requests (what axios sends for https targets) are served as
// they are. Nothing is ever forwarded.
func (s *Server) serveProxy(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		s.serveConnect(w, r)
		return
	}
	if !r.URL.IsAbs() || r.URL.Host == "" {
		w.Header().Set("X-Request-Id", uuid.NewString())
		writeError(w, badRequest("skyflow-mock proxy: send absolute-URI proxy requests or CONNECT; the emulator itself is at %s", s.URL()))
		return
	}
	scheme := strings.ToLower(r.URL.Scheme)
	sf, apiErr := s.proxyTarget(r.URL.Host, scheme)
	if apiErr != nil {
		w.Header().Set("X-Request-Id", uuid.NewString())
		writeError(w, apiErr)
		return
	}
	r.Header.Del("Proxy-Connection")
	r.Header.Del("Proxy-Authorization")
	s.serve(w, r, origin{scheme: scheme, host: r.URL.Host, surface: sf})
}

// serveConnect opens a tunnel to a Skyflow host: it answers 200, terminates
// the client's TLS with the emulator's certificate and hands the connection
// to the tunnel server.
func (s *Server) serveConnect(w http.ResponseWriter, r *http.Request) {
	if _, apiErr := s.proxyTarget(r.Host, "https"); apiErr != nil {
		w.Header().Set("X-Request-Id", uuid.NewString())
		writeError(w, apiErr)
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		w.Header().Set("X-Request-Id", uuid.NewString())
		writeError(w, newError(http.StatusInternalServerError, "skyflow-mock proxy: cannot open a tunnel"))
		return
	}
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n")); err != nil {
		conn.Close()
		return
	}
	var raw net.Conn = conn
	if brw != nil && brw.Reader.Buffered() > 0 {
		raw = &bufferedConn{Conn: conn, r: brw.Reader}
	}
	sc := &serverConn{Conn: tls.Server(raw, s.tlsCfg), tls: true}
	if err := s.tunnels.push(sc); err != nil {
		sc.Close()
	}
}

// serveTunnel serves the requests inside a CONNECT tunnel, routed by the
// host the client names.
func (s *Server) serveTunnel(w http.ResponseWriter, r *http.Request) {
	sf, apiErr := s.proxyTarget(r.Host, "https")
	if apiErr != nil {
		w.Header().Set("X-Request-Id", uuid.NewString())
		writeError(w, apiErr)
		return
	}
	s.serve(w, r, origin{scheme: "https", host: r.Host, surface: sf})
}
