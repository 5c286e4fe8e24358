package bench

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

var errUnexpected = errors.New("bench: unexpected response")

// rawClient is the floor: what a careful developer writes by hand with
// net/http and encoding/json to make the same calls. It sends exactly the
// bytes the SDK sends (method, path, query, headers, JSON body), checks the
// status, and decodes the answer into structs equivalent to what the SDK
// returns. No retries, no validation, no logging.
type rawClient struct {
	hc    *http.Client
	base  string // https://host:port
	vault string // base + "/v1/vaults/" + vaultID
	auth  string
	ua    string
	meta  string
}

func newRawClient(base string, roots *x509.CertPool) *rawClient {
	return &rawClient{
		hc:    &http.Client{Transport: newTransport(roots)},
		base:  base,
		vault: base + "/v1/vaults/" + vaultID,
		auth:  "Bearer " + accessToken,
		ua:    userAgent(),
		meta:  skyMetadata(),
	}
}

// call sends one request and decodes a 200 answer into out. It returns the
// request id.
func (c *rawClient) call(ctx context.Context, method, u string, in, out any) (string, error) {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return "", err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Sky-Metadata", c.meta)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", errors.New("bench: status " + strconv.Itoa(resp.StatusCode))
	}
	if err := json.Unmarshal(data, out); err != nil {
		return "", err
	}
	return resp.Header.Get("X-Request-Id"), nil
}

type rawFieldRecord struct {
	Fields map[string]any `json:"fields"`
}

type rawInsertRequest struct {
	Byot         string           `json:"byot"`
	Records      []rawFieldRecord `json:"records"`
	Tokenization bool             `json:"tokenization"`
}

type rawInsertResponse struct {
	Records []struct {
		SkyflowID string            `json:"skyflow_id"`
		Tokens    map[string]string `json:"tokens"`
	} `json:"records"`
	RequestID string `json:"-"`
}

func (c *rawClient) insert(ctx context.Context, values []map[string]any) (*rawInsertResponse, error) {
	in := rawInsertRequest{Byot: "DISABLE", Records: make([]rawFieldRecord, len(values)), Tokenization: true}
	for i, v := range values {
		in.Records[i].Fields = v
	}
	var out rawInsertResponse
	rid, err := c.call(ctx, http.MethodPost, c.vault+"/"+table, &in, &out)
	out.RequestID = rid
	return &out, err
}

type rawDetokenizeParam struct {
	Redaction string `json:"redaction"`
	Token     string `json:"token"`
}

type rawDetokenizeRequest struct {
	ContinueOnError bool                 `json:"continueOnError"`
	Params          []rawDetokenizeParam `json:"detokenizationParameters"`
}

type rawDetokenizeResponse struct {
	Records []struct {
		Token     string `json:"token"`
		Value     string `json:"value"`
		ValueType string `json:"valueType"`
		Error     string `json:"error"`
	} `json:"records"`
	RequestID string `json:"-"`
}

func (c *rawClient) detokenize(ctx context.Context, tokens []string, redaction string) (*rawDetokenizeResponse, error) {
	in := rawDetokenizeRequest{Params: make([]rawDetokenizeParam, len(tokens))}
	for i, t := range tokens {
		in.Params[i] = rawDetokenizeParam{Redaction: redaction, Token: t}
	}
	var out rawDetokenizeResponse
	rid, err := c.call(ctx, http.MethodPost, c.vault+"/detokenize", &in, &out)
	out.RequestID = rid
	return &out, err
}

type rawGetResponse struct {
	Records []struct {
		Fields map[string]any `json:"fields"`
	} `json:"records"`
	RequestID string `json:"-"`
}

func (c *rawClient) get(ctx context.Context, ids []string, redaction string) (*rawGetResponse, error) {
	var b strings.Builder
	b.WriteString(c.vault)
	b.WriteString("/" + table + "?")
	for _, id := range ids {
		b.WriteString("skyflow_ids=")
		b.WriteString(url.QueryEscape(id))
		b.WriteByte('&')
	}
	b.WriteString("redaction=")
	b.WriteString(url.QueryEscape(redaction))
	var out rawGetResponse
	rid, err := c.call(ctx, http.MethodGet, b.String(), nil, &out)
	out.RequestID = rid
	return &out, err
}

type rawDeidentifyRequest struct {
	Text    string `json:"text"`
	VaultID string `json:"vault_id"`
}

type rawDeidentifyResponse struct {
	ProcessedText string `json:"processed_text"`
	Entities      []struct {
		Token    string `json:"token"`
		Value    string `json:"value"`
		Location struct {
			StartIndex          int `json:"start_index"`
			EndIndex            int `json:"end_index"`
			StartIndexProcessed int `json:"start_index_processed"`
			EndIndexProcessed   int `json:"end_index_processed"`
		} `json:"location"`
		EntityType   string             `json:"entity_type"`
		EntityScores map[string]float64 `json:"entity_scores"`
	} `json:"entities"`
	WordCount      int    `json:"word_count"`
	CharacterCount int    `json:"character_count"`
	RequestID      string `json:"-"`
}

func (c *rawClient) deidentifyText(ctx context.Context, text string) (*rawDeidentifyResponse, error) {
	var out rawDeidentifyResponse
	rid, err := c.call(ctx, http.MethodPost, c.base+"/v1/detect/deidentify/string", &rawDeidentifyRequest{Text: text, VaultID: vaultID}, &out)
	out.RequestID = rid
	return &out, err
}
