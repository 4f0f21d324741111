package spccmd

import (
	"bytes"
	"strings"
	"testing"
)

func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		in   string
		want string // a fragment of the one-line message
	}{
		{"missing column", []string{"--chart", "i"}, "x,z\n1,2\n", `row 1, column "y": missing column`},
		{"missing n is fine, missing facet is not", []string{"--chart", "i", "--facets", "ward"}, "x,y\n1,2\n", `column "ward": missing column`},
		{"not a number", []string{"--chart", "i"}, "x,y\n1,2\n2,two\n", `row 3, column "y": not a number`},
		{"bad denominator", []string{"--chart", "p"}, "x,y,n\n1,2,10\n2,3,ten\n", `row 3, column "n": not a number`},
		{"bad date", []string{"--chart", "run", "--x-type", "date"}, "x,y\n2024-01-01,2\n2024-13-01,3\n", `row 3, column "x": not a date`},
		{"non-positive t", []string{"--chart", "t"}, "x,y\n1,2\n2,0\n3,4\n", `row 3, column "y": time between events must be greater than zero`},
		{"unknown option", []string{"--colour", "red"}, "x,y\n1,2\n", "flag provided but not defined: -colour"},
		{"unknown chart", []string{"--chart", "z"}, "x,y\n1,2\n", `unknown chart "z"`},
		{"unknown rules", []string{"--rules", "westgard"}, "x,y\n1,2\n", `unknown rule set "westgard"`},
		{"bad part", []string{"--part", "a"}, "x,y\n1,2\n", `--part "a"`},
		{"mdc with NA", []string{"--rules", "mdc", "--chart", "i"}, "x,y\n1,2\n2,NA\n", `row 3, column "y": y contains missing values`},
		{"mdc needs XmR", []string{"--rules", "mdc", "--chart", "p"}, "x,y\n1,2\n", "needs --chart i"},
		{"unknown level", []string{"--chart", "u", "--x-levels", "A,B"}, "x,y,n\nA,1,2\nC,2,3\n", `row 3, column "x": not one of --x-levels`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(append(tt.args, "-"), strings.NewReader(tt.in), &out, &errb)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, errb.String())
			}
			msg := errb.String()
			if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, tt.want) {
				t.Errorf("stderr %q, want one line containing %q", msg, tt.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main([]string{"-h"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.HasPrefix(out.String(), "usage: goeswell spc") {
		t.Errorf("usage: %q", out.String())
	}
}

func TestFormats(t *testing.T) {
	in := "x,y\n2024-01-01,5\n2024-01-08,7\n2024-01-15,6\n2024-01-22,9\n2024-01-29,4\n"
	for _, f := range []string{"csv", "json", "svg"} {
		for _, rules := range []string{"anhoej", "ihi", "mdc"} {
			var out, errb bytes.Buffer
			code := Main([]string{"--chart", "i", "--rules", rules, "--format", f, "-"}, strings.NewReader(in), &out, &errb)
			if code != 0 {
				t.Fatalf("%s %s: exit %d: %s", f, rules, code, errb.String())
			}
			if f == "json" && !strings.Contains(out.String(), `"rules": "`+rules+`"`) {
				t.Errorf("%s json does not name the rule set", rules)
			}
			if f == "svg" && !strings.Contains(out.String(), "Rules: "+rules) {
				t.Errorf("%s svg does not show the rule set", rules)
			}
		}
	}
}
