// Package skyflow is the root of the Skyflow Go SDK module. Applications use the
// facade package (github.com/skyflowgo/skyflow/facade) and the auth package
// (github.com/skyflowgo/skyflow/auth); this package only carries the
// code-generation directives that rebuild gen/ from the OpenAPI specs in
// api/openapi.
package skyflow

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/oauth.yaml api/openapi/oauth.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/vault.yaml api/openapi/vault.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/detect.yaml api/openapi/detect.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/connection.yaml api/openapi/connection.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/mock-vault.yaml api/openapi/vault.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/mock-detect.yaml api/openapi/detect.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/mock-oauth.yaml api/openapi/oauth.yaml
