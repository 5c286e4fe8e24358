package facade

// Version is the SDK version reported in the User-Agent and sky-metadata
// headers.
const Version = "0.1.0"

// Env selects the Skyflow environment a vault lives in; it determines the
// vault URL built from the cluster id.
type Env string

// The environments. The zero value ("") means EnvProd.
const (
	EnvProd    Env = "PROD"
	EnvSandbox Env = "SANDBOX"
	EnvStage   Env = "STAGE"
	EnvDev     Env = "DEV"
)

// hostSuffix returns the host suffix of a service ("vault" for v2 vaults
// and Detect, "skyvault" for Flow DB vaults) in the environment, or ""
// when the environment is unknown.
func (e Env) hostSuffix(service string) string {
	var domain string
	switch e {
	case EnvProd, "":
		domain = "skyflowapis.com"
	case EnvSandbox:
		domain = "skyflowapis-preview.com"
	case EnvStage:
		domain = "skyflowapis.tech"
	case EnvDev:
		domain = "skyflowapis.dev"
	default:
		return ""
	}
	return "." + service + "." + domain
}

// RedactionType says how returned values are redacted.
type RedactionType string

// The redaction types. RedactionDefault applies the redaction configured on
// each column in the vault schema.
const (
	RedactionDefault   RedactionType = "DEFAULT"
	RedactionRedacted  RedactionType = "REDACTED"
	RedactionMasked    RedactionType = "MASKED"
	RedactionPlainText RedactionType = "PLAIN_TEXT"
)

func (r RedactionType) valid() bool {
	switch r {
	case RedactionDefault, RedactionRedacted, RedactionMasked, RedactionPlainText:
		return true
	}
	return false
}

// TokenMode says whether the caller supplies tokens ("bring your own
// token") when writing records.
type TokenMode string

// The token modes. The zero value ("") means TokenModeDisable.
const (
	// TokenModeDisable: the vault generates every token; supplying tokens
	// is an error.
	TokenModeDisable TokenMode = "DISABLE"
	// TokenModeEnable: tokens may be supplied for some columns; the vault
	// generates the others.
	TokenModeEnable TokenMode = "ENABLE"
	// TokenModeEnableStrict: a token must be supplied for every column
	// written.
	TokenModeEnableStrict TokenMode = "ENABLE_STRICT"
)

func (m TokenMode) orDefault() TokenMode {
	if m == "" {
		return TokenModeDisable
	}
	return m
}

func (m TokenMode) valid() bool {
	switch m.orDefault() {
	case TokenModeDisable, TokenModeEnable, TokenModeEnableStrict:
		return true
	}
	return false
}

// OrderBy orders records returned by Get, by skyflow_id.
type OrderBy string

// The orders. The zero value sends no order.
const (
	OrderAscending  OrderBy = "ASCENDING"
	OrderDescending OrderBy = "DESCENDING"
	OrderNone       OrderBy = "NONE"
)
