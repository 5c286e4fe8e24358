package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectapi"
	"github.com/skyflowgo/skyflow/test/mockserver/internal/flowdbapi"
	"github.com/skyflowgo/skyflow/test/mockserver/internal/oauthapi"
	"github.com/skyflowgo/skyflow/test/mockserver/internal/vaultapi"
)

// apiSpec is one embedded OpenAPI document with its routes.
type apiSpec struct {
	name   string
	doc    *openapi3.T
	routes []specRoute
}

type specRoute struct {
	path string
	segs []string
	vars int
	item *openapi3.PathItem
}

// specSet is the specs the emulator serves. It is immutable once
// loaded and shared by every server of the process.
type specSet struct {
	specs []*apiSpec
}

// loadSpecs parses the embedded specs once per process. The result is never
// modified afterwards, so sharing it between servers is safe.
var loadSpecs = sync.OnceValues(func() (*specSet, error) {
	set := &specSet{}
	sources := []struct {
		name string
		raw  func() ([]byte, error)
	}{
		{"oauth", oauthapi.GetSpecJSON},
		{"detect", detectapi.GetSpecJSON},
		{"vault", vaultapi.GetSpecJSON},
		{"flowdb", flowdbapi.GetSpecJSON},
	}
	// The documents are decoded concurrently: they are independent, and
	// decoding them is most of the emulator's start-up time.
	docs := make([]*openapi3.T, len(sources))
	errs := make([]error, len(sources))
	var wg sync.WaitGroup
	for i, s := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			docs[i], errs[i] = decodeSpec(s.raw)
		}()
	}
	wg.Wait()
	for i, s := range sources {
		doc, err := docs[i], errs[i]
		if err != nil {
			return nil, fmt.Errorf("load %s spec: %w", s.name, err)
		}
		// The Host header is not ours to check: the emulator answers on any
		// address (see oapi-codegen #882).
		doc.Servers = nil
		spec := &apiSpec{name: s.name, doc: doc}
		for path, item := range doc.Paths.Map() {
			segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
			r := specRoute{path: path, segs: segs, item: item}
			for _, seg := range segs {
				if strings.HasPrefix(seg, "{") {
					r.vars++
				}
			}
			spec.routes = append(spec.routes, r)
		}
		// Literal segments win over variables, as in http.ServeMux.
		sort.Slice(spec.routes, func(i, j int) bool {
			a, b := spec.routes[i], spec.routes[j]
			if a.vars != b.vars {
				return a.vars < b.vars
			}
			return a.path < b.path
		})
		set.specs = append(set.specs, spec)
	}
	return set, nil
})

// decodeSpec decodes an embedded spec, which the generator stores as JSON,
// with encoding/json and resolves its references. openapi3's Loader would
// read the same bytes with its YAML parser first (JSON being YAML), which
// took most of the emulator's start-up: 29 ms of 47 ms for the vault spec
// alone. TestSpecsDecodeAsTheLoaderDoes keeps both readings equal.
func decodeSpec(raw func() ([]byte, error)) (*openapi3.T, error) {
	data, err := raw()
	if err != nil {
		return nil, err
	}
	doc := &openapi3.T{}
	if err := json.Unmarshal(data, doc); err != nil {
		return nil, err
	}
	if err := openapi3.NewLoader().ResolveRefsIn(doc, nil); err != nil {
		return nil, err
	}
	return doc, nil
}

// servedOn reports whether the spec's operations are reachable through a
// surface: the token endpoint on the manage host, vault and Detect on the
// vault host, Flow DB on the skyvault host, everything on the emulator's
// own listener.
func (a *apiSpec) servedOn(sf surface) bool {
	switch sf {
	case surfaceDirect:
		return true
	case surfaceManage:
		return a.name == "oauth"
	case surfaceVault:
		return a.name == "vault" || a.name == "detect"
	case surfaceSkyvault:
		return a.name == "flowdb"
	}
	return false
}

// routeMatch is the operation a request resolved to.
type routeMatch struct {
	spec   *apiSpec
	route  *routers.Route
	params map[string]string
	opID   string
}

// find resolves method and escaped path to an operation. It returns a 404
// or 405 *apiError when no operation matches.
func (s *specSet) find(method, escapedPath string) (*routeMatch, *apiError) {
	if !strings.HasPrefix(escapedPath, "/") {
		return nil, notFound("no API route matches this path")
	}
	raw := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	segs := make([]string, len(raw))
	for i, r := range raw {
		u, err := url.PathUnescape(r)
		if err != nil {
			return nil, badRequest("malformed escape in path segment %d", i+1)
		}
		if u == "." || u == ".." {
			return nil, notFound("no API route matches this path")
		}
		segs[i] = u
	}
	pathMatched := false
	var allowed []string
	for _, spec := range s.specs {
		for _, rt := range spec.routes {
			params, ok := matchSegments(rt.segs, segs)
			if !ok {
				continue
			}
			op := rt.item.GetOperation(method)
			if op == nil {
				pathMatched = true
				for m := range rt.item.Operations() {
					allowed = append(allowed, m)
				}
				continue
			}
			return &routeMatch{
				spec:   spec,
				route:  &routers.Route{Spec: spec.doc, Path: rt.path, PathItem: rt.item, Method: method, Operation: op},
				params: params,
				opID:   op.OperationID,
			}, nil
		}
	}
	if pathMatched {
		sort.Strings(allowed)
		allowed = slices.Compact(allowed)
		e := newError(http.StatusMethodNotAllowed, "method %s is not allowed on this path (allowed: %s)", method, strings.Join(allowed, ", "))
		e.header = map[string]string{"Allow": strings.Join(allowed, ", ")}
		return nil, e
	}
	return nil, notFound("no API route matches this path")
}

// matchSegments matches path segments against a template; variables match
// any non-empty segment.
func matchSegments(tmpl, segs []string) (map[string]string, bool) {
	if len(tmpl) != len(segs) {
		return nil, false
	}
	var params map[string]string
	for i, t := range tmpl {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if segs[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[t[1:len(t)-1]] = segs[i]
			continue
		}
		if t != segs[i] {
			return nil, false
		}
	}
	return params, true
}

// multipartSchema returns the multipart/form-data schema of an operation's
// request body, or nil when the body is not multipart.
func multipartSchema(op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get("multipart/form-data")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// operationHandlers maps every operationId of the specs to the method of
// the same name of one of the generated ServerInterfaceWrappers (which binds
// the path, query and body parameters and calls the strict handler). It
// fails when an operation has no handler, so a spec change that adds an
// operation cannot go unserved.
func operationHandlers(specs *specSet, wrappers []any) (map[string]http.HandlerFunc, error) {
	out := map[string]http.HandlerFunc{}
	for _, spec := range specs.specs {
		for _, rt := range spec.routes {
			for _, op := range rt.item.Operations() {
				if _, done := out[op.OperationID]; done {
					continue
				}
				for _, w := range wrappers {
					m := reflect.ValueOf(w).MethodByName(op.OperationID)
					if !m.IsValid() {
						continue
					}
					if h, ok := m.Interface().(func(http.ResponseWriter, *http.Request)); ok {
						out[op.OperationID] = h
						break
					}
				}
				if out[op.OperationID] == nil {
					return nil, fmt.Errorf("%s spec: operation %s has no generated handler", spec.name, op.OperationID)
				}
			}
		}
	}
	return out, nil
}
