package i18n

import "testing"

func TestCatalog(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if !c.Has("login.title") {
		t.Fatal("English catalog lacks login.title")
	}
	if got := c.Printer("en").Sprintf("overview.month_of", 3, 18); got != "Month 3 of 18" {
		t.Errorf("Sprintf = %q", got)
	}
	tests := []struct{ setting, accept, want string }{
		{"", "", "en"},
		{"en", "es;q=0.9", "en"},
		{"", "hmn, es;q=0.8", "en"}, // no Hmong or Spanish catalog yet: English
		{"xx-invalid", "", "en"},
	}
	for _, tt := range tests {
		if got := c.Match(tt.setting, tt.accept); got != tt.want {
			t.Errorf("Match(%q, %q) = %q, want %q", tt.setting, tt.accept, got, tt.want)
		}
	}
}
