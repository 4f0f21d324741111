package framework

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// validYAML is a small framework that tests change one line at a time.
const validYAML = `key: demo
name: Demo
levels:
  - name: Principle
    kinds: [principle]
  - name: Action
    kinds: [action, idea]
nodes:
  - code: "1"
    kind: principle
    title: Start with people
    source: seed
    children:
      - code: "1.1"
        kind: action
        title: Ask them
        attachments:
          - kind: example
            title: A town that asked
            url: https://example.org/town
      - code: "1.2"
        kind: idea
        title: Listen
  - code: "2"
    kind: principle
    title: Build on what works
`

// validJSON is validYAML in JSON, laid out one field a line.
const validJSON = `{
  "key": "demo",
  "name": "Demo",
  "levels": [
    {"name": "Principle", "kinds": ["principle"]},
    {"name": "Action", "kinds": ["action", "idea"]}
  ],
  "nodes": [
    {
      "code": "1",
      "kind": "principle",
      "title": "Start with people",
      "source": "seed",
      "children": [
        {
          "code": "1.1",
          "kind": "action",
          "title": "Ask them",
          "attachments": [
            {"kind": "example", "title": "A town that asked", "url": "https://example.org/town"}
          ]
        },
        {"code": "1.2", "kind": "idea", "title": "Listen"}
      ]
    },
    {"code": "2", "kind": "principle", "title": "Build on what works"}
  ]
}
`

func TestParseValid(t *testing.T) {
	fy, err := Parse(strings.NewReader(validYAML), "yaml")
	if err != nil {
		t.Fatalf("yaml: %v", err)
	}
	fj, err := Parse(strings.NewReader(validJSON), "JSON")
	if err != nil {
		t.Fatalf("json: %v", err)
	}
	if !reflect.DeepEqual(fy, fj) {
		t.Errorf("yaml and json differ:\n%+v\n%+v", fy, fj)
	}
	if got := fy.Node("1.1"); got == nil || got.Attachments[0].Title != "A town that asked" {
		t.Errorf("Node(1.1) = %+v", got)
	}
}

