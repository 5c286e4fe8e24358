package facade

// The answers of the hottest calls (insert, get and query, detokenize) are
// decoded into the element types below instead of the generated ones.
// They have the generated types' fields and JSON names (wire_test.go
// checks it), but they are unnamed: type aliases of struct literals, with
// plain string and map fields. encoding/json looks up the name of every
// value of a named type it decodes (reflect.Type.Name scans the type's
// string each time, then it tries the Unmarshaler interfaces), once per
// record and per named field: for a detokenize answer of 25 records, 7% of
// the call's instructions. The answers' own envelopes stay named: one
// lookup per call.

// detokenizeRecord is gvault.V1DetokenizeRecordResponse, unnamed.
type detokenizeRecord = struct {
	Error     string `json:"error,omitempty"`
	Token     string `json:"token,omitempty"`
	Value     string `json:"value,omitempty"`
	ValueType string `json:"valueType,omitempty"`
}

// detokenizeAnswer is gvault.V1DetokenizeResponse with unnamed records.
type detokenizeAnswer struct {
	Records []detokenizeRecord `json:"records,omitempty"`
}

// insertedRecord is gvault.V1RecordMetaProperties, unnamed.
type insertedRecord = struct {
	SkyflowID string            `json:"skyflow_id,omitempty"`
	Tokens    map[string]string `json:"tokens,omitempty"`
}

// insertAnswer is gvault.V1InsertRecordResponse with unnamed records.
type insertAnswer struct {
	Records []insertedRecord `json:"records,omitempty"`
}

// fieldRecord is gvault.V1FieldRecords, unnamed.
type fieldRecord = struct {
	Fields map[string]any    `json:"fields,omitempty"`
	Tokens map[string]string `json:"tokens,omitempty"`
}

// recordsAnswer is gvault.V1BulkGetRecordResponse and
// gvault.V1GetQueryResponse with unnamed records.
type recordsAnswer struct {
	Records []fieldRecord `json:"records,omitempty"`
}
