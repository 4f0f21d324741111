package framework

import (
	"bytes"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/frameworks"
)

// FuzzParse feeds Parse arbitrary documents in both formats. Parse must not
// panic, must return either a framework or an error, and whatever it
// accepts must survive an export and a second parse unchanged.
func FuzzParse(f *testing.F) {
	f.Add([]byte(validYAML), false)
	f.Add([]byte(validJSON), true)
	f.Add([]byte("key: &k demo\nname: *k\n"), false)
	f.Add([]byte("{\"key\": \"x\", \"nodes\": [[[[{}]]]]}"), true)
	f.Add([]byte("- a\n- b\n"), false)
	f.Add([]byte(""), true)
	files, _ := fs.Glob(frameworks.FS, "*.yaml")
	for _, name := range files {
		b, err := fs.ReadFile(frameworks.FS, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
		fw, err := Parse(bytes.NewReader(b), "yaml")
		if err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		if err := Export(&buf, fw, "json"); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes(), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		format := "yaml"
		if isJSON {
			format = "json"
		}
		fw, err := Parse(bytes.NewReader(data), format)
		if (fw == nil) == (err == nil) {
			t.Fatalf("Parse returned %v and %v", fw, err)
		}
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for _, out := range []string{"yaml", "json"} {
			var buf bytes.Buffer
			if err := Export(&buf, fw, out); err != nil {
				t.Fatalf("export %s: %v", out, err)
			}
			again, err := Parse(&buf, out)
			if err != nil {
				t.Fatalf("parse exported %s: %v", out, err)
			}
			if !reflect.DeepEqual(again, fw) {
				t.Fatalf("%s round trip changed the framework", out)
			}
		}
	})
}
