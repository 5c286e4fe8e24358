package facade_test

import (
	"errors"
	"net/http"
	"sync"
)

// hostRecorder is an http.RoundTripper that records request URLs (without
// query) and fails every request, so URL building can be checked offline.
type hostRecorder struct {
	mu   sync.Mutex
	urls []string
}

func (h *hostRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	u := *req.URL
	u.RawQuery = ""
	h.urls = append(h.urls, u.String())
	return nil, errors.New("offline")
}

func (h *hostRecorder) client() *http.Client { return &http.Client{Transport: h} }

func (h *hostRecorder) last() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.urls) == 0 {
		return ""
	}
	return h.urls[len(h.urls)-1]
}
