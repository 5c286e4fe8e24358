package mockserver

import (
	"context"
	"net/http"
)

// reqState is what the layers of one request learn about it: the request
// id, who it acts as, and the vault and resources it touched (for roles
// and the audit log).
type reqState struct {
	rid        string
	req        *http.Request
	principal  *principal
	vaultID    string
	grants     *grants // what the principal may do (nil: everything)
	grantsDone bool
	after      *Fault // a fault applied to the handled request's answer (faults.go)
}

type stateKey struct{}

// stateFrom returns the state of the request ctx belongs to, or nil.
func stateFrom(ctx context.Context) *reqState {
	st, _ := ctx.Value(stateKey{}).(*reqState)
	return st
}

// noteVault records the vault a request acts on.
func noteVault(ctx context.Context, id string) {
	if st := stateFrom(ctx); st != nil && st.vaultID == "" {
		st.vaultID = id
	}
}
