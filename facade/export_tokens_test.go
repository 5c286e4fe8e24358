package facade

// TokenCacheSize is the number of token sources the client caches, for
// the rotation specs.
func (c *Client) TokenCacheSize() int { return c.tokens.size() }
