package mockserver

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectapi"
	"github.com/skyflowgo/skyflow/test/mockserver/internal/flowdbapi"
	"github.com/skyflowgo/skyflow/test/mockserver/internal/oauthapi"
	"github.com/skyflowgo/skyflow/test/mockserver/internal/vaultapi"
)

// Option configures a Server.
type Option func(*options)

type options struct {
	cfg               *Config
	cfgFile           string
	addr              string
	basePath          string
	tokenLifetime     time.Duration
	runPolls          int
	clock             func() time.Time
	validateResponses bool
	logger            *slog.Logger
	tls               bool
	caDir             string
	proxyAddr         string
	downloadLifetime  time.Duration
	dataDir           string
	idleTimeout       time.Duration // of keep-alive connections between requests
	maxBody           int64         // of a request body
}

// defaultIdleTimeout closes a keep-alive connection (or a proxy tunnel)
// that has carried no request for this long, so a client that vanished
// without closing it does not hold it forever. It is longer than the idle
// timeouts of the clients' pools that have one (Go 90 s, Node 5 s, OkHttp
// 5 min), so they close first and do not reuse a connection the emulator
// dropped.
const defaultIdleTimeout = 10 * time.Minute

// DefaultMaxRequestBody bounds the body of a request (256 MiB): JSON
// bodies are read whole to be validated, and the largest legitimate ones,
// files sent base64-encoded for de-identification, stay well under it. A
// larger body is refused with 413 before it is read.
const DefaultMaxRequestBody = 256 << 20

// WithConfig serves cfg instead of the demo vault.
func WithConfig(cfg Config) Option { return func(o *options) { c := cfg; o.cfg = &c } }

// WithConfigFile serves the JSON configuration in path (see ParseConfig).
func WithConfigFile(path string) Option { return func(o *options) { o.cfgFile = path } }

// WithAddr sets the listen address of Start (default 127.0.0.1:0, a free
// loopback port).
func WithAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// WithBasePath mounts every route under prefix (for example "/skyflow"), so
// clients that join URLs wrongly fail. The token endpoint is also served at
// the root path, because the official SDKs post to the scheme and host of
// the token URI only.
func WithBasePath(prefix string) Option { return func(o *options) { o.basePath = prefix } }

// WithTokenLifetime sets the lifetime of bearer tokens issued by the token
// endpoint (default one hour).
func WithTokenLifetime(d time.Duration) Option { return func(o *options) { o.tokenLifetime = d } }

// WithRunPolls sets how many polls of a new de-identify run report
// IN_PROGRESS before it reports SUCCESS (default 1; PlanRuns overrides it
// per run).
func WithRunPolls(n int) Option { return func(o *options) { o.runPolls = n } }

// WithClock replaces time.Now for token issuing and expiry checks.
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// WithResponseValidation validates every API response against the spec. A
// response that does not match becomes a 500 error and is recorded in
// Problems, so a test can assert that the emulator never drifted.
func WithResponseValidation() Option { return func(o *options) { o.validateResponses = true } }

// WithLogger logs one line per request (operation, method, status,
// duration, request id; never credentials, tokens or values). By default
// nothing is logged.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithTLS makes Start serve HTTPS (HTTP/1.1) with a certificate of the
// emulator's own CA (see WithCADir) for localhost, loopback addresses and
// Skyflow's host names.
func WithTLS() Option { return func(o *options) { o.tls = true } }

// WithCADir keeps the emulator's CA in dir (ca.pem and ca-key.pem), creating
// it on first use and reusing it later, so a client trusts it once. Without
// it, a server that needs a CA (WithTLS, WithProxy) makes a temporary one
// that Close deletes.
func WithCADir(dir string) Option { return func(o *options) { o.caDir = dir } }

