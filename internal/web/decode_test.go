package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"reflect"
	"testing"
)

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

// FuzzDecode holds decode to its promise for any body: it never panics;
// it accepts only one valid JSON object with no duplicate key, no unknown
// field and nothing after it, and refuses everything else as a bad
// request; and checkDuplicateKeys finds a key written twice wherever it is
// (the body with one of its keys repeated in front must be refused).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"name":"x"}`, `{"name":"a","name":"b"}`, `{"a":[{"b":{}}]}`, `[`, `{"name":"x"} 1`, ``,
		`{"name":"x","items":[{"x":1},{"x":2}]}`, `{"items":[{"x":1,"x":2}]}`, `{"other":1}`, `{"name":"\u0078"}`, `null`, ` [1]`} {
		f.Add([]byte(s))
	}
	type item struct {
		X int `json:"x"`
	}
	type body struct {
		Name  string `json:"name"`
		Items []item `json:"items"`
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(b))
		v, err := decode[body](r)
		if err != nil {
			if !errors.Is(err, errBadRequest) {
				t.Fatalf("decode(%q): %v, not a bad request", b, err)
			}
		} else {
			// Accepted: one valid object, no duplicates, nothing after it,
			// and it means what it says (re-encoded, it decodes the same).
			if !json.Valid(b) || checkDuplicateKeys(b) != nil {
				t.Fatalf("decode accepted %q", b)
			}
			if tb := bytes.TrimSpace(b); len(tb) == 0 || tb[0] != '{' {
				t.Fatalf("decode accepted a non-object %q", b)
			}
			again, _ := json.Marshal(v)
			v2, err := decode[body](httptest.NewRequest("POST", "/", bytes.NewReader(again)))
			if err != nil || !reflect.DeepEqual(v, v2) {
				t.Fatalf("decode(%q) = %+v; re-encoded %s decodes to %+v, %v", b, v, again, v2, err)
			}
		}
		// Repeating any key of a valid object must be caught.
		var obj map[string]json.RawMessage
		if json.Unmarshal(b, &obj) == nil && len(obj) > 0 {
			for k := range obj {
				kj, _ := json.Marshal(k)
				tb := bytes.TrimSpace(b)
				dup := append(append(append([]byte("{"), kj...), []byte(":null,")...), tb[1:]...)
				if checkDuplicateKeys(dup) == nil {
					t.Fatalf("checkDuplicateKeys missed key %s written twice in %q", kj, dup)
				}
				if _, err := decode[body](httptest.NewRequest("POST", "/", bytes.NewReader(dup))); err == nil {
					t.Fatalf("decode accepted %q, which writes %s twice", dup, kj)
				}
				break
			}
		}
	})
}
