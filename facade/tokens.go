package facade

import (
	"context"
	"fmt"
	"net/http"

	"github.com/skyflowgo/skyflow"
	gvault "github.com/skyflowgo/skyflow/gen/vault"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// DetokenizeRequest asks for the values behind tokens.
type DetokenizeRequest struct {
	// Tokens to detokenize, each with its own redaction (required).
	Tokens []DetokenizeToken
	// ContinueOnError returns every value it can and reports failed tokens
	// in DetokenizeResponse.Errors, instead of failing the whole call.
	ContinueOnError bool
	// DownloadURL returns download URLs for tokens of file columns.
	DownloadURL bool
}

// DetokenizeToken is one token to detokenize. The token may also be a
// signed data token ("signed_token_" + JWT, see auth.GenerateSignedDataTokens).
type DetokenizeToken struct {
	// Token is the token (required).
	Token string
	// Redaction applied to the value (default RedactionDefault: the
	// column's configured redaction).
	Redaction RedactionType
}

// DetokenizeResponse is the result of Detokenize.
type DetokenizeResponse struct {
	// Records are the detokenized values, in input order.
	Records []DetokenizedRecord
	// Errors are the tokens that failed (with ContinueOnError), in input
	// order; Index is the token's position in the request.
	Errors []*skyflow.RecordError
	// RequestID is the id of the request.
	RequestID string
}

// DetokenizedRecord is the value behind one token.
type DetokenizedRecord struct {
	// Index is the token's position in the request.
	Index int
	// Token is the token.
	Token string
	// Value is the value, redacted as asked (always text on the wire).
	Value string
	// ValueType is the stored value's type: STRING, INTEGER, FLOAT, BOOL,
	// DATETIME, JSON, ARRAY, DATE or NONE.
	ValueType string
}

// Detokenize returns the values behind tokens (POST
// /v1/vaults/{vaultID}/detokenize, operation TokenServiceDetokenize).
func (v *Vault) Detokenize(ctx context.Context, req DetokenizeRequest) (*DetokenizeResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	records, rid, err := v.detokenize(ctx, req.Tokens, req.ContinueOnError, req.DownloadURL)
	if err != nil {
		return nil, err
	}
	return detokenizeResponse(records, rid), nil
}

func (r *DetokenizeRequest) validate() error {
	if len(r.Tokens) == 0 {
		return errs.Invalid("Tokens", "must hold at least one token")
	}
	for i := range r.Tokens {
		if err := checkDetokenizeToken(i, &r.Tokens[i]); err != nil {
			return err
		}
	}
	return nil
}

// detokenize sends one detokenize request for tokens (checked already) and
// returns the answer's records in the order of tokens, and the request id.
func (v *Vault) detokenize(ctx context.Context, tokens []DetokenizeToken, coe, downloadURL bool) ([]detokenizeRecord, string, error) {
	params := make([]gvault.V1DetokenizeRecordRequest, len(tokens))
	for i := range tokens {
		red := gvault.RedactionEnum(tokens[i].Redaction)
		if red == "" {
			red = gvault.RedactionEnum(RedactionDefault)
		}
		params[i] = gvault.V1DetokenizeRecordRequest{Token: tokens[i].Token, Redaction: red}
	}
	body := gvault.V1DetokenizePayload{DetokenizationParameters: params, ContinueOnError: &coe}
	if downloadURL {
		body.DownloadURL = &downloadURL
	}
	const op = "Detokenize"
	s, err := v.state()
	if err != nil {
		return nil, "", err
	}
	r, err := v.c.run(ctx, s.op(v.c, op, reads), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.TokenServiceDetokenize(ctx, s.id, body, edit)
	})
	if err != nil {
		return nil, "", err
	}
	var parsed detokenizeAnswer
	if err := r.decode(op, &parsed); err != nil {
		return nil, "", err
	}
	records, err := matchTokens(op, r, tokens, parsed.Records)
	if err != nil {
		return nil, "", err
	}
	return records, r.requestID, nil
}

// detokenizeResponse builds the response of the tokens whose records (in
// request order) are given: failed tokens go to Errors.
func detokenizeResponse(records []detokenizeRecord, rid string) *DetokenizeResponse {
	const op = "Detokenize"
	out := &DetokenizeResponse{RequestID: rid, Records: make([]DetokenizedRecord, 0, len(records))}
	for i := range records {
		rec := &records[i]
		if rec.Error != "" {
			out.Errors = append(out.Errors, &skyflow.RecordError{Operation: op, Index: i, Message: rec.Error, RequestID: rid})
			continue
		}
		out.Records = append(out.Records, DetokenizedRecord{
			Index: i, Token: rec.Token, Value: rec.Value, ValueType: rec.ValueType,
		})
	}
	return out
}