// WithProxy makes Start also listen on addr (for example "127.0.0.1:0") as
// an HTTP proxy that official SDKs reach unmodified: it accepts CONNECT and
// absolute-URI requests, terminates TLS with the emulator's CA and serves
// {cluster}.vault.skyflowapis.com (vault and Detect),
// manage.skyflowapis.com (the token endpoint) and
// {cluster}.gateway.skyflowapis.com (connections) of the configured
// clusters. Any other host gets a 502; nothing is forwarded anywhere. The
// credentials then name Skyflow's real https token URI.
func WithProxy(addr string) Option { return func(o *options) { o.proxyAddr = addr } }

// WithDataDir keeps the server's state in dir, so that it outlives the
// process: vaults (records, tokens, Detect's vault tokens, stored files),
// Detect runs, the audit log (stored without waiting for the disk), the
// generated API key and the keys of the service accounts
// and of the bearer tokens (credentials and tokens stay valid across
// restarts). A write is acknowledged once it is on disk; concurrent writes
// are committed together. Records of the configuration are seeded only
// into a vault the directory does not know yet. Without it, everything is
// in memory.
func WithDataDir(dir string) Option { return func(o *options) { o.dataDir = dir } }

// WithMaxRequestBody bounds the size of a request body (default
// DefaultMaxRequestBody); a larger one gets 413 with Skyflow's error body.
func WithMaxRequestBody(n int64) Option { return func(o *options) { o.maxBody = n } }

// WithDownloadURLLifetime sets how long download URLs stay valid (default
// 15 minutes, as the API documents).
func WithDownloadURLLifetime(d time.Duration) Option {
	return func(o *options) { o.downloadLifetime = d }
}

// Server is an in-memory Skyflow emulator: vault data plane, Detect, the
// service-account token endpoint, connections and an admin API. Create it
// with New or Start; it is safe for concurrent use.
type Server struct {
	opts     options
	cfg      Config
	specs    *specSet
	auth     *authority
	vaults   map[string]*vault
	vaultIDs []string
	flowdbs  map[string]*flowVault // Flow DB vaults (flowdb.go)
	flowIDs  []string
	conns    map[string]*connection
	runs     *runStore
	audit    *auditLog
	faults   *faultState
	files    *fileStore
	ops      map[string]http.HandlerFunc // operationId -> generated wrapper
	handler  http.Handler
	log      *slog.Logger
	detect   *detectService

	store       *store         // nil without WithDataDir
	ca          *certAuthority // nil without WithTLS and WithProxy
	tlsCfg      *tls.Config    // serving certificate of the CA
	tunnels     *chanListener  // CONNECT tunnels of the proxy
	downloadKey []byte         // signs download URLs
	// exposed is set by Start when the listener is not on loopback: the
	// admin API then answers host names other than localhost.
	exposed atomic.Bool
	// inFlight counts the API requests being handled (admin requests
	// aside): see InFlight.
	inFlight atomic.Int64

	mu        sync.Mutex
	listener  net.Listener
	httpSrv   *http.Server
	proxySrv  *http.Server
	tunnelSrv *http.Server
	baseURL   string
	proxyURL  string
	started   bool
	closed    bool
	problems  []string
}

