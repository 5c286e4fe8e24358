package mockserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	pathpkg "path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/google/uuid"
)

const (
	connectionPrefix = "/v1/gateway/outboundRoutes/"
	adminPrefix      = "/__admin/"
	filesPrefix      = "/__files/"
	opConnection     = "InvokeConnection"
)

// responseWriter records the status and makes sure every response has a
// Content-Type (application/json unless a handler set another one).
type responseWriter struct {
	http.ResponseWriter
	status  int
	written bool
}

func (w *responseWriter) WriteHeader(status int) {
	if w.written {
		return
	}
	w.written = true
	w.status = status
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

func (w *responseWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		if !w.written {
			w.WriteHeader(http.StatusOK)
		}
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recorder buffers a response so it can be validated before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

// serveHTTP is the entry point of the emulator's own listener (and of
// Handler): every route, under the base path.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	o := origin{scheme: "http", host: r.Host, surface: surfaceDirect}
	if sc := connFrom(r.Context()); (sc != nil && sc.tls) || r.TLS != nil {
		o.scheme = "https"
	}
	s.serve(w, r, o)
}

// serve handles one request that reached the emulator through o: request
// id, base path, routing, counters, faults, validation, then the generated
// handlers.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, o origin) {
	start := time.Now()
	rid := uuid.NewString()
	w.Header().Set("X-Request-Id", rid)
	if sc := connFrom(r.Context()); sc != nil {
		sc.inHandler.Store(true)
		defer sc.inHandler.Store(false)
	}
	rw := &responseWriter{ResponseWriter: w}
	if max := s.opts.maxBody; max > 0 && r.Body != nil && r.Body != http.NoBody {
		if r.ContentLength > max {
			writeError(rw, tooLarge(max))
			return
		}
		r.Body = http.MaxBytesReader(rw, r.Body, max)
	}
	op := ""
	st := &reqState{rid: rid}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.addProblem("panic in %s: %v\n%s", op, p, debug.Stack())
			if !rw.written {
				writeError(rw, newError(http.StatusInternalServerError, "internal error"))
			}
		}
		status := rw.status
		if status == 0 {
			status = http.StatusOK
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("operation", op), slog.String("method", r.Method), slog.Int("status", status),
			slog.Duration("duration", time.Since(start)), slog.String("request_id", rid))
		if op != "" && op != "admin" && op != "download" && op != opAuditList {
			s.audit.record(st, op, r, status, start)
		}
	}()

	path := r.URL.EscapedPath()
	if o.surface == surfaceDirect {
		var ok bool
		if path, ok = s.stripBase(path); !ok {
			writeError(rw, notFound("no API route matches this path"))
			return
		}
	}
	if err := setPath(r, path); err != nil {
		writeError(rw, badRequest("malformed escape in path"))
		return
	}
	ctx := context.WithValue(r.Context(), originKey{}, o)
	ctx = context.WithValue(ctx, stateKey{}, st)
	r = r.WithContext(ctx)
	st.req = r
	noRoute := func() {
		writeError(rw, notFound("no API route matches this path on host %s", o.host))
	}

	if !strings.HasPrefix(path, adminPrefix) {
		s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
	}
	switch {
	case strings.HasPrefix(path, adminPrefix):
		if o.surface != surfaceDirect {
			noRoute()
			return
		}
		op = "admin"
		if why := s.adminRefusal(r); why != "" {
			writeError(rw, forbidden("%s", why))
			return
		}
		s.serveAdmin(rw, r, strings.TrimPrefix(path, adminPrefix))
		return
	case strings.HasPrefix(path, filesPrefix):
		if o.surface != surfaceDirect && o.surface != surfaceVault {
			noRoute()
			return
		}
		op = "download"
		s.serveDownload(rw, r, strings.TrimPrefix(path, filesPrefix))
		return
	case strings.HasPrefix(path, connectionPrefix):
		if o.surface != surfaceDirect && o.surface != surfaceGateway {
			noRoute()
			return
		}
		op = opConnection
		// The route must name a connection and a route path.
		rest := strings.TrimPrefix(r.URL.Path, connectionPrefix)
		id, route, _ := strings.Cut(rest, "/")
		if pathpkg.Clean(r.URL.Path) != r.URL.Path || id == "" || route == "" {
			writeError(rw, notFound("no route matches this path"))
			return
		}
		r.SetPathValue("connectionID", id)
		proceed, drop := s.applyFault(rw, rw, r, op)
		switch {
		case drop:
			s.handleConnection(&recorder{header: http.Header{}}, r)
			panic(http.ErrAbortHandler)
		case proceed:
			s.handleConnection(rw, r)
		}
		return
	}

	m, apiErr := s.specs.find(r.Method, path)
	if apiErr != nil {
		writeError(rw, apiErr)
		return
	}
	if !m.spec.servedOn(o.surface) {
		noRoute()
		return
	}
	op = m.opID
	var out http.ResponseWriter = rw
	var rec *recorder
	if s.opts.validateResponses {
		rec = &recorder{header: rw.Header().Clone()}
		out = rec
	}
	proceed, drop := s.applyFault(rw, out, r, op)
	switch {
	case drop:
		// The request is handled in full; its answer goes nowhere.
		out = &recorder{header: http.Header{}}
	case st.after != nil && rec == nil:
		// The answer is buffered so that afterFault can change it.
		rec = &recorder{header: rw.Header().Clone()}
		out = rec
	}
	if proceed {
		cleanup, err := s.validateRequest(r, m)
		defer cleanup()
		if err != nil {
			writeError(out, err)
		} else {
			for name, val := range m.params {
				r.SetPathValue(name, val)
			}
			s.ops[op](out, r)
			s.afterFault(st, rec)
		}
	}
	if drop {
		panic(http.ErrAbortHandler) // close the connection, nothing sent
	}
	if rec == nil {
		return
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if s.opts.validateResponses {
		if verr := s.validateResponse(r, m, rec); verr != nil {
			s.addProblem("%s %s: response %d does not match the spec: %v", op, m.route.Path, rec.status, verr)
			writeError(rw, newError(http.StatusInternalServerError, "emulator response does not match the spec: %v", verr))
			return
		}
	}
	for k, v := range rec.header {
		rw.Header()[k] = v
	}
	rw.WriteHeader(rec.status)
	_, _ = rw.Write(rec.body.Bytes())
}

