// Package auth holds the Ginkgo specs of the SDK's auth package: credentials
// validation, the service-account token exchange against a ghttp token
// endpoint, signed data tokens, token sources and request editors.
package auth
