package facade

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skyflowgo/skyflow/auth"
	gdetect "github.com/skyflowgo/skyflow/gen/detect"
	gvault "github.com/skyflowgo/skyflow/gen/vault"
	"github.com/skyflowgo/skyflow/internal/errs"
	"github.com/skyflowgo/skyflow/internal/transport"
)

// Vault is a cheap handle on one configured vault. It shares the client's
// HTTP connections and token cache; obtain it once or on every call, as
// convenient. It is safe for concurrent use.
type Vault struct {
	c  *Client
	id string
}

// Vault returns a handle on the vault with the given id, or on the first
// vault added when vaultID is "".
func (c *Client) Vault(vaultID string) (*Vault, error) {
	id, err := c.resolveVaultID(vaultID)
	if err != nil {
		return nil, err
	}
	return &Vault{c: c, id: id}, nil
}

func (c *Client) resolveVaultID(vaultID string) (string, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if vaultID == "" {
		if len(c.vaults) == 0 {
			return "", errs.Invalid("VaultID", "no vault is configured")
		}
		return c.vaults[0], nil
	}
	if _, ok := c.vaultMap[vaultID]; !ok {
		return "", errs.Invalid("VaultID", "no vault with this id is configured")
	}
	return vaultID, nil
}

// ID returns the vault id of the handle.
func (v *Vault) ID() string { return v.id }

// vaultEntry is one configured vault and its lazily built call state.
// Entries are replaced, never mutated, when the configuration changes.
type vaultEntry struct {
	cfg     VaultConfig
	baseURL string

	mu    sync.Mutex
	state atomic.Pointer[vaultState]
}

// vaultState is what calls to a vault need, built once per configuration.
type vaultState struct {
	id     string
	api    *gvault.ClientWithResponses
	detect *gdetect.ClientWithResponses
	ts     auth.TokenSource
}

// state returns the call state of the handle's vault, building it on first
// use.
func (v *Vault) state() (*vaultState, error) {
	return v.c.vaultState(v.id)
}

func (c *Client) vaultState(id string) (*vaultState, error) {
	c.mu.RLock()
	e, ok := c.vaultMap[id]
	c.mu.RUnlock()
	if !ok {
		return nil, errs.Invalid("VaultID", "no vault with this id is configured")
	}
	if s := e.state.Load(); s != nil {
		return s, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if s := e.state.Load(); s != nil {
		return s, nil
	}
	ts, err := c.tokenSourceFor(e.cfg.TokenSource, e.cfg.Credentials)
	if err != nil {
		return nil, err
	}
	api, err := gvault.NewClientWithResponses(e.baseURL, gvault.WithHTTPClient(c.doer),
		gvault.WithRequestEditorFn(c.commonHeaders))
	if err != nil {
		return nil, err
	}
	det, err := gdetect.NewClientWithResponses(e.baseURL, gdetect.WithHTTPClient(c.doer),
		gdetect.WithRequestEditorFn(c.commonHeaders))
	if err != nil {
		return nil, err
	}
	s := &vaultState{id: e.cfg.VaultID, api: api, detect: det, ts: ts}
	e.state.Store(s)
	return s, nil
}

func (c *Client) commonHeaders(_ context.Context, req *http.Request) error {
	c.setCommonHeaders(req)
	return nil
}

// vaultAttr is the log attribute naming the vault of a call.
func vaultAttr(id string) slog.Attr { return slog.String("vault_id", id) }

// editorFn is the request-editor shape every generated package accepts.
type editorFn = func(ctx context.Context, req *http.Request) error

// bearer returns an editor that sets the Authorization header.
func bearer(tok string) editorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header["Authorization"] = []string{"Bearer " + tok}
		return nil
	}
}

// maxErrorBody caps how much of an error response is read.
const maxErrorBody = 1 << 20