// New builds a configured server that is not listening yet: call Start, or
// serve Handler yourself (for example with httptest.NewServer).
func New(opts ...Option) (*Server, error) {
	o := options{addr: "127.0.0.1:0", tokenLifetime: time.Hour, runPolls: 1, clock: time.Now, downloadLifetime: 15 * time.Minute,
		idleTimeout: defaultIdleTimeout, maxBody: DefaultMaxRequestBody}
	for _, opt := range opts {
		opt(&o)
	}
	if o.cfgFile != "" && o.cfg != nil {
		return nil, errors.New("mockserver: WithConfig and WithConfigFile are exclusive")
	}
	var cfg Config
	switch {
	case o.cfgFile != "":
		c, err := LoadConfig(o.cfgFile)
		if err != nil {
			return nil, err
		}
		cfg = c
	case o.cfg != nil:
		cfg = *o.cfg
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("mockserver: invalid configuration: %w", err)
	}
	cfg = cfg.completed()
	bp, err := cleanBasePath(o.basePath)
	if err != nil {
		return nil, err
	}
	o.basePath = bp
	if o.runPolls < 0 {
		return nil, errors.New("mockserver: WithRunPolls needs a non-negative count")
	}
	if o.clock == nil {
		o.clock = time.Now
	}
	if o.downloadLifetime <= 0 {
		return nil, errors.New("mockserver: WithDownloadURLLifetime needs a positive duration")
	}
	specs, err := loadSpecs()
	if err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	s := &Server{
		opts:   o,
		cfg:    cfg,
		specs:  specs,
		vaults: map[string]*vault{},
		conns:  map[string]*connection{},
		faults: newFaultState(),
		files:  &fileStore{byID: map[string]*fileEntry{}},
		log:    o.logger,
		audit:  newAuditLog(o.clock),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.setup(); err != nil {
		s.files.close()
		if s.store != nil {
			s.store.close()
		}
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	// Errors of the generated layer: binding problems are 400s, errors
	// returned by handlers carry their own status (*apiError) or are 500s.
	reqErr := func(w http.ResponseWriter, r *http.Request, err error) {
		writeError(w, badRequest("invalid request: %v", err))
	}
	respErr := func(w http.ResponseWriter, r *http.Request, err error) {
		writeError(w, asAPIError(err))
	}
	// The spec router (specs.find) routes every request once; it then calls
	// the generated wrapper of the operation directly, which binds the
	// parameters and calls the strict handler.
	wrappers := []any{
		&vaultapi.ServerInterfaceWrapper{
			Handler:          vaultapi.NewStrictHandlerWithOptions(&vaultAPI{s: s}, nil, vaultapi.StrictHTTPServerOptions{RequestErrorHandlerFunc: reqErr, ResponseErrorHandlerFunc: respErr}),
			ErrorHandlerFunc: reqErr,
		},
		&detectapi.ServerInterfaceWrapper{
			Handler:          detectapi.NewStrictHandlerWithOptions(&detectAPI{s: s}, nil, detectapi.StrictHTTPServerOptions{RequestErrorHandlerFunc: reqErr, ResponseErrorHandlerFunc: respErr}),
			ErrorHandlerFunc: reqErr,
		},
		&oauthapi.ServerInterfaceWrapper{
			Handler:          oauthapi.NewStrictHandlerWithOptions(&oauthAPI{s: s}, nil, oauthapi.StrictHTTPServerOptions{RequestErrorHandlerFunc: reqErr, ResponseErrorHandlerFunc: respErr}),
			ErrorHandlerFunc: reqErr,
		},
		&flowdbapi.ServerInterfaceWrapper{
			Handler:          flowdbapi.NewStrictHandlerWithOptions(&flowdbAPI{s: s}, nil, flowdbapi.StrictHTTPServerOptions{RequestErrorHandlerFunc: reqErr, ResponseErrorHandlerFunc: respErr}),
			ErrorHandlerFunc: reqErr,
		},
	}
	if s.ops, err = operationHandlers(specs, wrappers); err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s, nil
}

// setup builds the state of a new server: the store of WithDataDir and the
// keys kept in it, credentials, vaults, connections, the CA and Detect.
func (s *Server) setup() error {
	o := &s.opts
	var err error
	if o.dataDir != "" {
		if s.store, err = openStore(o.dataDir); err != nil {
			return err
		}
		s.files.keep = filepath.Join(o.dataDir, filesDir)
	}
	if len(s.cfg.APIKeys) == 0 {
		key, err := s.persistedSecret("api_key", func() ([]byte, error) { return []byte(newAPIKey()), nil })
		if err != nil {
			return err
		}
		s.cfg.APIKeys = []string{string(key)}
	}
	if s.downloadKey, err = s.persistedSecret("download_key", func() ([]byte, error) {
		k := make([]byte, 32)
		_, err := rand.Read(k)
		return k, err
	}); err != nil {
		return err
	}
	if s.auth, err = newAuthority(s.cfg, o.clock, o.tokenLifetime); err != nil {
		return err
	}
	if s.store != nil {
		if err := s.auth.persistKeys(s.persistedSecret); err != nil {
			return err
		}
		if err := s.audit.persistTo(s.store, s.persistedSecret); err != nil {
			return err
		}
	}
	register := func(v *vault, f *storedFile) { s.files.register(v, f) }
	for _, vc := range s.cfg.Vaults {
		v, err := newVault(vc, removeStoredFile, s.store, register)
		if err != nil {
			return err
		}
		s.vaults[vc.ID] = v
		s.vaultIDs = append(s.vaultIDs, vc.ID)
	}
	if s.store != nil {
		stored, err := s.store.storedFileIDs()
		if err != nil {
			return err
		}
		s.files.sweep(stored)
	}
	s.flowdbs = map[string]*flowVault{}
	for _, fc := range s.cfg.FlowDBVaults {
		v, err := newFlowVault(fc, s.store)
		if err != nil {
			return err
		}
		s.flowdbs[fc.ID] = v
		s.flowIDs = append(s.flowIDs, fc.ID)
	}
	for _, cc := range s.cfg.Connections {
		segs, _ := parseRoute(cc.Route) // validated
		s.conns[cc.ID] = &connection{cfg: cc, segs: segs}
	}
	if o.tls || o.proxyAddr != "" {
		dir := o.caDir
		if dir == "" {
			if dir, err = s.files.tempDir(); err != nil {
				return err
			}
			dir = filepath.Join(dir, "ca")
		}
		if s.ca, err = loadOrCreateCA(dir, o.clock()); err != nil {
			return err
		}
		if s.tlsCfg, err = s.ca.serverTLSConfig(o.clock()); err != nil {
			return err
		}
	}
	s.detect = newDetectService(s)
	s.runs = newRunStore(o.runPolls, s.store)
	if s.store != nil {
		stored, err := s.store.loadRuns()
		if err != nil {
			return err
		}
		s.runs.runs = stored
	}
	for _, rs := range s.cfg.DetectRuns {
		if rs.VaultID == "" {
			rs.VaultID = s.vaultIDs[0]
		}
		s.runs.seed(rs)
	}
	return nil
}

// persistedSecret returns the value of a meta key of the store, creating
// it with gen (and storing it) on first use; without a store it is gen's.
func (s *Server) persistedSecret(key string, gen func() ([]byte, error)) ([]byte, error) {
	if s.store != nil {
		if v := s.store.meta(key); v != nil {
			return v, nil
		}
	}
	v, err := gen()
	if err != nil {
		return nil, err
	}
	if s.store != nil {
		if err := s.store.putMeta(key, v); err != nil {
			return nil, fmt.Errorf("store %s: %w", key, err)
		}
	}
	return v, nil
}

// Start is New followed by (*Server).Start.
func Start(opts ...Option) (*Server, error) {
	s, err := New(opts...)
	if err != nil {
		return nil, err
	}
	if err := s.Start(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Start listens on the configured address (and the proxy address of
// WithProxy) and serves in the background.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("mockserver: server is closed")
	}
	if s.started {
		return errors.New("mockserver: server already started")
	}
	ln, err := net.Listen("tcp", s.opts.addr)
	if err != nil {
		return fmt.Errorf("mockserver: listen: %w", err)
	}
	var pln net.Listener
	if s.opts.proxyAddr != "" {
		if pln, err = net.Listen("tcp", s.opts.proxyAddr); err != nil {
			ln.Close()
			return fmt.Errorf("mockserver: proxy listen: %w", err)
		}
	}
	s.listener = ln
	if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() {
		s.exposed.Store(true)
	}
	s.httpSrv = s.newHTTPServer(s.handler)
	scheme := "http"
	useTLS := s.opts.tls
	if useTLS {
		scheme = "https"
	}
	s.baseURL = scheme + "://" + ln.Addr().String() + s.opts.basePath
	s.started = true
	go func() {
		_ = s.httpSrv.Serve(&wrapListener{Listener: ln, wrap: func(c net.Conn) *serverConn {
			if useTLS {
				return &serverConn{Conn: tls.Server(c, s.tlsCfg), tls: true}
			}
			return &serverConn{Conn: c}
		}})
	}()
	if pln != nil {
		s.proxyURL = "http://" + pln.Addr().String()
		s.tunnels = newChanListener(pln.Addr())
		s.proxySrv = s.newHTTPServer(http.HandlerFunc(s.serveProxy))
		s.tunnelSrv = s.newHTTPServer(http.HandlerFunc(s.serveTunnel))
		go func() {
			_ = s.proxySrv.Serve(&wrapListener{Listener: pln, wrap: func(c net.Conn) *serverConn { return &serverConn{Conn: c} }})
		}()
		go func() { _ = s.tunnelSrv.Serve(s.tunnels) }()
	}
	return nil
}

// newHTTPServer is an http.Server of the emulator: HTTP/1.1 on serverConns.
func (s *Server) newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       s.opts.idleTimeout,
		ConnContext:       connContext,
		ErrorLog:          log.New(io.Discard, "", 0), // net/http's own messages could quote requests
		// "OPTIONS *" reaches the handler, for the error body, rather
		// than net/http's empty 200.
		DisableGeneralOptionsHandler: true,
	}
}

// Close stops the server (closing open connections) and deletes its
// temporary files. It is safe to call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	servers := []*http.Server{s.proxySrv, s.tunnelSrv, s.httpSrv}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, srv := range servers {
		if srv != nil {
			_ = srv.Shutdown(ctx)
			_ = srv.Close()
		}
	}
	if s.tunnels != nil {
		_ = s.tunnels.Close()
	}
	s.files.close()
	if s.store != nil {
		s.store.close()
	}
}

