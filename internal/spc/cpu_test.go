package spc

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the user and system CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuMetric reports the CPU time per operation from start (a cpuTime
// reading before the loop) as cpu-ms/op. On a shared machine the wall
// time counts the time other processes held the core; the CPU time does
// not, so the two together tell load from slowness.
func cpuMetric(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
