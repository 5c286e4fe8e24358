package specs_test

import (
	"context"
	"path/filepath"
	"runtime"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	. "github.com/onsi/gomega"
)

// repoRoot is the root of the SDK repository (two levels above this file).
func repoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	Expect(ok).To(BeTrue())
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// specNames lists every spec we author.
var specNames = []string{"vault", "detect", "connection", "oauth", "flowdb"}

type loadedSpec struct {
	doc    *openapi3.T
	router routers.Router
}

// loadSpec loads and validates one spec and builds a router for it. The
// servers are dropped so that routing matches on method and path only (the
// captured hosts are production hosts).
func loadSpec(name string) loadedSpec {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(filepath.Join(repoRoot(), "api", "openapi", name+".yaml"))
	Expect(err).NotTo(HaveOccurred(), "loading %s.yaml", name)
	Expect(doc.Validate(context.Background())).To(Succeed(), "validating %s.yaml", name)
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	Expect(err).NotTo(HaveOccurred())
	return loadedSpec{doc: doc, router: router}
}

// acceptAnyCredential is the authentication hook for request validation: the
// captures' credentials are redacted, so we only check that the header the
// security scheme names is present and non-empty.
func acceptAnyCredential(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme := in.SecurityScheme
	req := in.RequestValidationInput.Request
	switch {
	case scheme.Type == "http" && scheme.Scheme == "bearer":
		if len(req.Header.Get("Authorization")) <= len("Bearer ") {
			return in.NewError(errMissingCredential)
		}
	case scheme.Type == "apiKey" && scheme.In == "header":
		if req.Header.Get(scheme.Name) == "" {
			return in.NewError(errMissingCredential)
		}
	}
	return nil
}

type credentialError string

func (e credentialError) Error() string { return string(e) }

const errMissingCredential = credentialError("credential header missing")