// Handler returns the emulator as an http.Handler (what Start serves).
func (s *Server) Handler() http.Handler { return s.handler }

// URL returns the base URL of the vault data plane, Detect and the token
// endpoint, e.g. "http://127.0.0.1:41234" plus the base path if any. It is
// empty before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// VaultID returns the id of the first configured vault.
func (s *Server) VaultID() string { return s.vaultIDs[0] }

// ClusterID returns the cluster id of the first configured vault.
func (s *Server) ClusterID() string { return s.vaults[s.vaultIDs[0]].clusterID }

// APIKey returns the first accepted API key.
func (s *Server) APIKey() string { return s.cfg.APIKeys[0] }

// ConnectionID returns the id of the first configured connection, or "".
func (s *Server) ConnectionID() string {
	if len(s.cfg.Connections) == 0 {
		return ""
	}
	return s.cfg.Connections[0].ID
}

// ConnectionURL returns the full URL of the first connection with its route
// template, placeholders included (e.g. ".../outboundRoutes/<id>/cards/{card_id}"),
// as users configure it in the SDK: on the emulator's listener, or with
// WithProxy on https://{cluster}.gateway.skyflowapis.com. It is empty
// before Start or without a connection.
func (s *Server) ConnectionURL() string {
	base := s.URL()
	if base == "" || len(s.cfg.Connections) == 0 {
		return ""
	}
	if s.ProxyURL() != "" {
		base = "https://" + s.ClusterID() + ".gateway." + skyflowDomains[0]
	}
	c := s.cfg.Connections[0]
	return base + connectionPrefix + c.ID + c.Route
}

