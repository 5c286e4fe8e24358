package facade

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/internal/errs"
	"github.com/skyflowgo/skyflow/internal/transport"
)

// This file is the one path every call takes, from a public method to the
// wire and back:
//
//	public method: validate the request, convert it to the generated request
//	type, describe the call as an operation, c.run(ctx, op, send), decode
//	the reply
//	c.run: transport's Begin              the call's context: its description
//	                                      for the Doer, the first attempt's
//	                                      timeout
//	       send(ctx, op.edit)             a generated client method; op.edit
//	                                      sets the common headers, then auth's
//	                                      editor sets the credential header
//	       generated client -> transport.Doer (retries, per-attempt timeout,
//	                                      reads the answer within the attempt)
//	       401: auth.TokenRefused, then send once more (see resendOn401)
//	       2xx: the body, read within op.limit
//	       else: errs.Decode, the one error decoder, into a *skyflow.APIError
//	       every failure: logged (never a value), classified by where it arose

// editorFn is the request-editor shape every generated package accepts.
type editorFn = func(ctx context.Context, req *http.Request) error

// endpoint is what every call to one configured vault (or connection)
// shares: its log attribute, its token source, and the editor that puts
// the common headers and the credential on a request. It is built once per
// configuration.
type endpoint struct {
	target slog.Attr
	tokens auth.TokenSource
	edit   editorFn
	// authFirst says the API checks the token before it does anything else
	// (vault and Detect calls): a 401 then proves the call had no effect.
	authFirst bool
}

// effect is what a call can do to the vault. The zero value is the
// cautious one: an operation that does not say is never repeated.
type effect uint8

const (
	// writes: a write that, applied twice, has two effects.
	writes effect = iota
	// rewrites: a write that may be applied twice without harm (an
	// update, an upsert).
	rewrites
	// reads: the call changes nothing.
	reads
)

// operation describes one call.
type operation struct {
	*endpoint
	// name is the SDK operation, for example "Insert".
	name string
	// replayable says send can build its request again: the body is not a
	// one-shot stream.
	replayable bool
	// effect says what the call does: whether the server may apply it
	// twice without harm (reads, rewrites), and whether a failure after a
	// retry can mean an earlier attempt was applied (not for reads).
	effect effect
	// limit caps the size of the success body, in bytes.
	limit int64
	// timeout bounds each attempt (0: the client's request timeout).
	timeout time.Duration
	// reply is the successful answer, once run has it.
	reply reply
}

// sendFunc makes an operation's request through a generated client method,
// with edit among its request editors. It is an argument of run, not a
// field of the operation: run only calls it, so the closure of each call
// stays on its caller's stack.
type sendFunc = func(ctx context.Context, edit editorFn) (*http.Response, error)

// reply is a successful (2xx) answer, read whole.
type reply struct {
	status    int
	header    http.Header
	body      []byte
	requestID string
	// maybeApplied says an earlier attempt of a write may have been
	// applied before this answer (see skyflow.RecordError.MaybeApplied).
	maybeApplied bool
	// write says the call was a write (not a read).
	write bool
}

// elementError is the *skyflow.RecordError of a failed element of r. The
// element of a write may have been applied when its status is 5xx (as a
// whole answer's 5xx) or when an earlier attempt of r's request may have
// been: a refusal then can be the retry finding its own work done.
func (r *reply) elementError(op string, index int, msg string, code int32) *skyflow.RecordError {
	return &skyflow.RecordError{Operation: op, Index: index, StatusCode: int(code), Message: msg, RequestID: r.requestID,
		MaybeApplied: r.write && (r.maybeApplied || code >= 500)}
}

// maxErrorBody caps how much of an error answer is read.
const maxErrorBody = 1 << 20

// resendOn401 reports whether a call refused with 401 may be sent again
// with a new token: its body must be replayable, and the refusal must prove
// nothing was done (the API checks the token first) or the call must be
// harmless to repeat. A POST through a connection is never resent: the
// connection's route may have seen it.
func (op *operation) resendOn401() bool {
	return op.replayable && (op.authFirst || op.effect != writes)
}

