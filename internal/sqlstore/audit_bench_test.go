package sqlstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// BenchmarkAuditedWrites makes audited writes from 32 goroutines at once,
// as the replicas do at the monthly deadline. Until the audit chain was
// sealed afterwards, every audited write on PostgreSQL held one advisory
// lock from its audit row to its commit, so they ran one at a time
// whatever the pool size. The sealing sub-benchmarks run the background
// sealer beside the writers, as serve does (every 100ms here, to make it
// work harder than in serve). SQLite has one writer either way.
//
//	GOESWELL_TEST_POSTGRES=… go test ./internal/sqlstore -run XXX -bench AuditedWrites -benchtime 3s
func BenchmarkAuditedWrites(b *testing.B) {
	for _, st := range []struct {
		name string
		open func(testing.TB) *sqlstore.DB
	}{{"sqlite", sqltest.SQLite}, {"postgres", sqltest.Postgres}} {
		for _, sealing := range []bool{false, true} {
			name := st.name
			if sealing {
				name += "/sealing"
			}
			b.Run(name, func(b *testing.B) {
				db := st.open(b)
				if sealing {
					sctx, stop := context.WithCancel(ctx)
					done := make(chan struct{})
					go func() { defer close(done); db.RunAuditSealer(sctx, 100*time.Millisecond, nil) }()
					defer func() { stop(); <-done }()
				}
				benchmarkAuditedWrites(b, db)
			})
		}
	}
}

func benchmarkAuditedWrites(b *testing.B, db *sqlstore.DB) {
	var n atomic.Int64
	b.SetParallelism(16) // × GOMAXPROCS goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if err := db.Audit(ctx, collab.Who{RemoteAddr: "bench"}, 0, "bench.write", fmt.Sprint("item:", i), "{}"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
