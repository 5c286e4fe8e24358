package facade

// TokenCacheSize is the number of token sources the client caches, for
// the rotation specs.
func (c *Client) TokenCacheSize() int { return c.tokens.size() }

// WithEnvLookup replaces os.LookupEnv for reading SKYFLOW_CREDENTIALS.
func WithEnvLookup(lookup func(string) (string, bool)) Option { return withEnvLookup(lookup) }
