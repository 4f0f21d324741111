package spc

import (
	"testing"

	"github.com/goeswell/goeswell/internal/testskip"
)

// TestMain reports, at the end of the run, each family of tests that
// skipped for want of something outside the repository (testskip).
func TestMain(m *testing.M) { testskip.Main(m) }
