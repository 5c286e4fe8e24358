package auth

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/internal/transport"
)

// serviceAccount holds parsed service-account credentials: the client and
// key ids, the token URI and the RSA private key. It is immutable and safe
// for concurrent use, and prints (fmt, slog, encoding/json) as the client
// and key ids, never the private key.
type serviceAccount struct {
	clientID   string
	keyID      string
	tokenURI   string
	clientName string
	origin     string // scheme://host of tokenURI, where the exchange is posted
	key        *rsa.PrivateKey
}

// loadServiceAccount reads and parses a service-account credentials file.
// tokenURI, when not empty, replaces the file's tokenURI (both as the aud
// claim and as the exchange host). Errors are *skyflow.ValidationError
// values that never contain the file path or its content.
func loadServiceAccount(path, tokenURI string) (*serviceAccount, error) {
	data, err := readCredentialsFile(path)
	if err != nil {
		return nil, err
	}
	return parseServiceAccount(data, tokenURI)
}

const maxCredentialsFileSize = 1 << 20

func readCredentialsFile(path string) ([]byte, error) {
	if path == "" {
		return nil, invalid("Path", ErrCredentialsFile, "credentials file path is empty")
	}
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCredentialsFileSize+1))
	if err != nil {
		return nil, fileError(err)
	}
	if len(data) > maxCredentialsFileSize {
		return nil, invalid("Path", ErrCredentialsFile, "credentials file is larger than 1 MiB")
	}
	return data, nil
}

// openRegular opens a credentials file for reading, refusing anything but a
// regular file (a FIFO, a device, a directory) before reading a byte, so a
// Path naming a FIFO cannot block Validate or New.
func openRegular(path string) (*os.File, error) {
	if statBeforeOpen {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, fileError(err)
		}
		if !fi.Mode().IsRegular() {
			return nil, notRegular()
		}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, fileError(err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fileError(err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, notRegular()
	}
	return f, nil
}

func notRegular() error {
	return invalid("Path", ErrCredentialsFile, "credentials file is not a regular file")
}

// fileError maps an os error to a ValidationError that names the kind of
// failure but not the path (os.PathError.Error() would include it).
func fileError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &skyflow.ValidationError{Field: "Path", Reason: "credentials file does not exist",
			Err: fmt.Errorf("%w: %w", ErrCredentialsFile, fs.ErrNotExist)}
	case errors.Is(err, fs.ErrPermission):
		return &skyflow.ValidationError{Field: "Path", Reason: "permission denied reading credentials file",
			Err: fmt.Errorf("%w: %w", ErrCredentialsFile, fs.ErrPermission)}
	}
	reason := "credentials file cannot be read"
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason += " (" + pe.Err.Error() + ")"
	}
	return invalid("Path", ErrCredentialsFile, reason)
}

// parseServiceAccount parses service-account credentials JSON. It accepts
// the camelCase keys clientID, keyID, tokenURI, privateKey and clientName as
// well as their snake_case aliases (client_id, ...; camelCase wins when both
// are present), raw line breaks inside JSON strings (a PEM pasted as is),
// and PKCS#1 ("RSA PRIVATE KEY") or PKCS#8 ("PRIVATE KEY") PEM.
// tokenURIOverride, when not empty, replaces the tokenURI of the JSON.
func parseServiceAccount(data []byte, tokenURIOverride string) (*serviceAccount, error) {
	fields, err := decodeCredentialsJSON(data)
	if err != nil {
		return nil, err
	}
	sa := &serviceAccount{}
	var pemText string
	for _, f := range []struct {
		camel, snake string
		dst          *string
		missing      error
	}{
		{"clientID", "client_id", &sa.clientID, ErrMissingClientID},
		{"keyID", "key_id", &sa.keyID, ErrMissingKeyID},
		{"tokenURI", "token_uri", &sa.tokenURI, ErrMissingTokenURI},
		{"privateKey", "private_key", &pemText, ErrMissingPrivateKey},
		{"clientName", "client_name", &sa.clientName, nil},
	} {
		v, err := stringField(fields, f.camel, f.snake)
		if err != nil {
			return nil, err
		}
		if f.camel != "privateKey" {
			v = strings.TrimSpace(v)
		}
		if v == "" && f.missing != nil && !(f.camel == "tokenURI" && tokenURIOverride != "") {
			return nil, invalid(f.camel, f.missing, "missing from the service-account credentials")
		}
		*f.dst = v
	}

	field := "tokenURI"
	if tokenURIOverride != "" {
		sa.tokenURI = strings.TrimSpace(tokenURIOverride)
		field = "TokenURI"
	}
	u, err := checkTokenURI(field, sa.tokenURI)
	if err != nil {
		return nil, err
	}
	sa.origin = (&url.URL{Scheme: strings.ToLower(u.Scheme), Host: u.Host}).String()

	sa.key, err = parsePrivateKey(pemText)
	if err != nil {
		return nil, err
	}
	return sa, nil
}

// decodeCredentialsJSON decodes a JSON object into raw fields, tolerating a
// byte-order mark and raw control characters (line breaks) inside strings.
func decodeCredentialsJSON(data []byte) (map[string]json.RawMessage, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalid("credentials", ErrInvalidCredentialsJSON, "service-account credentials are empty")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(escapeControlInStrings(data), &fields); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, invalid("credentials", ErrInvalidCredentialsJSON,
				"service-account credentials are not valid JSON (syntax error at offset "+strconv.FormatInt(se.Offset, 10)+")")
		}
		return nil, invalid("credentials", ErrInvalidCredentialsJSON, "service-account credentials must be a JSON object")
	}
	if fields == nil {
		return nil, invalid("credentials", ErrInvalidCredentialsJSON, "service-account credentials must be a JSON object")
	}
	return fields, nil
}

