// go generate ./... rebuilds gen/ (the SDK's clients) and the emulator's servers
// in test/mockserver/internal from the OpenAPI specs in api/openapi.

package skyflow

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/oauth.yaml api/openapi/oauth.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/vault.yaml api/openapi/vault.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/detect.yaml api/openapi/detect.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/connection.yaml api/openapi/connection.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/flowdb.yaml api/openapi/flowdb.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/mock-vault.yaml api/openapi/vault.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/mock-detect.yaml api/openapi/detect.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/mock-oauth.yaml api/openapi/oauth.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/codegen/mock-flowdb.yaml api/openapi/flowdb.yaml