// run makes the call op describes and returns its successful answer, or
// the error: a *skyflow.APIError for an error answer, and for failures
// before one arrived a *skyflow.AuthError (no token), *skyflow.FileError
// (a local file), *skyflow.ValidationError or *skyflow.TransportError.
func (c *Client) run(ctx context.Context, op *operation, send sendFunc) (*reply, error) {
	start := time.Now()
	// Every retry sets the credential again (Edit): the token may have
	// been refreshed during the backoff.
	call := transport.Call{NonIdempotent: op.effect == writes, Limit: op.limit, Timeout: op.timeout, Edit: op.edit}
	cc := c.doer.Begin(ctx, call)
	resp, err := send(cc, op.edit)
	maybeApplied := cc.MaybeApplied()
	if err == nil && resp.StatusCode == http.StatusUnauthorized && op.resendOn401() &&
		auth.TokenRefused(op.tokens, resp.Request) {
		discard(resp)
		cc.Release()
		cc = c.doer.Begin(ctx, call)
		resp, err = send(cc, op.edit)
		maybeApplied = maybeApplied || cc.MaybeApplied()
	}
	if op.effect == reads {
		maybeApplied = false // a read applies nothing
	}
	// The answer is read whole below: the first attempt's timeout can go
	// once run returns.
	defer cc.Release()
	if err != nil {
		err = callError(op.name, err)
		var te *skyflow.TransportError
		if maybeApplied && errors.As(err, &te) {
			te.Sent = true // an earlier attempt may have reached the server
		}
		return nil, c.fail(ctx, op, start, 0, "", err)
	}
	rid := resp.Header.Get(errs.RequestIDHeader)
	if resp.StatusCode/100 != 2 {
		data, _ := transport.ReadBody(resp.Body, maxErrorBody)
		apiErr := errs.Decode(resp.StatusCode, resp.Header, data)
		apiErr.Operation, apiErr.MaybeApplied = op.name, maybeApplied
		return nil, c.fail(ctx, op, start, resp.StatusCode, rid, apiErr)
	}
	auth.TokenAccepted(op.tokens, resp.Request)
	body, err := transport.ReadBody(resp.Body, op.limit)
	if err != nil {
		var size *transport.SizeError
		if errors.As(err, &size) {
			err = unexpected(op.name, resp.StatusCode, resp.Header, "the answer is larger than the limit of "+
				formatBytes(size.Limit)+" (see WithMaxResponseSize)", nil)
		} else {
			err = &skyflow.TransportError{Operation: op.name, Sent: true, Err: err}
		}
		return nil, c.fail(ctx, op, start, resp.StatusCode, rid, err)
	}
	if c.logger.Enabled(ctx, slog.LevelDebug) {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "call succeeded",
			slog.String("operation", op.name), op.target,
			slog.Int("status", resp.StatusCode), slog.String("request_id", rid),
			slog.Duration("duration", time.Since(start)))
	}
	// The reply lives in the operation, which the caller holds (on its
	// stack): no allocation of its own.
	op.reply = reply{status: resp.StatusCode, header: resp.Header, body: body, requestID: rid,
		maybeApplied: maybeApplied, write: op.effect != reads}
	return &op.reply, nil
}

// fail logs a failed call and returns its error. When the call's context
// ended, the context's error wins: the result matches context.Canceled or
// context.DeadlineExceeded, and the last attempt's error stays reachable
// with errors.As.
func (c *Client) fail(ctx context.Context, op *operation, start time.Time, status int, requestID string, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = &skyflow.TransportError{Operation: op.name, Sent: sent(err), Err: &ended{ctx: cerr, last: err}}
	}
	if c.logger.Enabled(ctx, slog.LevelError) {
		attrs := []slog.Attr{slog.String("operation", op.name), op.target, slog.Duration("duration", time.Since(start))}
		if status != 0 {
			attrs = append(attrs, slog.Int("status", status), slog.String("request_id", requestID))
		}
		c.logger.LogAttrs(ctx, slog.LevelError, "call failed", attrs...)
	}
	return err
}