// FlowDBVaultID returns the id of the first configured Flow DB vault, or
// "" when none is configured.
func (s *Server) FlowDBVaultID() string {
	if len(s.flowIDs) == 0 {
		return ""
	}
	return s.flowIDs[0]
}

// FlowDBURL returns the base URL of the first Flow DB vault as a client
// configures it: https://{cluster}.skyvault.skyflowapis.com with
// WithProxy, else URL(). It is empty before Start or without a Flow DB
// vault.
func (s *Server) FlowDBURL() string {
	if len(s.flowIDs) == 0 {
		return ""
	}
	if s.ProxyURL() != "" {
		return "https://" + s.flowdbs[s.flowIDs[0]].clusterID + ".skyvault." + skyflowDomains[0]
	}
	return s.URL()
}

// VaultURL returns the URL of the first vault's data plane as a client
// configures it: https://{cluster}.vault.skyflowapis.com with WithProxy,
// else URL(). It is empty before Start.
func (s *Server) VaultURL() string {
	if s.ProxyURL() != "" {
		return "https://" + s.ClusterID() + ".vault." + skyflowDomains[0]
	}
	return s.URL()
}

// ProxyURL returns the address of the proxy of WithProxy
// ("http://127.0.0.1:PORT"), or "" without a proxy or before Start.
func (s *Server) ProxyURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proxyURL
}

