package facade

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/skyflowgo/skyflow"
	gflow "github.com/skyflowgo/skyflow/gen/flowdb"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// FlowTokenGroupRedaction names the redaction applied to the values of the
// tokens of one token group.
type FlowTokenGroupRedaction struct {
	// TokenGroup is the token group (required).
	TokenGroup string
	// Redaction is the name of a redaction configured in the vault, for
	// example "plain_text", "redacted" or a mask such as "mask1" (required).
	Redaction string
}

// FlowDetokenizeRequest asks for the values behind tokens.
type FlowDetokenizeRequest struct {
	// Tokens are the tokens to detokenize (required, none blank).
	Tokens []string
	// TokenGroupRedactions choose a redaction per token group (the vault's
	// default for the groups not named).
	TokenGroupRedactions []FlowTokenGroupRedaction
}

// FlowDetokenizeResult is the value behind one token, or why there is
// none.
type FlowDetokenizeResult struct {
	// Index is the token's position in the request (or in the input of a
	// bulk call).
	Index int
	// Outcome says whether the token was detokenized.
	Outcome FlowOutcome
	// Token is the token.
	Token string
	// Value is the value behind the token, redacted as asked (any JSON
	// value: a string, a float64, a bool, a map or a slice).
	Value any
	// TokenGroup is the token group of the token.
	TokenGroup string
	// Metadata is what the vault says about the token, for example the
	// skyflowID and tableName of its record.
	Metadata map[string]any
	// Err is nil when Outcome is FlowDone; otherwise why the token failed
	// (a *skyflow.RecordError, for example status 404 for an unknown
	// token) or why its outcome is unknown.
	Err error
	// RequestID is the id of the request that carried the token.
	RequestID string
}

// FlowDetokenizeResponse is the result of Detokenize.
type FlowDetokenizeResponse struct {
	// Tokens holds one result per request token, in request order.
	Tokens []FlowDetokenizeResult
	// RequestID is the id of the request.
	RequestID string
}

// Detokenize returns the values behind tokens with one request (POST
// /v2/tokens/detokenize, operation FlowDBDetokenize), redacted per token
// group as TokenGroupRedactions say. Each token succeeds or fails on its
// own; the answer is matched to the request by token.
func (f *FlowDB) Detokenize(ctx context.Context, req FlowDetokenizeRequest) (*FlowDetokenizeResponse, error) {
	if len(req.Tokens) == 0 {
		return nil, errs.Invalid("Tokens", "must hold at least one token")
	}
	if err := nonEmptyEntries("Tokens", req.Tokens); err != nil {
		return nil, err
	}
	reds, err := checkGroupRedactions(req.TokenGroupRedactions)
	if err != nil {
		return nil, err
	}
	return f.detokenize(ctx, req.Tokens, reds, 0)
}

// checkGroupRedactions checks and converts token-group redactions.
func checkGroupRedactions(list []FlowTokenGroupRedaction) ([]gflow.TokenGroupRedaction, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := make([]gflow.TokenGroupRedaction, len(list))
	for i, gr := range list {
		if strings.TrimSpace(gr.TokenGroup) == "" || strings.TrimSpace(gr.Redaction) == "" {
			return nil, errs.Invalid(indexed("TokenGroupRedactions", i), "needs a TokenGroup and a Redaction")
		}
		out[i] = gflow.TokenGroupRedaction{TokenGroupName: gr.TokenGroup, Redaction: gr.Redaction}
	}
	return out, nil
}