// escapeControlInStrings returns data with every raw control character that
// sits inside a JSON string literal replaced by its escape sequence, so a PEM
// pasted with real line breaks still parses. Bytes outside strings (including
// the white space of pretty-printed JSON) are left alone. data is returned
// unchanged when nothing needs escaping.
func escapeControlInStrings(data []byte) []byte {
	var out []byte
	inString, escaped := false, false
	for i, c := range data {
		var rep string
		switch {
		case !inString:
			if c == '"' {
				inString = true
			}
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			inString = false
		case c == '\n':
			rep = `\n`
		case c == '\r':
			rep = `\r`
		case c == '\t':
			rep = `\t`
		case c < 0x20:
			rep = fmt.Sprintf(`\u%04x`, c)
		}
		if rep != "" && out == nil {
			out = make([]byte, 0, len(data)+64)
			out = append(out, data[:i]...)
		}
		if out != nil {
			if rep != "" {
				out = append(out, rep...)
			} else {
				out = append(out, c)
			}
		}
	}
	if out == nil {
		return data
	}
	return out
}

// stringField returns the string under the camelCase key, else under the
// snake_case alias. A JSON null counts as absent.
func stringField(fields map[string]json.RawMessage, camel, snake string) (string, error) {
	for _, k := range []string{camel, snake} {
		raw, ok := fields[k]
		if !ok || string(bytes.TrimSpace(raw)) == "null" {
			continue
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", invalid(camel, ErrInvalidCredentialsJSON, "must be a JSON string")
		}
		return s, nil
	}
	return "", nil
}

// checkTokenURI accepts an absolute https URL with a host, or an http URL
// whose host is loopback (127.0.0.0/8, ::1 or localhost) so local emulators
// work; without user information, a query or a fragment (the rule of every
// URL that receives credentials). The URI itself never appears in the error.
func checkTokenURI(field, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, invalid(field, ErrInvalidTokenURI, "not a valid URL")
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, invalid(field, ErrInvalidTokenURI, "must be an absolute URL with a host")
	}
	if u.User != nil {
		return nil, invalid(field, ErrInvalidTokenURI, "must not contain user information")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, invalid(field, ErrInvalidTokenURI, "must not hold a query or a fragment")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !transport.IsLoopback(u.Hostname()) {
			return nil, invalid(field, ErrInvalidTokenURI, "must use https (plain http is allowed only for loopback hosts)")
		}
	default:
		return nil, invalid(field, ErrInvalidTokenURI, "must use https")
	}
	return u, nil
}

// parsePrivateKey decodes a PEM RSA private key in PKCS#1 or PKCS#8 form.
// Errors never include key material.
func parsePrivateKey(text string) (*rsa.PrivateKey, error) {
	k, err := parseRSAKey(text)
	if err != nil {
		return nil, err
	}
	// crypto/rsa refuses to sign with a smaller key: found here, it is a
	// clear error at Validate, not a failure of every exchange.
	if k.N.BitLen() < minKeyBits {
		return nil, invalid("privateKey", ErrInvalidPrivateKey, fmt.Sprintf("the RSA key has %d bits, fewer than the %d required", k.N.BitLen(), minKeyBits))
	}
	return k, nil
}

// minKeyBits is the smallest RSA key crypto/rsa signs with.
const minKeyBits = 1024

func parseRSAKey(text string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil && strings.Contains(text, `\n`) {
		// A PEM whose line breaks were escaped twice ("\\n" or "\\r\\n" in
		// the JSON).
		unescaped := strings.ReplaceAll(strings.ReplaceAll(text, `\r`, ""), `\n`, "\n")
		block, _ = pem.Decode([]byte(unescaped))
	}
	if block == nil {
		return nil, invalid("privateKey", ErrInvalidPrivateKey, "not a PEM encoded key")
	}
	switch block.Type {
	case "RSA PRIVATE KEY", "PRIVATE KEY":
	case "ENCRYPTED PRIVATE KEY":
		return nil, invalid("privateKey", ErrInvalidPrivateKey, "encrypted private keys are not supported")
	case "EC PRIVATE KEY", "DSA PRIVATE KEY":
		return nil, invalid("privateKey", ErrNotRSAKey, "PEM holds a "+block.Type+", an RSA key is required")
	default:
		return nil, invalid("privateKey", ErrInvalidPrivateKey, "unsupported PEM block type "+strconv.Quote(block.Type))
	}
	if _, encrypted := block.Headers["Proc-Type"]; encrypted {
		return nil, invalid("privateKey", ErrInvalidPrivateKey, "encrypted private keys are not supported")
	}
	// Try the form the header announces first, then the other one: keys
	// with a mismatched header are common in hand-made files.
	if block.Type == "RSA PRIVATE KEY" {
		if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
			return k, nil
		}
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		if k1, err1 := x509.ParsePKCS1PrivateKey(block.Bytes); err1 == nil {
			return k1, nil
		}
		return nil, invalid("privateKey", ErrInvalidPrivateKey, "cannot parse the PEM as a PKCS#1 or PKCS#8 private key")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, invalid("privateKey", ErrNotRSAKey, fmt.Sprintf("PKCS#8 key is %T, an RSA key is required", k))
	}
	return rk, nil
}