// TokenURI returns the token URI written into credentials: the configured
// one; with WithProxy Skyflow's real one,
// https://manage.skyflowapis.com/v1/auth/sa/oauth/token (the official SDKs
// refuse a token URI that is not https); else
// URL()+"/v1/auth/sa/oauth/token".
func (s *Server) TokenURI() string {
	if s.cfg.TokenURI != "" {
		return s.cfg.TokenURI
	}
	if s.opts.proxyAddr != "" {
		return "https://manage." + skyflowDomains[0] + tokenPath
	}
	base := s.URL()
	if base == "" {
		return ""
	}
	return base + tokenPath
}

// CAFile returns the path of the emulator's CA certificate (PEM), which
// clients trust to reach it over HTTPS or through its proxy; "" without
// WithTLS and WithProxy.
func (s *Server) CAFile() string {
	if s.ca == nil {
		return ""
	}
	return s.ca.file
}

// CertPool returns a pool holding the emulator's CA certificate, or nil
// without WithTLS and WithProxy.
func (s *Server) CertPool() *x509.CertPool {
	if s.ca == nil {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(s.ca.cert)
	return p
}

// HTTPClient returns an *http.Client that reaches the emulator as an
// official SDK would: through its proxy (WithProxy) and trusting its CA.
// Give it to an SDK together with a vault configuration built from
// ClusterID (no base URL).
func (s *Server) HTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	if p := s.ProxyURL(); p != "" {
		if u, err := url.Parse(p); err == nil {
			tr.Proxy = http.ProxyURL(u)
		}
	}
	if pool := s.CertPool(); pool != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: time.Minute}
}

// CredentialsJSON returns service-account credentials for the first service
// account (clientID, clientName, keyID, tokenURI and a PKCS#8 PEM
// privateKey), as the SDKs read them. Call it after Start so that tokenURI
// points at the server. It returns "" if the key cannot be generated.
func (s *Server) CredentialsJSON() string {
	out, err := credentialsJSON(s.auth.accounts[0], s.TokenURI())
	if err != nil {
		return ""
	}
	return out
}

// WriteCredentials writes CredentialsJSON to path (mode 0600).
func (s *Server) WriteCredentials(path string) error {
	out, err := credentialsJSON(s.auth.accounts[0], s.TokenURI())
	if err != nil {
		return fmt.Errorf("mockserver: %w", err)
	}
	if err := writeFileAtomic(path, []byte(out+"\n")); err != nil {
		return fmt.Errorf("mockserver: write credentials: %w", err)
	}
	return nil
}

