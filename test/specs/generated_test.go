package specs_test

import (
	"go/ast"
	"go/types"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// notCalled lists the generated declarations the SDK leaves unused on
// purpose, with the reason. Everything else the generator emits must be
// reached from the SDK's own packages.
var notCalled = map[string]string{
	// The error body: the SDK decodes error answers with one tolerant
	// decoder (internal/errs), field by field, so one field of an
	// unexpected type never loses the others; these models document the
	// wire and serve the contract tests.
	"ErrorResponse":      "error body model",
	"ErrorResponseError": "error body model",
	"ErrorDetail":        "error body model",
	"Error":              "error body model",
	// The answers of the hottest calls decode into unnamed copies of these
	// (facade/wire.go: encoding/json looks a named type up per value);
	// facade's TestWireShapesMatchTheGeneratedTypes keeps each copy equal
	// to its generated model, field by field, so these stay the reference.
	"V1DetokenizeResponse":       "reference of facade/wire.go",
	"V1DetokenizeRecordResponse": "reference of facade/wire.go",
	"V1InsertRecordResponse":     "reference of facade/wire.go",
	"V1BulkGetRecordResponse":    "reference of facade/wire.go",
	"V1GetQueryResponse":         "reference of facade/wire.go",
}

// TestGeneratedCodeIsUsed loads the SDK's packages and the generated ones
// and walks what the SDK reaches: every generated function, method and type
// must be reached from facade or auth (directly, or through generated code
// they reach), except the declarations of notCalled and the Valid methods
// that the generator adds to every enum type.
func TestGeneratedCodeIsUsed(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and type-checks the module")
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax | packages.NeedDeps | packages.NeedImports}
	pkgs, err := packages.Load(cfg, "github.com/skyflowgo/skyflow/facade", "github.com/skyflowgo/skyflow/auth", "github.com/skyflowgo/skyflow/gen/...")
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("the packages do not load")
	}
	isGen := func(p *types.Package) bool { return p != nil && strings.Contains(p.Path(), "/skyflow/gen/") }

	// refs maps each generated declaration to the objects its declaration
	// (body, or type definition) refers to.
	refs := map[types.Object][]types.Object{}
	var declared []types.Object
	var roots []types.Object
	for _, p := range pkgs {
		gen := isGen(p.Types)
		for _, f := range p.Syntax {
			for _, d := range f.Decls {
				var owner types.Object
				switch d := d.(type) {
				case *ast.FuncDecl:
					owner = p.TypesInfo.Defs[d.Name]
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						if ts, ok := spec.(*ast.TypeSpec); ok && gen {
							obj := p.TypesInfo.Defs[ts.Name]
							declared = append(declared, obj)
							refs[obj] = append(refs[obj], usesIn(p.TypesInfo, ts, isGen)...)
						}
					}
					if !gen {
						roots = append(roots, usesIn(p.TypesInfo, d, isGen)...)
					}
					continue
				}
				used := usesIn(p.TypesInfo, d, isGen)
				if gen {
					declared = append(declared, owner)
					refs[owner] = append(refs[owner], used...)
					// encoding/json calls these methods itself: they are
					// reached with their receiver's type.
					if fd := d.(*ast.FuncDecl); fd.Recv != nil && (fd.Name.Name == "MarshalJSON" || fd.Name.Name == "UnmarshalJSON") {
						if recv := receiverType(owner); recv != nil {
							refs[recv] = append(refs[recv], owner)
						}
					}
				} else {
					roots = append(roots, used...)
				}
			}
		}
	}

	reached := map[types.Object]bool{}
	for queue := roots; len(queue) > 0; {
		obj := queue[0]
		queue = queue[1:]
		if reached[obj] {
			continue
		}
		reached[obj] = true
		queue = append(queue, refs[obj]...)
	}
	var unused []string
	for _, obj := range declared {
		if obj == nil || !obj.Exported() || reached[obj] {
			continue
		}
		if _, ok := notCalled[obj.Name()]; ok {
			continue
		}
		if fn, ok := obj.(*types.Func); ok && fn.Name() == "Valid" {
			continue
		}
		unused = append(unused, obj.Pkg().Name()+"."+qualified(obj))
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Fatalf("the generator emits code the SDK does not reach (narrow api/codegen or use it):\n%s", strings.Join(unused, "\n"))
	}
}

// usesIn lists the generated objects node refers to.
func usesIn(info *types.Info, node ast.Node, isGen func(*types.Package) bool) []types.Object {
	var out []types.Object
	ast.Inspect(node, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		if obj := info.Uses[id]; obj != nil && isGen(obj.Pkg()) {
			out = append(out, obj)
		}
		return true
	})
	return out
}

// receiverType returns the named type a method belongs to.
func receiverType(fn types.Object) types.Object {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return nil
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := t.(*types.Named); ok {
		return n.Obj()
	}
	return nil
}

func qualified(obj types.Object) string {
	if fn, ok := obj.(*types.Func); ok {
		if recv := receiverType(fn); recv != nil {
			return recv.Name() + "." + fn.Name()
		}
	}
	return obj.Name()
}
