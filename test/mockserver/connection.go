package mockserver

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// connection is a configured outbound connection.
type connection struct {
	cfg  ConnectionConfig
	segs []string
}

// parseRoute checks a route template ("/cards/{card_id}") and splits it.
func parseRoute(route string) ([]string, error) {
	if !strings.HasPrefix(route, "/") || route == "/" {
		return nil, fmt.Errorf("route %q must start with / and have at least one segment", route)
	}
	segs := strings.Split(strings.TrimPrefix(route, "/"), "/")
	for _, s := range segs {
		if s == "" {
			return nil, fmt.Errorf("route %q has an empty segment", route)
		}
		if strings.ContainsAny(s, "{}") {
			if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") || !namePattern.MatchString(s[1:len(s)-1]) {
				return nil, fmt.Errorf("route %q: placeholders must be whole segments like {card_id}", route)
			}
		}
	}
	return segs, nil
}

// Limits of what the connection echo decodes.
const (
	maxConnectionBody = 32 << 20
	maxNesting        = 64
)

// Headers that carry credentials; the echo never repeats them.
var secretHeaders = map[string]bool{"X-Skyflow-Authorization": true, "Authorization": true, "Cookie": true, "Proxy-Authorization": true}

// handleConnection serves /v1/gateway/outboundRoutes/{connectionID}/{route...}:
// it checks x-skyflow-authorization and echoes the request as the third
// party would have received it. The request headers X-Mock-Status (an
// error status) and X-Mock-Error-From-Client (true/false) make it answer an
// error instead, with the error-from-client header.
func (s *Server) handleConnection(w http.ResponseWriter, r *http.Request) {
	cred := connectionCredential(r)
	if strings.HasPrefix(strings.ToLower(cred), "bearer ") {
		writeError(w, unauthenticated("x-skyflow-authorization takes the raw token or API key, without a Bearer prefix"))
		return
	}
	p, err := s.auth.identify(cred)
	if err != nil {
		if cred == "" {
			err = errors.New("missing x-skyflow-authorization header")
		}
		writeError(w, unauthenticated("%s", err.Error()))
		return
	}
	if st := stateFrom(r.Context()); st != nil {
		st.principal = p
	}
	connID := r.PathValue("connectionID")
	conn, ok := s.conns[connID]
	if !ok {
		writeError(w, notFound("connection %s not found", connID))
		return
	}
	rawSegs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), connectionPrefix), "/")[1:]
	segs := make([]string, len(rawSegs))
	for i, rs := range rawSegs {
		u, err := url.PathUnescape(rs)
		if err != nil {
			writeError(w, badRequest("malformed escape in path"))
			return
		}
		segs[i] = u
	}
	params, ok := matchSegments(conn.segs, segs)
	if !ok {
		writeError(w, notFound("no route of connection %s matches %s", connID, "/"+strings.Join(segs, "/")))
		return
	}
	if st := r.Header.Get("X-Mock-Status"); st != "" {
		code, err := strconv.Atoi(st)
		if err != nil || code < 400 || code > 599 {
			writeError(w, badRequest("X-Mock-Status must be an HTTP error status (400-599)"))
			return
		}
		fromClient := r.Header.Get("X-Mock-Error-From-Client")
		if fromClient == "" {
			fromClient = "false"
		}
		if fromClient != "true" && fromClient != "false" {
			writeError(w, badRequest("X-Mock-Error-From-Client must be true or false"))
			return
		}
		w.Header().Set("Error-From-Client", fromClient)
		writeError(w, newError(code, "connection %s answered %d %s", connID, code, http.StatusText(code)))
		return
	}
	body, ctype, apiErr := decodeConnectionBody(w, r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	headers := map[string][]string{}
	for k, v := range r.Header {
		if !secretHeaders[http.CanonicalHeaderKey(k)] {
			headers[http.CanonicalHeaderKey(k)] = v
		}
	}
	query := map[string][]string{}
	for k, v := range r.URL.Query() {
		query[k] = v
	}
	if params == nil {
		params = map[string]string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"connection_id": connID,
		"method":        r.Method,
		"path":          "/" + strings.Join(segs, "/"),
		"path_params":   params,
		"query":         query,
		"headers":       headers,
		"content_type":  ctype,
		"body":          body,
	})
}

// decodeConnectionBody decodes the body by its content type: JSON,
// form-urlencoded and multipart (nested a[b][0] keys become objects and
// arrays), XML (elements become objects, repeated ones arrays, attributes
// "@name", mixed text "#text"); anything else is returned as text.
func decodeConnectionBody(w http.ResponseWriter, r *http.Request) (any, string, *apiError) {
	ctHeader := r.Header.Get("Content-Type")
	r.Body = http.MaxBytesReader(w, r.Body, maxConnectionBody)
	if ctHeader == "" {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, "", bodyReadError(err, "reading the body: %v", err)
		}
		if len(b) == 0 {
			return nil, "", nil
		}
		return string(b), "", nil
	}
	mt, params, err := mime.ParseMediaType(ctHeader)
	if err != nil {
		return nil, ctHeader, badRequest("malformed Content-Type")
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, mt, bodyReadError(err, "reading the body: %v", err)
		}
		if len(strings.TrimSpace(string(b))) == 0 {
			return nil, mt, nil
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, mt, badRequest("the body is not valid JSON")
		}
		return v, mt, nil
	case mt == "application/x-www-form-urlencoded":
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, mt, bodyReadError(err, "reading the body: %v", err)
		}
		vals, err := url.ParseQuery(string(b))
		if err != nil {
			return nil, mt, badRequest("the body is not valid form data")
		}
		out, err := nestForm(vals)
		if err != nil {
			return nil, mt, badRequest("%v", err)
		}
		return out, mt, nil
	case mt == "multipart/form-data":
		if params["boundary"] == "" {
			return nil, mt, badRequest("multipart Content-Type without a boundary")
		}
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, mt, badRequest("malformed multipart body")
		}
		vals := url.Values{}
		files := map[string]any{}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, mt, badRequest("malformed multipart body")
			}
			if part.FileName() != "" {
				n, err := io.Copy(io.Discard, part)
				if err != nil {
					return nil, mt, badRequest("malformed multipart body")
				}
				files[part.FormName()] = map[string]any{"filename": baseName(part.FileName()), "size": n, "content_type": part.Header.Get("Content-Type")}
				continue
			}
			b, err := io.ReadAll(io.LimitReader(part, maxTextPart))
			if err != nil {
				return nil, mt, badRequest("malformed multipart body")
			}
			vals.Add(part.FormName(), string(b))
		}
		out, err := nestForm(vals)
		if err != nil {
			return nil, mt, badRequest("%v", err)
		}
		m, _ := out.(map[string]any)
		for k, v := range files {
			m[k] = v
		}
		return m, mt, nil
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		v, err := decodeXML(r.Body)
		if err != nil {
			return nil, mt, badRequest("the body is not valid XML: %v", err)
		}
		return v, mt, nil
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, mt, bodyReadError(err, "reading the body: %v", err)
	}
	return string(b), mt, nil
}

