package bench

import (
	"bytes"
	"context"
	"crypto/x509"
	"net/http"
	"strconv"
	"sync"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// The Flow DB workloads: the canned answers of the bench server, the raw
// net/http baseline, and the SDK's client.

const (
	flowInsertPath     = "/v2/records/insert"
	flowDetokenizePath = "/v2/tokens/detokenize"
	flowTable          = "customers"
	// flowTokenMark is in every token tokenFor makes: counting it counts
	// the tokens of a detokenize request.
	flowTokenMark = "-4c5d-9e6f-"
)

// flowCache holds the canned Flow DB answers, built once per size.
type flowCache struct {
	mu         sync.Mutex
	insert     map[int][]byte
	detokenize map[int][]byte
}

func (c *flowCache) get(m *map[int][]byte, n int, build func(int) []byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if *m == nil {
		*m = map[int][]byte{}
	}
	out, ok := (*m)[n]
	if !ok {
		out = build(n)
		(*m)[n] = out
	}
	return out
}

// flowAnswer returns the canned answer of a Flow DB request, or nil for
// another path.
func (h *handler) flowAnswer(p string, body []byte) []byte {
	switch p {
	case flowInsertPath:
		return h.flow.get(&h.flow.insert, bytes.Count(body, []byte(`"data"`)), flowInsertResponse)
	case flowDetokenizePath:
		return h.flow.get(&h.flow.detokenize, bytes.Count(body, []byte(flowTokenMark)), flowDetokenizeResponse)
	}
	return nil
}

type flowToken struct {
	Token          string `json:"token"`
	TokenGroupName string `json:"tokenGroupName"`
}

// flowInsertResponse answers an insert of n records: per record its id,
// table, status and one token per token group of each tokenized column
// (email in two groups), as the Flow DB API answers.
func flowInsertResponse(n int) []byte {
	type rec struct {
		SkyflowID string                 `json:"skyflowID"`
		Tokens    map[string][]flowToken `json:"tokens"`
		HTTPCode  int                    `json:"httpCode"`
		TableName string                 `json:"tableName"`
	}
	recs := make([]rec, n)
	for i := range recs {
		recs[i] = rec{SkyflowID: skyflowID(i), HTTPCode: 200, TableName: flowTable, Tokens: map[string][]flowToken{
			"card_number": {{tokenFor(0, i), "deterministic_string"}},
			"name":        {{tokenFor(1, i), "nondeterministic_string"}},
			"email":       {{tokenFor(2, i), "deterministic_email"}, {tokenFor(3, i), "nondeterministic_string"}},
		}}
	}
	return mustJSON(map[string]any{"records": recs})
}

// flowDetokenizeResponse answers a detokenize of n tokens: value, token
// group, status and the token's record.
func flowDetokenizeResponse(n int) []byte {
	type rec struct {
		Token          string            `json:"token"`
		Value          string            `json:"value"`
		TokenGroupName string            `json:"tokenGroupName"`
		HTTPCode       int               `json:"httpCode"`
		Metadata       map[string]string `json:"metadata"`
	}
	recs := make([]rec, n)
	for i := range recs {
		recs[i] = rec{Token: tokenFor(0, i), Value: cardNumber(i), TokenGroupName: "deterministic_string", HTTPCode: 200,
			Metadata: map[string]string{"skyflowID": skyflowID(i), "tableName": flowTable}}
	}
	return mustJSON(map[string]any{"response": recs})
}

// flowRecord returns the column values of Flow DB record i (a fresh map).
func flowRecord(i int) map[string]any {
	return map[string]any{
		"card_number": cardNumber(i),
		"name":        "Customer Number " + strconv.Itoa(i),
		"email":       "customer" + strconv.Itoa(i) + "@example.com",
	}
}

// The raw baseline of the Flow DB calls: hand-written structs with the
// fields in the order the SDK's generated types encode them, so the
// request bytes are identical; answers decoded into structs equivalent to
// what the SDK returns, with the same checks (one element per request
// element, each element's error and status kept).

type rawFlowRecord struct {
	Data map[string]any `json:"data"`
}

type rawFlowInsertRequest struct {
	Records   []rawFlowRecord `json:"records"`
	TableName string          `json:"tableName"`
	VaultID   string          `json:"vaultID"`
}

type rawFlowInsertResponse struct {
	Records []struct {
		SkyflowID string                 `json:"skyflowID"`
		Tokens    map[string][]flowToken `json:"tokens"`
		Data      map[string]any         `json:"data"`
		Error     string                 `json:"error"`
		HTTPCode  int                    `json:"httpCode"`
		TableName string                 `json:"tableName"`
	} `json:"records"`
	RequestID string `json:"-"`
}

func (c *rawClient) flowInsert(ctx context.Context, records []rawFlowRecord) (*rawFlowInsertResponse, error) {
	var out rawFlowInsertResponse
	rid, err := c.call(ctx, http.MethodPost, c.base+flowInsertPath, &rawFlowInsertRequest{Records: records, TableName: flowTable, VaultID: vaultID}, &out)
	if err != nil {
		return nil, err
	}
	if len(out.Records) != len(records) {
		return nil, errUnexpected
	}
	out.RequestID = rid
	return &out, nil
}

type rawFlowDetokenizeRequest struct {
	Tokens  []string `json:"tokens"`
	VaultID string   `json:"vaultID"`
}

type rawFlowDetokenizeResponse struct {
	Response []struct {
		Token          string         `json:"token"`
		Value          any            `json:"value"`
		TokenGroupName string         `json:"tokenGroupName"`
		Error          string         `json:"error"`
		HTTPCode       int            `json:"httpCode"`
		Metadata       map[string]any `json:"metadata"`
	} `json:"response"`
	RequestID string `json:"-"`
}

func (c *rawClient) flowDetokenize(ctx context.Context, tokens []string) (*rawFlowDetokenizeResponse, error) {
	var out rawFlowDetokenizeResponse
	rid, err := c.call(ctx, http.MethodPost, c.base+flowDetokenizePath, &rawFlowDetokenizeRequest{Tokens: tokens, VaultID: vaultID}, &out)
	if err != nil {
		return nil, err
	}
	if len(out.Response) != len(tokens) {
		return nil, errUnexpected
	}
	for i := range out.Response {
		if out.Response[i].Token != tokens[i] {
			return nil, errUnexpected
		}
	}
	out.RequestID = rid
	return &out, nil
}

// flowClients holds a Flow DB handle of the SDK and the baseline, both
// pointed at the same server.
type flowClients struct {
	db  *facade.FlowDB
	raw *rawClient
}

// newFlowClients builds both clients for the server at base, the SDK with
// service-account credentials as in newClients.
func newFlowClients(base string, roots *x509.CertPool, opts ...facade.Option) (*flowClients, error) {
	all := append([]facade.Option{
		facade.WithFlowDB(facade.FlowDBConfig{VaultID: vaultID, BaseURL: base,
			Credentials: &auth.Credentials{CredentialsJSON: serviceAccountJSON(base)}}),
		facade.WithHTTPClient(&http.Client{Transport: newTransport(roots)}),
	}, opts...)
	sdk, err := facade.New(all...)
	if err != nil {
		return nil, err
	}
	db, err := sdk.FlowDB(vaultID)
	if err != nil {
		return nil, err
	}
	return &flowClients{db: db, raw: newRawClient(base, roots)}, nil
}

// Inputs of the Flow DB workloads, built once and shared.
var (
	flowRecords50 = func() []facade.FlowRecord {
		out := make([]facade.FlowRecord, 50)
		for i := range out {
			out[i] = facade.FlowRecord{Data: flowRecord(i)}
		}
		return out
	}()
	rawFlowRecords50 = func() []rawFlowRecord {
		out := make([]rawFlowRecord, 50)
		for i := range out {
			out[i] = rawFlowRecord{Data: flowRecords50[i].Data}
		}
		return out
	}()
	flowTokens50 = func() []string {
		out := make([]string, 50)
		for i := range out {
			out[i] = tokenFor(0, i)
		}
		return out
	}()
)

// flowWorkload is one Flow DB call made by both clients.
type flowWorkload struct {
	name string
	sdk  func(ctx context.Context, c *flowClients) error
	raw  func(ctx context.Context, c *flowClients) error
}

var flowWorkloads = []flowWorkload{
	{
		name: "insert-50",
		sdk: func(ctx context.Context, c *flowClients) error {
			resp, err := c.db.Insert(ctx, facade.FlowInsertRequest{Table: flowTable, Records: flowRecords50})
			if err != nil {
				return err
			}
			if len(resp.Records) != 50 || resp.Records[49].Outcome != facade.FlowDone || len(resp.Records[49].Tokens["email"]) != 2 {
				return errUnexpected
			}
			return nil
		},
		raw: func(ctx context.Context, c *flowClients) error {
			out, err := c.raw.flowInsert(ctx, rawFlowRecords50)
			if err != nil {
				return err
			}
			if out.Records[49].Error != "" || len(out.Records[49].Tokens["email"]) != 2 {
				return errUnexpected
			}
			return nil
		},
	},
	{
		name: "detokenize-50",
		sdk: func(ctx context.Context, c *flowClients) error {
			resp, err := c.db.Detokenize(ctx, facade.FlowDetokenizeRequest{Tokens: flowTokens50})
			if err != nil {
				return err
			}
			if len(resp.Tokens) != 50 || resp.Tokens[49].Outcome != facade.FlowDone || resp.Tokens[49].Value == nil {
				return errUnexpected
			}
			return nil
		},
		raw: func(ctx context.Context, c *flowClients) error {
			out, err := c.raw.flowDetokenize(ctx, flowTokens50)
			if err != nil {
				return err
			}
			if out.Response[49].Error != "" || out.Response[49].Value == nil {
				return errUnexpected
			}
			return nil
		},
	},
}