// checkDetokenizeToken checks one token of a detokenize request.
func checkDetokenizeToken(i int, t *DetokenizeToken) error {
	if blank(t.Token) {
		return errs.Invalid(indexed("Tokens", i)+".Token", "is empty")
	}
	if t.Redaction != "" && !t.Redaction.valid() {
		return errs.Invalid(indexed("Tokens", i)+".Redaction", "must be DEFAULT, REDACTED, MASKED or PLAIN_TEXT")
	}
	return nil
}

// matchTokens returns the answer's records in the order of the requested
// tokens, matching each to its record by token, never by position alone:
// an answer with another count of records, a record without a token, or a
// token that was not asked for is an unexpected answer (no value or token
// goes into the error). When the answer keeps the request's order, as the
// API does, it is returned as is.
func matchTokens(op string, r *reply, asked []DetokenizeToken, records []detokenizeRecord) ([]detokenizeRecord, error) {
	if len(records) != len(asked) {
		return nil, r.unexpected(op, fmt.Sprintf("the answer has %d records for %d tokens", len(records), len(asked)), nil)
	}
	inOrder := true
	for i := range asked {
		if records[i].Token != asked[i].Token {
			inOrder = false
			break
		}
	}
	if inOrder {
		return records, nil
	}
	byToken := make(map[string][]int, len(records))
	for k := range records {
		if records[k].Token == "" {
			return nil, r.unexpected(op, fmt.Sprintf("record %d of the answer has no token", k), nil)
		}
		byToken[records[k].Token] = append(byToken[records[k].Token], k)
	}
	out := make([]detokenizeRecord, len(asked))
	for i := range asked {
		ks := byToken[asked[i].Token]
		if len(ks) == 0 {
			return nil, r.unexpected(op, fmt.Sprintf("the answer has no record for token %d of the request", i), nil)
		}
		out[i], byToken[asked[i].Token] = records[ks[0]], ks[1:]
	}
	return out, nil
}

// TokenizeRequest asks for the existing tokens of values stored in the
// vault.
type TokenizeRequest struct {
	// Values to tokenize (required).
	Values []TokenizeValue
}

// TokenizeValue is one value and the column group whose token to return.
type TokenizeValue struct {
	// Value is a value already stored in the vault (required).
	Value string
	// ColumnGroup is the column group of the value (required).
	ColumnGroup string
}

// TokenizeResponse is the result of Tokenize.
type TokenizeResponse struct {
	// Tokens are the tokens, in input order.
	Tokens []string
	// RequestID is the id of the request.
	RequestID string
}

// Tokenize returns the existing tokens of values (POST
// /v1/vaults/{vaultID}/tokenize, operation TokenServiceTokenize). It never
// creates tokens.
func (v *Vault) Tokenize(ctx context.Context, req TokenizeRequest) (*TokenizeResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	tokens, rid, err := v.tokenize(ctx, req.Values)
	if err != nil {
		return nil, err
	}
	return &TokenizeResponse{Tokens: tokens, RequestID: rid}, nil
}

func (r *TokenizeRequest) validate() error {
	if len(r.Values) == 0 {
		return errs.Invalid("Values", "must hold at least one value")
	}
	for i := range r.Values {
		tv := &r.Values[i]
		if tv.Value == "" {
			return errs.Invalid(indexed("Values", i)+".Value", "is empty")
		}
		if blank(tv.ColumnGroup) {
			return errs.Invalid(indexed("Values", i)+".ColumnGroup", "is required")
		}
	}
	return nil
}

// tokenize sends one tokenize request for values (checked already) and
// returns their tokens, in order, and the request id.
func (v *Vault) tokenize(ctx context.Context, values []TokenizeValue) ([]string, string, error) {
	params := make([]gvault.V1TokenizeRecordRequest, len(values))
	for i := range values {
		tv := &values[i]
		params[i] = gvault.V1TokenizeRecordRequest{Value: &tv.Value, ColumnGroup: &tv.ColumnGroup}
	}
	body := gvault.V1TokenizePayload{TokenizationParameters: params}
	const op = "Tokenize"
	s, err := v.state()
	if err != nil {
		return nil, "", err
	}
	r, err := v.c.run(ctx, s.op(v.c, op, reads), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.TokenServiceTokenize(ctx, s.id, body, edit)
	})
	if err != nil {
		return nil, "", err
	}
	var parsed gvault.V1TokenizeResponse
	if err := r.decode(op, &parsed); err != nil {
		return nil, "", err
	}
	if len(parsed.Records) != len(values) {
		return nil, "", r.unexpected(op, fmt.Sprintf("the answer has %d tokens for %d values", len(parsed.Records), len(values)), nil)
	}
	tokens := make([]string, len(parsed.Records))
	for i, rec := range parsed.Records {
		if rec.Token == "" {
			return nil, "", r.unexpected(op, fmt.Sprintf("record %d of the answer has no token", i), nil)
		}
		tokens[i] = rec.Token
	}
	return tokens, r.requestID, nil
}