// IssueToken mints a bearer token accepted by the server, as if the token
// endpoint had issued it, valid for lifetime (a negative lifetime gives an
// already expired token) and carrying roles.
func (s *Server) IssueToken(lifetime time.Duration, roles ...string) (string, error) {
	tok, err := s.auth.issue("static-token", lifetime, roles, nil)
	if err != nil {
		return "", fmt.Errorf("mockserver: %w", err)
	}
	return tok, nil
}

// Count returns how many requests reached an operation since the start or
// the last ResetCounts, whatever their outcome (faulted, rejected or
// served). Operation names are the spec operationIds (for example
// RecordServiceInsertRecord, TokenServiceDetokenize, GetAuthToken,
// DetectGetRun) and InvokeConnection.
func (s *Server) Count(operation string) int { return s.faults.count(operation) }

// InFlight returns how many API requests the server is handling (admin
// requests aside): a request held by a Delay fault counts until it is
// answered or its client goes. A test that reconciles the server's state
// with its clients' view waits for 0 first, so that no write its clients
// gave up on lands afterwards.
func (s *Server) InFlight() int { return int(s.inFlight.Load()) }

// Counts returns a copy of all operation counters.
func (s *Server) Counts() map[string]int { return s.faults.snapshot() }

// FaultCounts returns how many requests each fault was applied to since the
// start or the last ResetCounts, by the fault's name (see Fault.Name).
func (s *Server) FaultCounts() map[string]int { return s.faults.appliedSnapshot() }

// ResetCounts sets every operation counter and fault counter to zero.
func (s *Server) ResetCounts() { s.faults.reset() }

// InjectFault makes the next f.Times requests to operation (an operationId,
// InvokeConnection, or "*" for any operation) misbehave as f says. Faults of
// the operation apply before "*" faults; several faults queue up.
func (s *Server) InjectFault(operation string, f Fault) { s.faults.inject(operation, f) }

// ClearFaults drops every pending fault.
func (s *Server) ClearFaults() { s.faults.clear() }

// RunPlan says how one de-identify file run behaves when polled.
type RunPlan struct {
	// Polls is how many polls report IN_PROGRESS first.
	Polls int
	// Final is the status after that: SUCCESS (default), FAILED or UNKNOWN.
	Final string
	// Message is the run message (the failure reason of a FAILED run).
	Message string
}

// PlanRuns queues plans for the next de-identify file runs: each new run
// takes the next plan; when the queue is empty, runs report IN_PROGRESS for
// WithRunPolls polls and then SUCCESS.
func (s *Server) PlanRuns(plans ...RunPlan) { s.runs.plan(plans...) }

// Records returns a copy of the records of a table of the first vault, in
// insertion order, each as column -> value with its skyflow_id. It returns
// nil for an unknown table.
func (s *Server) Records(table string) []map[string]any {
	v := s.vaults[s.vaultIDs[0]]
	v.mu.RLock()
	defer v.mu.RUnlock()
	t, ok := v.tables[table]
	if !ok {
		return nil
	}
	out := []map[string]any{}
	for _, r := range t.sortedRecords() {
		m := map[string]any{"skyflow_id": r.id}
		for k, val := range r.values {
			m[k] = deepCopy(val)
		}
		for k, f := range r.files {
			m[k] = f.name
		}
		out = append(out, m)
	}
	return out
}

// Tables describes the tables of the first vault (columns and their
// properties; seed records are left out).
func (s *Server) Tables() []TableConfig {
	var out []TableConfig
	for _, vc := range s.cfg.Vaults {
		if vc.ID != s.vaultIDs[0] {
			continue
		}
		for _, t := range vc.Tables {
			out = append(out, TableConfig{Name: t.Name, Columns: append([]ColumnConfig(nil), t.Columns...)})
		}
	}
	return out
}

// Problems returns the responses that did not match the spec (with
// WithResponseValidation) and the handler panics recovered so far. A healthy
// run has none.
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

func (s *Server) addProblem(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.problems = append(s.problems, fmt.Sprintf(format, args...))
}

