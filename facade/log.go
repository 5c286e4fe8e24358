package facade

import (
	"log/slog"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/internal/logging"
)

// SetLogLevel changes the client's log level at runtime (see
// WithLogLevel); skyflow.LogLevelOff silences the client, "" removes the
// level.
func (c *Client) SetLogLevel(level skyflow.LogLevel) error {
	if err := logging.Check(level); err != nil {
		return err
	}
	c.logs.SetLevel(level)
	return nil
}

// LogLevel returns the client's log level ("" when none is set).
func (c *Client) LogLevel() skyflow.LogLevel { return c.logs.Level() }

// log returns the client's logger (used by the transport for retry lines).
func (c *Client) log() *slog.Logger { return c.logger }