// detokenize sends tokens (checked) in one request; base is the index of
// tokens[0] in the caller's input.
func (f *FlowDB) detokenize(ctx context.Context, tokens []string, reds []gflow.TokenGroupRedaction, base int) (*FlowDetokenizeResponse, error) {
	s, err := f.state()
	if err != nil {
		return nil, err
	}
	body := gflow.DetokenizeRequest{VaultID: s.id, Tokens: tokens, TokenGroupRedactions: reds}
	r, err := f.run(ctx, s, opFlowDetokenize, reads, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.FlowDBDetokenize(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed gflow.DetokenizeResponse
	if err := r.decode(opFlowDetokenize, &parsed); err != nil {
		return nil, err
	}
	order, err := matchByToken(opFlowDetokenize, r, tokens, len(parsed.Response), func(k int) string { return parsed.Response[k].Token })
	if err != nil {
		return nil, err
	}
	rid := r.requestID
	out := &FlowDetokenizeResponse{Tokens: make([]FlowDetokenizeResult, len(tokens)), RequestID: rid}
	for i, k := range order {
		el := &parsed.Response[k]
		res := &out.Tokens[i]
		res.Index, res.Token, res.TokenGroup, res.RequestID = base+i, tokens[i], el.TokenGroupName, rid
		if elementFailed(el.Error, el.HttpCode) {
			res.Outcome, res.Err = r.failure(opFlowDetokenize, base+i, el.Error, el.HttpCode)
			continue
		}
		res.Outcome, res.Value, res.Metadata = FlowDone, el.Value, el.Metadata
	}
	return out, nil
}

// matchByToken pairs each requested token with the answer element that
// carries it (order[i] is the element of token i). The answer must hold
// one element per token; elements are matched by token, never by position
// alone: an element without a token, or with a token that was not asked
// for, makes the answer unexpected (no token goes into the error). When
// the answer keeps the request's order, as the API does, no map is built.
func matchByToken(op string, r *reply, asked []string, n int, tokenOf func(k int) string) ([]int, error) {
	if n != len(asked) {
		return nil, r.unexpected(op, fmt.Sprintf("the answer has %d elements for %d tokens", n, len(asked)), nil)
	}
	order := make([]int, len(asked))
	inOrder := true
	for i := range asked {
		if tokenOf(i) != asked[i] {
			inOrder = false
			break
		}
		order[i] = i
	}
	if inOrder {
		return order, nil
	}
	byToken := make(map[string][]int, n)
	for k := range n {
		t := tokenOf(k)
		if t == "" {
			return nil, r.unexpected(op, fmt.Sprintf("element %d of the answer has no token", k), nil)
		}
		byToken[t] = append(byToken[t], k)
	}
	for i := range asked {
		ks := byToken[asked[i]]
		if len(ks) == 0 {
			return nil, r.unexpected(op, fmt.Sprintf("the answer has no element for token %d of the request", i), nil)
		}
		order[i], byToken[asked[i]] = ks[0], ks[1:]
	}
	return order, nil
}

// FlowTokenizeValue is one value to tokenize.
type FlowTokenizeValue struct {
	// Value is the value (required): any JSON value, not a blank string.
	Value any
	// TokenGroups are the token groups to tokenize it into, one token each
	// (required, no duplicates).
	TokenGroups []string
}

// FlowTokenizeRequest tokenizes values into token groups.
type FlowTokenizeRequest struct {
	// Values are the values to tokenize (required).
	Values []FlowTokenizeValue
}

// FlowTokenizeResult is the tokens of one value, or why some are missing.
type FlowTokenizeResult struct {
	// Index is the value's position in the request (or in the input of a
	// bulk call).
	Index int
	// Outcome is FlowDone when every token group gave a token, FlowFailed
	// when at least one did not (Tokens then holds the others), FlowUnknown
	// when the answer was lost or a group failed in a way that may have
	// tokenized it (a 5xx, or a refusal after a retry).
	Outcome FlowOutcome
	// Value is the value, as sent.
	Value any
	// Tokens maps each token group that succeeded to its token.
	Tokens map[string]string
	// GroupErrors maps each token group that failed to its
	// *skyflow.RecordError.
	GroupErrors map[string]*skyflow.RecordError
	// Err is nil when Outcome is FlowDone; otherwise the first failed
	// group's *skyflow.RecordError, or why the value failed or its outcome
	// is unknown.
	Err error
	// RequestID is the id of the request that carried the value.
	RequestID string
}

// FlowTokenizeResponse is the result of Tokenize.
type FlowTokenizeResponse struct {
	// Values holds one result per request value, in request order.
	Values []FlowTokenizeResult
	// RequestID is the id of the request.
	RequestID string
}

// Tokenize tokenizes values into token groups with one request (POST
// /v2/tokens/tokenize, operation FlowDBTokenize): each value gets one
// token per group named. A group can fail alone (the value is then
// FlowFailed, or FlowUnknown when the group may have been tokenized, with
// the tokens of its other groups).
func (f *FlowDB) Tokenize(ctx context.Context, req FlowTokenizeRequest) (*FlowTokenizeResponse, error) {
	if len(req.Values) == 0 {
		return nil, errs.Invalid("Values", "must hold at least one value")
	}
	for i := range req.Values {
		if err := req.Values[i].check(i); err != nil {
			return nil, err
		}
	}
	return f.tokenize(ctx, req.Values, 0)
}

// check applies the tokenize rules to value i.
func (v *FlowTokenizeValue) check(i int) error {
	if v.Value == nil {
		return errs.Invalid(indexed("Values", i)+".Value", "is required")
	}
	if s, ok := v.Value.(string); ok && strings.TrimSpace(s) == "" {
		return errs.Invalid(indexed("Values", i)+".Value", "is blank")
	}
	if !encodable(v.Value) {
		return errs.Invalid(indexed("Values", i)+".Value", unencodableReason)
	}
	if len(v.TokenGroups) == 0 {
		return errs.Invalid(indexed("Values", i)+".TokenGroups", "must name at least one token group")
	}
	for k, g := range v.TokenGroups {
		if strings.TrimSpace(g) == "" {
			return errs.Invalid(indexed(indexed("Values", i)+".TokenGroups", k), "is empty")
		}
		for _, h := range v.TokenGroups[:k] {
			if h == g {
				return errs.Invalid(indexed(indexed("Values", i)+".TokenGroups", k), "repeats a token group")
			}
		}
	}
	return nil
}

// tokenize sends values (checked) in one request; base is the index of
// values[0] in the caller's input.
func (f *FlowDB) tokenize(ctx context.Context, values []FlowTokenizeValue, base int) (*FlowTokenizeResponse, error) {
	s, err := f.state()
	if err != nil {
		return nil, err
	}
	body := gflow.TokenizeRequest{VaultID: s.id, Data: make([]gflow.TokenizeItem, len(values))}
	for i := range values {
		body.Data[i] = gflow.TokenizeItem{Value: values[i].Value, TokenGroupNames: values[i].TokenGroups}
	}
	// Not repeated after a lost answer: a group that issues a new token
	// per request would give a value a second token.
	r, err := f.run(ctx, s, opFlowTokenize, writes, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.FlowDBTokenize(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed gflow.TokenizeResponse
	if err := r.decode(opFlowTokenize, &parsed); err != nil {
		return nil, err
	}
	if len(parsed.Response) != len(values) {
		return nil, r.unexpected(opFlowTokenize, fmt.Sprintf("the answer has %d elements for %d values", len(parsed.Response), len(values)), nil)
	}
	rid := r.requestID
	out := &FlowTokenizeResponse{Values: make([]FlowTokenizeResult, len(values)), RequestID: rid}
	for i := range parsed.Response {
		el, v := &parsed.Response[i], &values[i]
		if el.Value != nil && !sameValue(el.Value, v.Value) {
			return nil, r.unexpected(opFlowTokenize, fmt.Sprintf("element %d of the answer is not about the value sent at its position", i), nil)
		}
		if len(el.Tokens) != len(v.TokenGroups) {
			return nil, r.unexpected(opFlowTokenize, fmt.Sprintf("element %d of the answer has %d token groups for %d asked", i, len(el.Tokens), len(v.TokenGroups)), nil)
		}
		res := &out.Values[i]
		res.Index, res.Value, res.RequestID = base+i, v.Value, rid
		for _, gt := range el.Tokens {
			if !containsString(v.TokenGroups, gt.TokenGroupName) || res.Tokens[gt.TokenGroupName] != "" || res.GroupErrors[gt.TokenGroupName] != nil {
				return nil, r.unexpected(opFlowTokenize, fmt.Sprintf("element %d of the answer names a token group that was not asked for, or one twice", i), nil)
			}
			if elementFailed(gt.Error, gt.HttpCode) {
				re := r.elementError(opFlowTokenize, base+i, gt.Error, gt.HttpCode)
				if res.GroupErrors == nil {
					res.GroupErrors = map[string]*skyflow.RecordError{}
				}
				res.GroupErrors[gt.TokenGroupName] = re
				if res.Err == nil {
					res.Err = re
				}
				continue
			}
			if gt.Token == "" {
				return nil, r.unexpected(opFlowTokenize, fmt.Sprintf("element %d of the answer has a token group with neither a token nor an error", i), nil)
			}
			if res.Tokens == nil {
				res.Tokens = make(map[string]string, len(v.TokenGroups))
			}
			res.Tokens[gt.TokenGroupName] = gt.Token
		}
		res.Outcome = FlowDone
		for _, ge := range res.GroupErrors {
			// A group that may have been tokenized makes the value's
			// outcome unknown; otherwise a failed group makes it failed.
			if o := elementOutcome(ge); o == FlowUnknown || res.Outcome == FlowDone {
				res.Outcome = o
			}
		}
	}
	return out, nil
}

func containsString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// sameValue reports whether an answer's echo of a value is that value: the
// same JSON, or the value's JSON text as a string (a service that echoes
// every value as text).
func sameValue(got, want any) bool {
	if sameJSON(got, want) {
		return true
	}
	g, ok := got.(string)
	if !ok {
		return false
	}
	w, err := json.Marshal(want)
	return err == nil && g == string(w)
}

// FlowDeleteTokensRequest deletes tokens.
type FlowDeleteTokensRequest struct {
	// Tokens are the tokens to delete (required, none blank).
	Tokens []string
}

// FlowDeleteTokenResult is the outcome of one token of a DeleteTokens.
type FlowDeleteTokenResult struct {
	// Index is the token's position in the request (or in the input of a
	// bulk call).
	Index int
	// Outcome says whether the token was deleted.
	Outcome FlowOutcome
	// Token is the token.
	Token string
	// Err is nil when Outcome is FlowDone; otherwise why the token failed
	// (a *skyflow.RecordError, for example status 404 for an unknown token)
	// or why its outcome is unknown.
	Err error
	// RequestID is the id of the request that carried the token.
	RequestID string
}

// FlowDeleteTokensResponse is the result of DeleteTokens.
type FlowDeleteTokensResponse struct {
	// Tokens holds one result per request token, in request order.
	Tokens []FlowDeleteTokenResult
	// RequestID is the id of the request.
	RequestID string
}

// DeleteTokens deletes tokens with one request (POST /v2/tokens/delete,
// operation FlowDBDeleteTokens). Each token succeeds or fails on its own;
// the answer is matched to the request by token.
func (f *FlowDB) DeleteTokens(ctx context.Context, req FlowDeleteTokensRequest) (*FlowDeleteTokensResponse, error) {
	if len(req.Tokens) == 0 {
		return nil, errs.Invalid("Tokens", "must hold at least one token")
	}
	if err := nonEmptyEntries("Tokens", req.Tokens); err != nil {
		return nil, err
	}
	return f.deleteTokens(ctx, req.Tokens, 0)
}

// deleteTokens sends tokens (checked) in one request; base is the index of
// tokens[0] in the caller's input.
func (f *FlowDB) deleteTokens(ctx context.Context, tokens []string, base int) (*FlowDeleteTokensResponse, error) {
	s, err := f.state()
	if err != nil {
		return nil, err
	}
	body := gflow.DeleteTokensRequest{VaultID: s.id, Tokens: tokens}
	// Not repeated after a lost answer: a second request would report the
	// tokens the first one deleted as not found.
	r, err := f.run(ctx, s, opFlowDeleteTokens, writes, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.FlowDBDeleteTokens(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed gflow.DeleteTokensResponse
	if err := r.decode(opFlowDeleteTokens, &parsed); err != nil {
		return nil, err
	}
	order, err := matchByToken(opFlowDeleteTokens, r, tokens, len(parsed.Tokens), func(k int) string { return parsed.Tokens[k].Value })
	if err != nil {
		return nil, err
	}
	rid := r.requestID
	out := &FlowDeleteTokensResponse{Tokens: make([]FlowDeleteTokenResult, len(tokens)), RequestID: rid}
	for i, k := range order {
		el := &parsed.Tokens[k]
		res := &out.Tokens[i]
		res.Index, res.Token, res.RequestID = base+i, tokens[i], rid
		if elementFailed(el.Error, el.HttpCode) {
			res.Outcome, res.Err = r.failure(opFlowDeleteTokens, base+i, el.Error, el.HttpCode)
			continue
		}
		res.Outcome = FlowDone
	}
	return out, nil
}

// FlowMetricsRequest asks for the vault's metrics. It has no fields yet.
type FlowMetricsRequest struct{}

// FlowMetricsResponse is the result of Metrics.
type FlowMetricsResponse struct {
	// Tables maps table names to their metrics, as the vault reports them.
	Tables map[string]any
	// Error holds the vault's error information, when it gives any.
	Error map[string]any
	// RequestID is the id of the request.
	RequestID string
}

// Metrics returns the vault's metrics per table (POST /v2/vaults/metrics,
// operation FlowDBVaultMetrics).
func (f *FlowDB) Metrics(ctx context.Context, _ FlowMetricsRequest) (*FlowMetricsResponse, error) {
	s, err := f.state()
	if err != nil {
		return nil, err
	}
	body := gflow.VaultMetricsRequest{VaultID: s.id}
	r, err := f.run(ctx, s, opFlowMetrics, reads, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.FlowDBVaultMetrics(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed gflow.VaultMetricsResponse
	if err := r.decode(opFlowMetrics, &parsed); err != nil {
		return nil, err
	}
	out := &FlowMetricsResponse{Error: parsed.Error, RequestID: r.requestID}
	if parsed.Data != nil {
		out.Tables = parsed.Data.Tables
	}
	return out, nil
}
