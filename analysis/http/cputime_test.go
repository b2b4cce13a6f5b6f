//go:build !js && !wasip1 && !windows && !plan9

package http_test

import "syscall"

// cpuSeconds is the process's user and system CPU time so far, so that
// benchmarks can report throughput per CPU-second on a shared machine.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