// stripBase removes the base path. The token endpoint is also reachable at
// the root, where the official SDKs post it.
func (s *Server) stripBase(escaped string) (string, bool) {
	bp := s.opts.basePath
	if bp == "" {
		return escaped, true
	}
	if rest, ok := strings.CutPrefix(escaped, bp); ok && (rest == "" || strings.HasPrefix(rest, "/")) {
		if rest == "" {
			rest = "/"
		}
		return rest, true
	}
	if escaped == tokenPath {
		return escaped, true
	}
	return "", false
}

// setPath points the request at its path relative to the base path.
func setPath(r *http.Request, escaped string) error {
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return err
	}
	nu := *r.URL
	nu.Path = p
	nu.RawPath = escaped
	r.URL = &nu
	return nil
}

// applyFault counts the request and applies a pending fault, writing a
// fault status to out and breaking the connection through raw. It reports
// whether the request should go on, and whether its answer must then be
// dropped with the connection (CloseAfterCommit).
func (s *Server) applyFault(raw, out http.ResponseWriter, r *http.Request, op string) (proceed, drop bool) {
	f, ok := s.faults.take(op)
	if !ok {
		return true, false
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			panic(http.ErrAbortHandler)
		}
	}
	if f.CloseConnection {
		// Promise a body, send part of it, then drop the connection.
		raw.Header().Set("Content-Type", "application/json")
		raw.Header().Set("Content-Length", "4096")
		raw.WriteHeader(http.StatusOK)
		_, _ = raw.Write([]byte(`{"records":[{"skyflow_id":"`))
		if fl, ok := raw.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	if f.DropElements > 0 {
		if st := stateFrom(r.Context()); st != nil {
			st.after = &f
		}
	}
	if f.Status != 0 {
		msg := f.Message
		if msg == "" {
			msg = fmt.Sprintf("injected fault: %d %s", f.Status, http.StatusText(f.Status))
		}
		if f.RetryAfter != "" {
			out.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(out, newError(f.Status, "%s", msg))
		return false, false
	}
	return true, f.CloseAfterCommit
}

// validateRequest checks security, parameters and body against the spec.
// Multipart bodies are spooled to disk and validated part by part, so a
// file part is never held in memory. The returned cleanup must be called
// when the request is done.
func (s *Server) validateRequest(r *http.Request, m *routeMatch) (func(), *apiError) {
	noop := func() {}
	opts := &openapi3filter.Options{
		ExcludeRequestBody:  true,
		SkipSettingDefaults: true,
		AuthenticationFunc:  s.authenticate,
	}
	// Security and parameters are checked without the body: kin-openapi
	// would otherwise read the whole body into memory for the security step.
	body, length := r.Body, r.ContentLength
	r.Body, r.ContentLength = http.NoBody, 0
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: m.params, Route: m.route, Options: opts}
	err := openapi3filter.ValidateRequest(r.Context(), in)
	r.Body, r.ContentLength = body, length
	if err != nil {
		return noop, requestValidationError(err)
	}
	op := m.route.Operation
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return noop, nil
	}
	if schema := multipartSchema(op); schema != nil {
		return s.spoolMultipart(r, schema, op.RequestBody.Value.Required)
	}
	if m.opID == opDeidentifyFile {
		if err := normalizeDataFormat(r); err != nil {
			return noop, bodyReadError(err, "invalid request body: %v", err)
		}
	}
	bodyOpts := &openapi3filter.Options{SkipSettingDefaults: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	bin := &openapi3filter.RequestValidationInput{Request: r, PathParams: m.params, Route: m.route, Options: bodyOpts}
	if err := openapi3filter.ValidateRequestBody(r.Context(), bin, op.RequestBody.Value); err != nil {
		return noop, requestValidationError(err)
	}
	return noop, nil
}

