package auth

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// Backoff of token refusals (see ServiceAccountSource).
const (
	// RefusalBackoff is how long after dropping a refused token a
	// ServiceAccountSource waits before it honours the next refusal; the
	// wait doubles with each drop, up to MaxRefusalBackoff.
	RefusalBackoff = time.Second
	// MaxRefusalBackoff caps the wait between two honoured refusals.
	MaxRefusalBackoff = 30 * time.Second
)

// refusals is a ServiceAccountSource's record of refused tokens. Its fields
// other than backingOff are guarded by the source's mutex.
type refusals struct {
	// drops counts the refused tokens dropped since the last accepted call.
	drops int
	// until is when the next refusal may drop the cached token.
	until time.Time
	// backingOff is drops > 0, read without the mutex by accepted.
	backingOff atomic.Bool
}

// refusalWait is the backoff after the n-th drop: RefusalBackoff doubled n-1
// times, at most MaxRefusalBackoff.
func refusalWait(n int) time.Duration {
	d := RefusalBackoff
	for i := 1; i < n && d < MaxRefusalBackoff; i++ {
		d *= 2
	}
	return min(d, MaxRefusalBackoff)
}

// refuser is implemented by the sources that decide, per refusal, whether a
// request may be sent again with another token.
type refuser interface {
	refuse(token string) bool
}

// accepter is implemented by the sources that want to know that a token
// worked.
type accepter interface {
	backingOff() bool
	accepted(token string)
}

// refuse handles the server's refusal of token and reports whether a
// request sent again would carry another token: true when the cached token
// is already another one (or none, a new one being exchanged), or when this
// refusal drops it; false when the refusal falls inside the backoff and the
// token is kept.
func (s *ServiceAccountSource) refuse(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.cur.Load(); cur == nil || cur.value != token {
		return true
	}
	clientID := slog.String("client_id", s.ex.sa.clientID)
	now := s.now()
	if now.Before(s.refusals.until) {
		s.logger.LogAttrs(context.Background(), slog.LevelDebug,
			"service-account token refused again; keeping it until the refusal backoff ends",
			clientID, slog.Time("backoff_until", s.refusals.until))
		return false
	}
	s.cur.Store(nil)
	s.refusals.drops++
	s.refusals.until = now.Add(refusalWait(s.refusals.drops))
	s.refusals.backingOff.Store(true)
	s.logger.LogAttrs(context.Background(), slog.LevelInfo, "service-account token invalidated",
		clientID, slog.Int("refusals", s.refusals.drops), slog.Time("backoff_until", s.refusals.until))
	return true
}

// accepted resets the refusal backoff when token, the cached token, has
// just been accepted by the server.
// backingOff reports whether refusals are being backed off.
func (s *ServiceAccountSource) backingOff() bool { return s.refusals.backingOff.Load() }

func (s *ServiceAccountSource) accepted(token string) {
	if !s.refusals.backingOff.Load() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.cur.Load(); cur != nil && cur.value == token {
		s.refusals.drops = 0
		s.refusals.until = time.Time{}
		s.refusals.backingOff.Store(false)
	}
}
