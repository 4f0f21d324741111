package mail

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/mail/smtptest"
)

func TestSend(t *testing.T) {
	srv := smtptest.Start(t)
	s := New(Config{Addr: srv.Addr, From: "goeswell@example.org"})
	err := s.Send(context.Background(), Message{To: "ana@example.org", Subject: "Your invitation to the Wellbeing Collaborative — ¡bienvenida!", Body: "Hello Ana,\n.\nA line with a dot alone above.\n"})
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Wait(1, 5*time.Second)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	if m.From != "goeswell@example.org" || len(m.To) != 1 || m.To[0] != "ana@example.org" {
		t.Errorf("envelope %+v", m)
	}
	for _, want := range []string{"To: ana@example.org", "Subject: =?utf-8?q?", "Content-Type: text/plain; charset=utf-8", "Hello Ana,\n.\nA line with a dot alone above."} {
		if !strings.Contains(m.Data, want) {
			t.Errorf("message lacks %q:\n%s", want, m.Data)
		}
	}
	if err := s.Send(context.Background(), Message{To: "x@example.org\r\nBcc: evil@example.org", Subject: "s"}); err == nil {
		t.Error("a header with a line break was sent")
	}
	if New(Config{}).Enabled() {
		t.Error("an empty config is enabled")
	}
}