// send runs one API call: it fetches the token, calls, refreshes the token
// and calls once more on a 401 when the token source caches tokens, and
// turns every non-2xx answer into an *APIError. On success the caller owns
// (and must close) the response body.
//
// target names the vault or connection in log records. When replayable is
// false (the request body is a one-shot stream), a 401 is returned as is
// instead of being retried.
func (c *Client) send(ctx context.Context, op string, target slog.Attr, ts auth.TokenSource, mkAuth func(tok string) editorFn, replayable bool,
	call func(ctx context.Context, auth editorFn) (*http.Response, error)) (*http.Response, error) {
	start := time.Now()
	tok, err := ts.Token(ctx)
	if err != nil {
		c.logFailure(ctx, op, target, 0, "", start, err)
		return nil, err
	}
	resp, err := call(ctx, mkAuth(tok))
	if err == nil && resp.StatusCode == http.StatusUnauthorized && replayable {
		if inv, ok := ts.(auth.Invalidator); ok {
			discard(resp)
			inv.Invalidate(tok)
			if tok, err = ts.Token(ctx); err != nil {
				c.logFailure(ctx, op, target, 0, "", start, err)
				return nil, err
			}
			resp, err = call(ctx, mkAuth(tok))
		}
	}
	if err != nil {
		err = transportError(op, err)
		c.logFailure(ctx, op, target, 0, "", start, err)
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		_ = resp.Body.Close()
		apiErr := errs.Decode(resp.StatusCode, resp.Header, body)
		apiErr.Operation = op
		c.logFailure(ctx, op, target, resp.StatusCode, apiErr.RequestID, start, apiErr)
		return nil, apiErr
	}
	if c.logger.Enabled(ctx, slog.LevelDebug) {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "call succeeded",
			slog.String("operation", op),
			target,
			slog.Int("status", resp.StatusCode),
			slog.String("request_id", resp.Header.Get(errs.RequestIDHeader)),
			slog.Duration("duration", time.Since(start)))
	}
	return resp, nil
}

// logFailure records a failed call. Only the operation, ids, status and
// timing are logged: never values, tokens or credentials.
func (c *Client) logFailure(ctx context.Context, op string, target slog.Attr, status int, requestID string, start time.Time, err error) {
	if !c.logger.Enabled(ctx, slog.LevelError) {
		return
	}
	attrs := []slog.Attr{
		slog.String("operation", op),
		target,
		slog.Duration("duration", time.Since(start)),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status), slog.String("request_id", requestID))
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		attrs = append(attrs, slog.String("field", ve.Field))
	}
	c.logger.LogAttrs(ctx, slog.LevelError, "call failed", attrs...)
}

func discard(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	_ = resp.Body.Close()
}

// TransportError reports a failure to exchange HTTP messages with Skyflow
// (connection refused, reset, timeout, cancelled context). Err is the cause
// and works with errors.Is (for example context.DeadlineExceeded). The URL
// of the request is deliberately left out: query strings can hold record
// values.
type TransportError struct {
	// Operation names the SDK operation.
	Operation string
	// Err is the underlying error.
	Err error
}

// Error implements error.
func (e *TransportError) Error() string {
	return "skyflow: " + e.Operation + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

func transportError(op string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // drop the URL: its query can carry record values
	}
	var te *TransportError
	if errors.As(err, &te) {
		return err
	}
	return &TransportError{Operation: op, Err: err}
}

// protocolError reports a 2xx response the SDK cannot use.
func protocolError(op string, resp *http.Response, reason string, cause error) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, HTTPStatus: http.StatusText(resp.StatusCode),
		Message: reason, Operation: op, Err: cause}
	e.RequestID = resp.Header.Get(errs.RequestIDHeader)
	return e
}

// readBody returns the whole body of resp and closes it. A body the
// transport already read whole is returned as is, without a copy.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	if data, ok := transport.Bytes(resp.Body); ok {
		return data, nil
	}
	return io.ReadAll(resp.Body)
}

// decodeJSON decodes the body of a successful response into v and closes
// it. It accepts what the generated ParseXxxResponse functions accept as
// JSON200 (status 200 with a JSON content type), reading the body once:
// anything else is a protocol error, as with them.
func decodeJSON(op string, resp *http.Response, v any) error {
	body, err := jsonBody(op, resp)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return protocolError(op, resp, "cannot decode response", err)
	}
	return nil
}

// jsonBody reads and closes the body of a successful response that
// decodeJSON would accept, and returns it.
func jsonBody(op string, resp *http.Response) ([]byte, error) {
	body, err := readBody(resp)
	if err != nil {
		return nil, protocolError(op, resp, "cannot decode response", err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return nil, protocolError(op, resp, "response has no JSON body", nil)
	}
	return body, nil
}

// requestID returns the request id header of a response.
func requestID(resp *http.Response) string {
	if resp == nil {
		return ""
	}
	return resp.Header.Get(errs.RequestIDHeader)
}

// call runs a vault operation through send with the vault's state.
func (v *Vault) call(ctx context.Context, op string, fn func(ctx context.Context, api *gvault.ClientWithResponses, edit editorFn) (*http.Response, error)) (*http.Response, error) {
	return v.callOpts(ctx, op, true, fn)
}

func (v *Vault) callOpts(ctx context.Context, op string, replayable bool, fn func(ctx context.Context, api *gvault.ClientWithResponses, edit editorFn) (*http.Response, error)) (*http.Response, error) {
	s, err := v.state()
	if err != nil {
		return nil, err
	}
	return v.c.send(ctx, op, vaultAttr(s.id), s.ts, bearer, replayable, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return fn(ctx, s.api, edit)
	})
}
