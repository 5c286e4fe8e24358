package facade

import (
	"sync"
	"sync/atomic"
)

// lazy holds the call state of one configured vault or connection, built
// on first use and then read without a lock. A build that fails stores
// nothing: the next call tries again.
type lazy[S any] struct {
	mu    sync.Mutex
	state atomic.Pointer[S]
}

// get returns the state, building it with build on first use (one build at
// a time).
func (l *lazy[S]) get(build func() (*S, error)) (*S, error) {
	if s := l.state.Load(); s != nil {
		return s, nil
	}
	return l.build(build)
}

func (l *lazy[S]) build(build func() (*S, error)) (*S, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s := l.state.Load(); s != nil {
		return s, nil
	}
	s, err := build()
	if err != nil {
		return nil, err
	}
	l.state.Store(s)
	return s, nil
}
