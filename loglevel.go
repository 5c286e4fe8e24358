package skyflow

// LogLevel is a level of the SDK's own log filter, set with
// facade.WithLogLevel (and Client.SetLogLevel) or auth.WithLogLevel. The
// zero value means no level is set: without a logger the SDK then logs
// nothing, and with one the logger's handler decides.
type LogLevel string

// The log levels, from the most to the least verbose; LogLevelOff silences
// the SDK.
const (
	LogLevelDebug LogLevel = "DEBUG"
	LogLevelInfo  LogLevel = "INFO"
	LogLevelWarn  LogLevel = "WARN"
	LogLevelError LogLevel = "ERROR"
	LogLevelOff   LogLevel = "OFF"
)
