// Package specs holds the contract tests of the OpenAPI specs in api/openapi:
// every spec loads and validates, every captured official-SDK request fits an
// operation of our specs, and the generated clients put the right bytes on the
// wire.
package specs
