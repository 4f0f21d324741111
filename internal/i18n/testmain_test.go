package i18n

import (
	"testing"

	"github.com/goeswell/goeswell/internal/testskip"
)

func TestMain(m *testing.M) { testskip.Main(m) }
