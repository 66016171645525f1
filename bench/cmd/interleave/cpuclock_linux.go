package main

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// processCPUTime returns the CPU time, user and system, that process pid
// has used so far, to the nanosecond: the process's CPU-time clock, as
// clock_getcpuclockid(3) names it. /proc/PID/stat counts in ticks of 10ms,
// too coarse for bursts of tens of milliseconds.
func processCPUTime(pid int) (time.Duration, error) {
	// The clock id of a process's scheduler-accounted CPU time: the
	// complement of its pid shifted left by 3, and CPUCLOCK_SCHED (2).
	clock := int32(^pid<<3 | 2)
	var ts unix.Timespec
	if err := unix.ClockGettime(clock, &ts); err != nil {
		return 0, fmt.Errorf("reading the CPU clock of process %d: %w", pid, err)
	}
	return time.Duration(ts.Nano()), nil
}
