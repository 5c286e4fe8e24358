package mockserver

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectapi"
	"github.com/skyflowgo/skyflow/test/mockserver/internal/flowdbapi"
	"github.com/skyflowgo/skyflow/test/mockserver/internal/oauthapi"
	"github.com/skyflowgo/skyflow/test/mockserver/internal/vaultapi"
)

// TestSpecsDecodeAsTheLoaderDoes checks that decodeSpec reads every
// embedded spec into the same document as openapi3's Loader (through the
// generated GetSpec): the same paths, operations, schemas and references.
func TestSpecsDecodeAsTheLoaderDoes(t *testing.T) {
	for _, s := range []struct {
		name string
		raw  func() ([]byte, error)
		load func() (*openapi3.T, error)
	}{
		{"oauth", oauthapi.GetSpecJSON, oauthapi.GetSpec},
		{"detect", detectapi.GetSpecJSON, detectapi.GetSpec},
		{"vault", vaultapi.GetSpecJSON, vaultapi.GetSpec},
		{"flowdb", flowdbapi.GetSpecJSON, flowdbapi.GetSpec},
	} {
		t.Run(s.name, func(t *testing.T) {
			got, err := decodeSpec(s.raw)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.load()
			if err != nil {
				t.Fatal(err)
			}
			g, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			w, err := json.Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatal("decoded spec differs from the loader's")
			}
			if string(g) != string(w) {
				t.Fatalf("decoded spec differs from the loader's (%d vs %d bytes)", len(g), len(w))
			}
			if len(got.Paths.Map()) == 0 || got.Paths.Map()[firstPath(want)] == nil {
				t.Fatal("no paths decoded")
			}
			// References resolve to the components they name.
			for name, sch := range want.Components.Schemas {
				if got.Components.Schemas[name] == nil || got.Components.Schemas[name].Value == nil || sch.Value == nil {
					t.Fatalf("schema %s not resolved", name)
				}
			}
		})
	}
}

func firstPath(doc *openapi3.T) string {
	for p := range doc.Paths.Map() {
		return p
	}
	return ""
}
