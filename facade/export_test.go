package facade

import "time"

// RequestTimeouts returns the per-attempt timeouts in effect: calls, then
// file transfers.
func RequestTimeouts(c *Client) [2]time.Duration {
	return [2]time.Duration{c.doer.AttemptTimeout(), c.fileTimeout}
}

// Hooks for the tests of package facade_test; they are not part of the API.

// WithEnvLookup replaces os.LookupEnv for reading SKYFLOW_CREDENTIALS.
var WithEnvLookup = withEnvLookup

// SetClock makes d wait for its polling schedule on after instead of the
// real clock. after is called once per wait, with the wait's duration.
func SetClock(d *Detect, after func(time.Duration) <-chan time.Time) {
	d.clock = afterFunc(after)
}

type afterFunc func(time.Duration) <-chan time.Time

func (f afterFunc) After(d time.Duration) <-chan time.Time { return f(d) }
