//go:build tools

// Package tools pins the code generator used by generate.go. It is excluded
// from every normal build by the "tools" build tag; its only effect is to
// record the generator's exact version in go.mod so that `go generate ./...`
// is reproducible byte for byte. It is a package of its own, imported by
// nothing: were it part of package skyflow, every module importing the error
// types would get the generator in its go.mod (go mod tidy reads files of
// every build tag).
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
