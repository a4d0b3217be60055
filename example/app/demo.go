package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// DemoLimits are the attempt limits of the offline example: room to try SMS, voice and email
// one after the other, and to get codes wrong on purpose, without meeting the production
// limits (mfahandler.DefaultLimits, 3 codes in 10 minutes per user). They are for a demo on
// an emulated tenant only; a real app keeps the defaults.
func DemoLimits() mfahandler.Limits {
	l := mfahandler.DefaultLimits()
	l.Sends = limiter.Rule{Name: l.Sends.Name, Burst: 30, Refill: 10 * time.Second}
	l.SendsDaily = limiter.Rule{Name: l.SendsDaily.Name, Burst: 200, Refill: 10 * time.Second}
	l.DestinationSends = limiter.Rule{Name: l.DestinationSends.Name, Burst: 30, Refill: 10 * time.Second}
	l.Enrollments = limiter.Rule{Name: l.Enrollments.Name, Burst: 50, Refill: 10 * time.Second}
	l.Codes = limiter.Rule{Name: l.Codes.Name, Burst: 30, Refill: 10 * time.Second}
	return l
}

// demoLimitsText is DemoLimits for the banner.
const demoLimitsText = "30 codes sent and 30 wrong codes at once, one more every 10 s"

// emulatorLogger is where the embedded emulator logs: its warnings and errors only, unless
// Config.Verbose asks for a line per request.
func emulatorLogger(cfg Config) *slog.Logger {
	l := cfg.Logger.With("component", "auth0emu")
	if cfg.Verbose {
		return l
	}
	return slog.New(minLevel{l.Handler(), slog.LevelWarn})
}

// minLevel drops records below level.
type minLevel struct {
	slog.Handler
	level slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.level && m.Handler.Enabled(ctx, l)
}

func (m minLevel) WithAttrs(a []slog.Attr) slog.Handler {
	return minLevel{m.Handler.WithAttrs(a), m.level}
}
func (m minLevel) WithGroup(n string) slog.Handler { return minLevel{m.Handler.WithGroup(n), m.level} }
