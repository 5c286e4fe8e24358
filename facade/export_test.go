package facade

import "time"

// RequestTimeouts returns the per-attempt timeouts in effect: calls, then
// file transfers.
func RequestTimeouts(c *Client) [2]time.Duration {
	return [2]time.Duration{c.doer.AttemptTimeout(), c.fileTimeout}
}
