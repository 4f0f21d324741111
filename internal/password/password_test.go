package password

import "testing"

func TestHashCheck(t *testing.T) {
	p := Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32}
	h, err := Hash("correct horse battery", p)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := Hash("correct horse battery", p)
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
	tests := []struct {
		pw, hash string
		ok       bool
	}{
		{"correct horse battery", h, true},
		{"correct horse batterY", h, false},
		{"", h, false},
		{"correct horse battery", "", false},
		{"correct horse battery", "$argon2i$v=19$m=1024,t=1,p=1$AAAA$AAAA", false},
		{"correct horse battery", h[:len(h)-4], false},
	}
	for _, tt := range tests {
		if err := Check(tt.pw, tt.hash); (err == nil) != tt.ok {
			t.Errorf("Check(%q, %q) = %v, want ok=%v", tt.pw, tt.hash, err, tt.ok)
		}
	}
	if CheckDummy("x") == nil {
		t.Error("CheckDummy succeeded")
	}
}