// acceptedTokenURIs are the audiences a service-account assertion may name:
// the token URI of the credentials, and the token URI as this request
// reached the server (over http or, behind a TLS proxy, https).
func (s *Server) acceptedTokenURIs(r *http.Request) []string {
	out := []string{}
	if u := s.TokenURI(); u != "" {
		out = append(out, u)
	}
	if r != nil && r.Host != "" {
		out = append(out, s.externalBase(r)+tokenPath,
			"http://"+r.Host+s.opts.basePath+tokenPath,
			"https://"+r.Host+s.opts.basePath+tokenPath)
	}
	return out
}

// vaultCtx is vault, noting the vault in the request's audit event.
func (s *Server) vaultCtx(ctx context.Context, id string) (*vault, error) {
	noteVault(ctx, id)
	return s.vault(id)
}

// vault returns the vault with the given id or a 404.
func (s *Server) vault(id string) (*vault, error) {
	v, ok := s.vaults[id]
	if !ok {
		return nil, notFound("vault %s not found", id)
	}
	return v, nil
}

func cleanBasePath(p string) (string, error) {
	if p == "" || p == "/" {
		return "", nil
	}
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("mockserver: base path %q must start with /", p)
	}
	p = strings.TrimRight(p, "/")
	if strings.ContainsAny(p, "?#") || strings.Contains(p, "//") {
		return "", fmt.Errorf("mockserver: invalid base path %q", p)
	}
	return p, nil
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

// fileStore owns the server's temporary directory: stored files and spooled
// uploads.
type fileStore struct {
	mu     sync.Mutex
	dir    string
	keep   string // with WithDataDir: where stored files live (else dir)
	closed bool
	byID   map[string]*fileEntry
}

type fileEntry struct {
	v *vault
	f *storedFile
}

// create makes a new file in the temporary directory (created on first use).
func (fs *fileStore) create(pattern string) (*os.File, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return nil, errors.New("server is closed")
	}
	if fs.dir == "" {
		d, err := os.MkdirTemp("", "skyflow-mock-*")
		if err != nil {
			return nil, err
		}
		fs.dir = d
	}
	return os.CreateTemp(fs.dir, pattern)
}

// tempDir returns the server's temporary directory, creating it.
func (fs *fileStore) tempDir() (string, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return "", errors.New("server is closed")
	}
	if fs.dir == "" {
		d, err := os.MkdirTemp("", "skyflow-mock-*")
		if err != nil {
			return "", err
		}
		fs.dir = d
	}
	return fs.dir, nil
}

// createStored creates the file that will hold the bytes of stored file
// id: in the data directory with WithDataDir, else in the temporary one.
func (fs *fileStore) createStored(id string) (*os.File, error) {
	if fs.keep == "" {
		return fs.create("file-*")
	}
	return os.OpenFile(filepath.Join(fs.keep, id), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
}

// durable reports whether stored files must be synced to disk.
func (fs *fileStore) durable() bool { return fs.keep != "" }

// sweep deletes the files of the data directory that no record refers to
// (left by a crash between a commit and the deletion of a dropped file, or
// by an upload that was never committed): neither a record of a configured
// vault nor a stored one (stored holds the file ids of every stored record,
// those of tables no longer configured included).
func (fs *fileStore) sweep(stored map[string]bool) {
	entries, err := os.ReadDir(fs.keep)
	if err != nil {
		return
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, e := range entries {
		if _, used := fs.byID[e.Name()]; !used && !stored[e.Name()] {
			_ = os.Remove(filepath.Join(fs.keep, e.Name()))
		}
	}
}

func (fs *fileStore) register(v *vault, f *storedFile) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.byID[f.id] = &fileEntry{v: v, f: f}
}

func (fs *fileStore) lookup(id string) *fileEntry {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.byID[id]
}

func (fs *fileStore) close() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.closed = true
	if fs.dir != "" {
		_ = os.RemoveAll(fs.dir)
	}
}