// authenticate is the AuthenticationFunc of request validation. The
// principal it finds is kept in the request state, for roles and the
// audit log.
func (s *Server) authenticate(ctx context.Context, in *openapi3filter.AuthenticationInput) error {
	sch := in.SecurityScheme
	req := in.RequestValidationInput.Request
	var p *principal
	var err error
	switch {
	case sch.Type == "http" && strings.EqualFold(sch.Scheme, "bearer"):
		p, err = s.auth.authorize(req.Header.Get("Authorization"))
	case sch.Type == "apiKey" && sch.In == "header":
		p, err = s.auth.identify(strings.TrimSpace(req.Header.Get(sch.Name)))
	default:
		return fmt.Errorf("unsupported security scheme %s", in.SecuritySchemeName)
	}
	if st := stateFrom(ctx); st != nil && p != nil {
		st.principal = p
	}
	return err
}

// requestValidationError maps a kin-openapi validation error to the
// Skyflow error body: 401 for security, 400 for everything else.
func requestValidationError(err error) *apiError {
	if mb := (*http.MaxBytesError)(nil); errors.As(err, &mb) {
		return tooLarge(mb.Limit)
	}
	var sec *openapi3filter.SecurityRequirementsError
	if errors.As(err, &sec) {
		msg := "authentication failed"
		if len(sec.Errors) > 0 {
			msg = sec.Errors[0].Error()
		}
		return unauthenticated("%s", msg)
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) {
		where := "request"
		switch {
		case re.Parameter != nil:
			where = fmt.Sprintf("parameter %s (in %s)", re.Parameter.Name, re.Parameter.In)
		case re.RequestBody != nil:
			where = "request body"
		}
		var se *openapi3.SchemaError
		if errors.As(re.Err, &se) {
			ptr := "/" + strings.Join(se.JSONPointer(), "/")
			return badRequest("invalid %s: %s (at %s)", where, se.Reason, ptr)
		}
		reason := re.Reason
		if re.Err != nil {
			if reason != "" {
				reason += ": "
			}
			reason += re.Err.Error()
		}
		return badRequest("invalid %s: %s", where, reason)
	}
	return badRequest("invalid request: %v", err)
}

// validateResponse checks a buffered response against the spec.
func (s *Server) validateResponse(r *http.Request, m *routeMatch, rec *recorder) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: m.params, Route: m.route},
		Status:                 rec.status,
		Header:                 rec.header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(rec.body.Bytes())
	if ct := rec.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("content type %q is not application/json", ct)
	}
	if rec.header.Get("X-Request-Id") == "" {
		return errors.New("x-request-id header missing")
	}
	return openapi3filter.ValidateResponse(r.Context(), in)
}