// nestForm turns PHP-style keys (a[b][0]=x, a[]=y) into nested objects and
// arrays. A key given several times becomes an array.
func nestForm(vals url.Values) (any, error) {
	root := map[string]any{}
	for _, key := range sortedKeys(vals) {
		path, err := splitFormKey(key)
		if err != nil {
			return nil, err
		}
		for _, val := range vals[key] {
			if err := insertForm(root, path, val); err != nil {
				return nil, err
			}
		}
	}
	for k, v := range root {
		root[k] = arrays(v, 0)
	}
	return root, nil
}

// splitFormKey splits "a[b][0]" into ["a", "b", "0"]; "a[]" ends with "".
func splitFormKey(key string) ([]string, error) {
	i := strings.IndexByte(key, '[')
	if i <= 0 {
		return []string{key}, nil
	}
	path := []string{key[:i]}
	rest := key[i:]
	for rest != "" {
		if rest[0] != '[' {
			return nil, fmt.Errorf("malformed form key %q", key)
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return nil, fmt.Errorf("malformed form key %q", key)
		}
		path = append(path, rest[1:end])
		rest = rest[end+1:]
		if len(path) > maxNesting {
			return nil, fmt.Errorf("form key %q is nested too deeply", key)
		}
	}
	return path, nil
}

func insertForm(node map[string]any, path []string, val string) error {
	for i, seg := range path {
		last := i == len(path)-1
		if seg == "" {
			seg = strconv.Itoa(len(node))
		}
		if last {
			switch prev := node[seg].(type) {
			case nil:
				node[seg] = val
			case string:
				node[seg] = []any{prev, val}
			case []any:
				node[seg] = append(prev, val)
			default:
				return fmt.Errorf("form key conflict at %q", seg)
			}
			return nil
		}
		child, ok := node[seg].(map[string]any)
		if !ok {
			if node[seg] != nil {
				return fmt.Errorf("form key conflict at %q", seg)
			}
			child = map[string]any{}
			node[seg] = child
		}
		node = child
	}
	return nil
}

// arrays converts objects whose keys are exactly 0..n-1 into arrays.
func arrays(v any, depth int) any {
	m, ok := v.(map[string]any)
	if !ok || depth > maxNesting {
		return v
	}
	for k, e := range m {
		m[k] = arrays(e, depth+1)
	}
	if len(m) == 0 {
		return m
	}
	list := make([]any, len(m))
	for k, e := range m {
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(m) || strconv.Itoa(i) != k {
			return m
		}
		list[i] = e
	}
	return list
}

// xmlNode is an element being decoded.
type xmlNode struct {
	name     string
	attrs    map[string]any
	children map[string]any
	text     strings.Builder
}

// decodeXML decodes an XML document into {root: value}.
func decodeXML(r io.Reader) (any, error) {
	dec := xml.NewDecoder(r)
	var stack []*xmlNode
	var result map[string]any
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if result != nil {
				return nil, errors.New("content after the root element")
			}
			if len(stack) >= maxNesting {
				return nil, errors.New("elements nested too deeply")
			}
			n := &xmlNode{name: t.Name.Local, attrs: map[string]any{}, children: map[string]any{}}
			for _, a := range t.Attr {
				n.attrs["@"+a.Name.Local] = a.Value
			}
			stack = append(stack, n)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, errors.New("text outside the root element")
			}
		case xml.EndElement:
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			val := n.value()
			if len(stack) == 0 {
				result = map[string]any{n.name: val}
				continue
			}
			p := stack[len(stack)-1]
			switch prev := p.children[n.name].(type) {
			case nil:
				p.children[n.name] = val
			case []any:
				p.children[n.name] = append(prev, val)
			default:
				p.children[n.name] = []any{prev, val}
			}
		}
	}
	if result == nil {
		return nil, errors.New("no root element")
	}
	return result, nil
}

func (n *xmlNode) value() any {
	text := strings.TrimSpace(n.text.String())
	if len(n.children) == 0 && len(n.attrs) == 0 {
		return text
	}
	out := map[string]any{}
	for k, v := range n.attrs {
		out[k] = v
	}
	keys := make([]string, 0, len(n.children))
	for k := range n.children {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out[k] = n.children[k]
	}
	if text != "" {
		out["#text"] = text
	}
	return out
}
