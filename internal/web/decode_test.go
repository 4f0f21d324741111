package web

import "testing"

func TestCheckDuplicateKeys(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{`{}`, true},
		{`{"a":1,"b":2}`, true},
		{`{"a":1,"a":2}`, false},
		{`{"a":{"b":1,"b":2}}`, false},
		{`{"a":{"b":1},"b":{"b":1}}`, true},
		{`{"a":[{"x":1},{"x":2}]}`, true},
		{`{"a":[{"x":1,"x":2}]}`, false},
		{`[{"k":1},{"k":1}]`, true},
		{`{"a":"a","b":"a"}`, true},
		{`{"a":[1,2],"a":3}`, false},
	}
	for _, tt := range tests {
		if err := checkDuplicateKeys([]byte(tt.in)); (err == nil) != tt.ok {
			t.Errorf("checkDuplicateKeys(%s) = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}

// FuzzDecode: any body either decodes or is refused; never a panic.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"name":"x"}`, `{"name":"a","name":"b"}`, `{"a":[{"b":{}}]}`, `[`, `{"name":"x"} 1`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = checkDuplicateKeys(b)
	})
}