// replaceLine returns doc with its 1-based line n replaced by repl, which
// may hold several lines or none.
func replaceLine(t *testing.T, doc string, n int, repl string) string {
	t.Helper()
	lines := strings.Split(doc, "\n")
	if n < 1 || n > len(lines) {
		t.Fatalf("no line %d", n)
	}
	var out []string
	out = append(out, lines[:n-1]...)
	if repl != "" {
		out = append(out, strings.Split(repl, "\n")...)
	}
	out = append(out, lines[n:]...)
	return strings.Join(out, "\n")
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		format string
		doc    string
		want   []string // the messages, each with its line
	}{
		{"yaml missing title", "yaml", replaceLine(t, validYAML, 16, ""),
			[]string{`line 14: node "1.1" has no title`}},
		{"yaml blank title", "yaml", replaceLine(t, validYAML, 23, `        title: "  "`),
			[]string{`line 21: node "1.2" has no title`}},
		{"yaml code not under parent", "yaml", replaceLine(t, validYAML, 21, `      - code: "2.2"`),
			[]string{`line 21: node "2.2" is under "1", so its code must start with "1."`}},
		{"yaml code skips a level", "yaml", replaceLine(t, validYAML, 21, `      - code: "1.2.1"`),
			[]string{`line 21: node "1.2.1" must add exactly one part to its parent's code "1"`}},
		{"yaml duplicate code", "yaml", replaceLine(t, validYAML, 24, `  - code: "1"`),
			[]string{`line 24: node "1" repeats the code of the node on line 9`}},
		{"yaml top-level code with dots", "yaml", replaceLine(t, validYAML, 24, `  - code: "2.1"`),
			[]string{`line 24: top-level node "2.1" must have a one-part code such as "2"`}},
		{"yaml malformed code", "yaml", replaceLine(t, validYAML, 24, `  - code: "2 b"`),
			[]string{`line 24: node "2 b" has a malformed code: want letters and digits joined by dots, such as 1.4.1`}},
		{"yaml missing code", "yaml", replaceLine(t, validYAML, 24, `  - source: seed`),
			[]string{`line 24: node titled "Build on what works" has no code`}},
		{"yaml wrong kind for level", "yaml", replaceLine(t, validYAML, 15, `        kind: principle`),
			[]string{`line 14: node "1.1" has kind "principle" but level 2 (Action) allows action, idea`}},
		{"yaml too deep", "yaml", replaceLine(t, validYAML, 23, "        title: Listen\n        children:\n          - {code: \"1.2.1\", kind: action, title: Deep}"),
			[]string{`line 25: node "1.2.1" is at depth 3 but the framework has only 2 levels`}},
		{"yaml unknown attachment kind", "yaml", replaceLine(t, validYAML, 18, `          - kind: video`),
			[]string{`line 18: attachment 1 of node "1.1" has unknown kind "video" (want example, toolkit, playbook, tool)`}},
		{"yaml bad url", "yaml", replaceLine(t, validYAML, 20, `            url: town.html`),
			[]string{`line 18: attachment 1 of node "1.1" has URL "town.html"; want an absolute http or https URL`}},
		{"yaml unknown source", "yaml", replaceLine(t, validYAML, 12, `    source: wikipedia`),
			[]string{`line 9: node "1" has unknown source "wikipedia" (want "seed" or "goeswell")`}},
		{"yaml unknown field", "yaml", replaceLine(t, validYAML, 12, `    titel: oops`),
			[]string{`line 12: node has unknown field "titel"`}},
		{"yaml repeated field", "yaml", replaceLine(t, validYAML, 12, `    title: again`),
			[]string{`line 12: node repeats field "title" (first on line 11)`}},
		{"yaml title not a string", "yaml", replaceLine(t, validYAML, 11, `    title: [a, b]`),
			[]string{`line 9: node "1" has no title`, `line 11: node title must be a string, not a list`}},
		{"yaml node not a mapping", "yaml", strings.Replace(validYAML, "  - code: \"2\"\n    kind: principle\n    title: Build on what works\n", "  - just a string\n", 1),
			[]string{`line 24: node must be a mapping, not a scalar`}},
		{"yaml several problems", "yaml", replaceLine(t, replaceLine(t, validYAML, 23, `        title: ""`), 16, `        title: ""`),
			[]string{`line 14: node "1.1" has no title`, `line 21: node "1.2" has no title`}},
		{"yaml no key", "yaml", replaceLine(t, validYAML, 1, ""),
			[]string{`line 1: framework has no key`}},
		{"yaml bad key", "yaml", replaceLine(t, validYAML, 1, `key: Demo Framework`),
			[]string{`line 1: framework key "Demo Framework" must be lower-case letters and digits joined by dashes`}},
		{"yaml kind on two levels", "yaml", replaceLine(t, validYAML, 7, `    kinds: [action, principle]`),
			[]string{`line 6: kind "principle" is on both level 1 and level 2`, `line 21: node "1.2" has kind "idea" but level 2 (Action) allows action, principle`}},
		{"yaml tab indentation", "yaml", replaceLine(t, validYAML, 4, "\t- name: Principle"),
			[]string{`line 4: found character that cannot start any token`}},
		{"yaml bad indentation", "yaml", replaceLine(t, validYAML, 2, `  name: Demo`),
			[]string{`line 2: mapping values are not allowed in this context`}},
		{"yaml alias", "yaml", "key: &k demo\nname: *k\n",
			[]string{`line 2, column 7: aliases are not supported`}},
		{"yaml two documents", "yaml", validYAML + "---\nkey: other\n",
			[]string{`line 27: more than one document`}},
		{"yaml not a mapping", "yaml", "- a\n- b\n",
			[]string{`line 1: framework must be a mapping, not a list`}},
		{"yaml empty", "yaml", "\n# nothing\n",
			[]string{`empty document`}},

		{"json missing title", "json", replaceLine(t, validJSON, 23, `        {"code": "1.2", "kind": "idea"}`),
			[]string{`line 23: node "1.2" has no title`}},
		{"json code not under parent", "json", replaceLine(t, validJSON, 16, `          "code": "3.1",`),
			[]string{`line 15: node "3.1" is under "1", so its code must start with "1."`}},
		{"json duplicate code", "json", replaceLine(t, validJSON, 26, `    {"code": "1", "kind": "principle", "title": "Build on what works"}`),
			[]string{`line 26: node "1" repeats the code of the node on line 9`}},
		{"json unknown attachment kind", "json", replaceLine(t, validJSON, 20, `            {"kind": "film", "title": "A town that asked"}`),
			[]string{`line 20: attachment 1 of node "1.1" has unknown kind "film" (want example, toolkit, playbook, tool)`}},
		{"json unknown field", "json", replaceLine(t, validJSON, 3, `  "nmae": "Demo",`),
			[]string{`line 1: framework has no name`, `line 3: framework has unknown field "nmae"`}},
		{"json wrong type", "json", replaceLine(t, validJSON, 13, `      "source": {"seed": "003"},`),
			[]string{`line 13: node source must be a string, not a mapping`}},
		{"json syntax", "json", replaceLine(t, validJSON, 12, `      "title": "Start with people"`),
			[]string{`line 13, column 7: invalid character '"' after object key:value pair`}},
		{"json truncated", "json", validJSON[:40],
			[]string{`line 4, column 4: unexpected end of JSON input`}},
		{"json trailing data", "json", validJSON + "{}",
			[]string{`line 29, column 1: unexpected data after the top-level value`}},
		{"json not an object", "json", "\n  [1, 2]",
			[]string{`line 2: framework must be a mapping, not a list`}},
		{"json empty", "json", "  ",
			[]string{`empty document`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tt.doc), tt.format)
			if err == nil {
				t.Fatalf("no error; parsed %+v", f)
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %T is not an ErrorList: %v", err, err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Error())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors:\n got %q\nwant %q", got, tt.want)
			}
			var one *Error
			if !errors.As(err, &one) || one != list[0] {
				t.Errorf("errors.As does not find the first *Error")
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for _, format := range []string{"yml", " YAML "} {
		if _, err := Parse(strings.NewReader(validYAML), format); err != nil {
			t.Errorf("format %q: %v", format, err)
		}
	}
	if _, err := Parse(strings.NewReader(validYAML), "toml"); err == nil || !strings.Contains(err.Error(), `unknown framework format "toml"`) {
		t.Errorf("format toml: got %v", err)
	}
	for name, want := range map[string]string{"a.yaml": "yaml", "B.YML": "yaml", "c.json": "json", "d.txt": ""} {
		got, err := FormatForFile(name)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("FormatForFile(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestValidate(t *testing.T) {
	f, err := Parse(strings.NewReader(validYAML), "yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(f); err != nil {
		t.Fatalf("valid framework: %v", err)
	}
	f.Nodes[0].Children[1].Title = ""
	f.Nodes = append(f.Nodes, nil)
	err = Validate(f)
	want := "node \"1.2\" has no title\nframework has an empty top-level node"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if err := Validate(nil); err == nil {
		t.Error("Validate(nil) passed")
	}
}

func TestRoundTrip(t *testing.T) {
	fws, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	demo, err := Parse(strings.NewReader(validYAML), "yaml")
	if err != nil {
		t.Fatal(err)
	}
	fws = append(fws, demo)
	for _, f := range fws {
		for _, format := range []string{"yaml", "json"} {
			t.Run(f.Key+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Export(&buf, f, format); err != nil {
					t.Fatal(err)
				}
				got, err := Parse(bytes.NewReader(buf.Bytes()), format)
				if err != nil {
					t.Fatalf("parse the export: %v\n%s", err, buf.String())
				}
				if !reflect.DeepEqual(got, f) {
					t.Errorf("round trip changed the framework")
				}
			})
		}
	}
}

func TestExportInvalid(t *testing.T) {
	f := &Framework{Key: "x", Name: "X"}
	err := Export(&bytes.Buffer{}, f, "json")
	if err == nil || !strings.Contains(err.Error(), "framework has no levels") {
		t.Errorf("got %v", err)
	}
	if err := Export(&bytes.Buffer{}, f, "xml"); err == nil {
		t.Error("export as xml passed")
	}
}