// sent reports whether the call that failed with err may have reached the
// server: not when no token could be had or the request was invalid, as
// the transport error says when there is one, and otherwise (an answer
// arrived, or a local file failed while the body was sent) yes.
func sent(err error) bool {
	var (
		ae *skyflow.AuthError
		ve *skyflow.ValidationError
		te *skyflow.TransportError
	)
	switch {
	case errors.As(err, &ae), errors.As(err, &ve):
		return false // an AuthError's cause may be the token exchange's TransportError
	case errors.As(err, &te):
		return te.Sent
	}
	return true
}

// ended is the cause of a call whose context ended after an attempt had
// failed: it matches the context's error and the attempt's error.
type ended struct {
	ctx  error
	last error
}

func (e *ended) Error() string   { return e.ctx.Error() + " (last attempt: " + e.last.Error() + ")" }
func (e *ended) Unwrap() []error { return []error{e.ctx, e.last} }

// callError classifies an error that came before any answer, by where it
// arose.
func callError(op string, err error) error {
	var ae *skyflow.AuthError
	if errors.As(err, &ae) {
		ae.Operation = op
		return ae
	}
	var fe *skyflow.FileError
	if errors.As(err, &fe) {
		fe.Operation = op
		return fe
	}
	var ve *skyflow.ValidationError
	if errors.As(err, &ve) {
		return ve
	}
	if unencodable(err) {
		return &skyflow.ValidationError{Field: "Records/Fields",
			Reason: "hold a value JSON cannot encode (NaN, an infinity, a channel, a function, or a cycle)", Err: err}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // drop the URL: its query can hold record values
	}
	if errors.As(err, &fe) { // a local file failed while the body was sent
		fe.Operation = op
		return fe
	}
	return &skyflow.TransportError{Operation: op, Sent: !transport.NotSent(err), Err: err}
}

// unencodable reports a request the generated client could not encode as
// JSON: nothing was sent.
func unencodable(err error) bool {
	var (
		uv *json.UnsupportedValueError
		ut *json.UnsupportedTypeError
		me *json.MarshalerError
	)
	return errors.As(err, &uv) || errors.As(err, &ut) || errors.As(err, &me)
}

func discard(resp *http.Response) {
	_, _ = transport.ReadBody(resp.Body, 4<<10)
}

// unexpected builds the error for a success answer the SDK cannot use. It
// matches skyflow.ErrUnexpectedResponse; reason says what was expected and
// what came, never a value.
func unexpected(op string, status int, header http.Header, reason string, cause error) *skyflow.APIError {
	err := error(unexpectedResponse{})
	if cause != nil {
		err = &causeError{unexpectedResponse{}, cause}
	}
	return &skyflow.APIError{
		StatusCode: status, HTTPStatus: http.StatusText(status), Message: reason, Operation: op,
		Header: header, RequestID: header.Get(errs.RequestIDHeader), Err: err,
	}
}

// unexpectedResponse is skyflow.ErrUnexpectedResponse as a cause.
type unexpectedResponse struct{}

func (unexpectedResponse) Error() string        { return skyflow.ErrUnexpectedResponse.Error() }
func (unexpectedResponse) Is(target error) bool { return target == skyflow.ErrUnexpectedResponse }

// causeError is ErrUnexpectedResponse with the decoding error behind it.
type causeError struct {
	unexpectedResponse
	cause error
}

func (e *causeError) Error() string   { return e.unexpectedResponse.Error() + ": " + e.cause.Error() }
func (e *causeError) Unwrap() error   { return e.cause }
func (e *causeError) Is(t error) bool { return e.unexpectedResponse.Is(t) }

// unexpectedReply is unexpected for a reply.
func (r *reply) unexpected(op, reason string, cause error) *skyflow.APIError {
	return unexpected(op, r.status, r.header, reason, cause)
}

// decode decodes a JSON reply into v. Like the API's own contract, it
// accepts status 200 with a JSON content type only.
func (r *reply) decode(op string, v any) error {
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Type"), "json") {
		return r.unexpected(op, "the answer has no JSON body", nil)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return r.unexpected(op, "the answer cannot be decoded", err)
	}
	return nil
}

// formatBytes writes a byte count for messages (MiB when whole).
func formatBytes(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
