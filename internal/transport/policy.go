package transport

import (
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/skyflowgo/skyflow"
)

// maxRedirects is how many same-origin redirects one request may follow.
const maxRedirects = 10

// WithPolicy returns a copy of hc (a new client when hc is nil) that never
// follows a redirect to another scheme or host: credentials and record
// values stay on the origin they were sent to. Redirects within the same
// origin are followed (at most 10) for GET and HEAD only: following one of
// any other request would send it again (307 and 308 resend its body),
// after the server may have acted on it. A redirect policy of hc's own still
// runs for the redirects this one allows. hc itself is not changed.
func WithPolicy(hc *http.Client) *http.Client {
	cp := &http.Client{}
	if hc != nil {
		*cp = *hc
	}
	own := cp.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := checkRedirect(req, via); err != nil {
			return err
		}
		if own != nil {
			return own(req, via)
		}
		return nil
	}
	return cp
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	from := via[0].URL
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	to := req.URL
	if !strings.EqualFold(to.Scheme, from.Scheme) || !strings.EqualFold(to.Host, from.Host) {
		return &RedirectError{Status: status, Host: to.Hostname(), Scheme: to.Scheme}
	}
	if m := via[0].Method; m != http.MethodGet && m != http.MethodHead {
		return &RedirectError{Status: status, Host: to.Hostname(), Scheme: to.Scheme, Method: m}
	}
	if len(via) >= maxRedirects {
		return &RedirectError{Status: status, Host: to.Hostname(), Scheme: to.Scheme, TooMany: true}
	}
	return nil
}

// RedirectError reports a redirect the SDK refused to follow. It names the
// status and the target's scheme and host, never the path or query, and
// matches skyflow.ErrUnsafeRedirect.
type RedirectError struct {
	// Status is the redirect's HTTP status.
	Status int
	// Scheme and Host are the redirect's target.
	Scheme, Host string
	// TooMany says the same-origin redirects exceeded the limit.
	TooMany bool
	// Method, when set, is the method of a request whose redirect was
	// refused because following it would send the request again.
	Method string
}

// Error implements error.
func (e *RedirectError) Error() string {
	if e.TooMany {
		return "stopped after " + strconv.Itoa(maxRedirects) + " redirects"
	}
	if e.Method != "" {
		return "refused redirect (status " + strconv.Itoa(e.Status) + ") of a " + e.Method + " request: following it would send the request again"
	}
	return "refused redirect (status " + strconv.Itoa(e.Status) + ") to another origin: " + e.Scheme + "://" + e.Host
}

// Is makes a RedirectError match skyflow.ErrUnsafeRedirect.
func (e *RedirectError) Is(target error) bool { return target == skyflow.ErrUnsafeRedirect }

// Secure reports whether credentials may be sent to a URL with this scheme
// and host: https, or http on a loopback host (localhost, 127.0.0.0/8, ::1).
func Secure(scheme, hostname string) bool {
	switch strings.ToLower(scheme) {
	case "https":
		return true
	case "http":
		return IsLoopback(hostname)
	}
	return false
}

// IsLoopback reports whether a host name is a loopback host.
func IsLoopback(hostname string) bool {
	if strings.EqualFold(hostname, "localhost") {
		return true
	}
	ip := net.ParseIP(hostname)
	return ip != nil && ip.IsLoopback()
}
