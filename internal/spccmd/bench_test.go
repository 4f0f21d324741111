package spccmd

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// writeCSV writes an x,y CSV of rows rows (x = 1…rows, y normal around
// 100) into dir and returns its path.
func writeCSV(tb testing.TB, dir string, rows int) string {
	tb.Helper()
	path := filepath.Join(dir, fmt.Sprintf("i%d.csv", rows))
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	r := rand.New(rand.NewPCG(1, 2))
	fmt.Fprintln(w, "x,y")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(w, "%d,%.3f\n", i, 100+10*r.NormFloat64())
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkCLI1e6 runs "goeswell spc --chart i" on a 1,000,000-row CSV
// file, output discarded. Besides time and allocation it reports the
// largest heap in use during a run (peak-heap-MB, sampled by a
// goroutine), the memory the process holds from the OS afterwards (sys-MB)
// and the CPU time; for the process's peak RSS run the built binary under
// /usr/bin/time -v (see README).
func BenchmarkCLI1e6(b *testing.B) {
	path := writeCSV(b, b.TempDir(), 1000000)
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			default:
			}
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			runtime.Gosched()
		}
	}()
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if code := Main([]string{"--chart", "i", "-"}, f, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("exit %d", code)
		}
		f.Close()
	}
	close(stop)
	<-done
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MB")
}
