package detectengine

import "sync"

// Registry remembers, per vault, what the reversible tokens of earlier
// de-identify calls stand for, so that a later re-identify call can resolve
// counter tokens such as [SSN_1] (and vault tokens, if the caller records
// them here too). The zero value is ready to use; a Registry is safe for
// concurrent use and must not be copied after first use.
//
// Counter tokens are only unique within one call: when two calls of one
// vault produce the same token for different values, the later call wins.
// entity_only tokens and shifted dates are never recorded.
type Registry struct {
	mu     sync.RWMutex
	vaults map[string]map[string]registryEntry
}

// registryEntry is what a token stands for.
type registryEntry struct{ entityType, value string }

// Record stores the reversible tokens of entities under vaultID.
func (r *Registry) Record(vaultID string, entities []Entity) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.vaults == nil {
		r.vaults = map[string]map[string]registryEntry{}
	}
	tokens := r.vaults[vaultID]
	for _, e := range entities {
		if !reversible(e.Style) || e.Token == "" {
			continue
		}
		if tokens == nil {
			tokens = map[string]registryEntry{}
			r.vaults[vaultID] = tokens
		}
		tokens[e.Token] = registryEntry{e.EntityType, e.Value}
	}
}

// Resolve says what token stands for in vaultID.
func (r *Registry) Resolve(vaultID, token string) (entityType, value string, ok bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	e, ok := r.vaults[vaultID][token]
	return e.entityType, e.value, ok
}

// Resolver returns a resolver bound to vaultID, for [ReidentifyText].
func (r *Registry) Resolver(vaultID string) Resolver {
	return func(token string) (string, string, bool) { return r.Resolve(vaultID, token) }
}

// Len returns the number of tokens recorded for vaultID.
func (r *Registry) Len(vaultID string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.vaults[vaultID])
}

// Forget drops everything recorded for vaultID.
func (r *Registry) Forget(vaultID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.vaults, vaultID)
}
