//go:build tools

// This file pins the code generator used by generate.go. It is excluded from
// every normal build by the "tools" build tag; its only effect is to record the
// generator's exact version in go.mod so that `go generate ./...` is
// reproducible byte for byte.
package skyflow

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
