package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/goeswell/goeswell/internal/sqlstore/sqltest" // cheap password hashing in tests
)

func runCmd(t *testing.T, stdin string, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func exitCode(err error) int {
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return int(ee)
	}
	return 1
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "g.db")
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		stdin  string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{"no command", nil, nil, "", 2, "", "Usage:"},
		{"help", []string{"help"}, nil, "", 0, "goeswell demo", ""},
		{"version", []string{"version"}, nil, "", 0, "goeswell", ""},
		{"unknown", []string{"frobnicate"}, nil, "", 2, "", `unknown command "frobnicate"`},
		{"serve -h", []string{"serve", "-h"}, nil, "", 0, "-db", ""},
		{"demo -h", []string{"demo", "-h"}, nil, "", 0, "-reset", ""},
		{"migrate -h", []string{"migrate", "-h"}, nil, "", 0, "-db", ""},
		{"backup -h", []string{"backup", "-h"}, nil, "", 0, "-to", ""},
		{"admin -h", []string{"admin", "-h"}, nil, "", 0, "admin create", ""},
		{"admin create -h", []string{"admin", "create", "-h"}, nil, "", 0, "-password-stdin", ""},
		{"bad flag", []string{"serve", "--nope"}, nil, "", 2, "", "flag provided but not defined: -nope"},
		{"bad log format", []string{"serve", "--db", db, "--log-format", "xml"}, nil, "", 2, "", `--log-format "xml"`},
		{"bad dsn", []string{"migrate", "--db", "mysql://x"}, nil, "", 1, "", ""},
		{"serve before migrate", []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, nil, "", 1, "", ""},
		{"migrate", []string{"migrate"}, map[string]string{"GOESWELL_DB": db}, "", 0, "schema is at version", ""},
		{"admin bad email", []string{"admin", "create", "--db", db, "--email", "nope", "--name", "A"}, nil, "", 2, "", "--email: email"},
		{"admin short password", []string{"admin", "create", "--db", db, "--email", "a@example.org", "--name", "A", "--password-stdin"}, nil, "short\n", 2, "", "at least 10"},
		{"admin", []string{"admin", "create", "--db", db, "--email", "A@Example.org", "--name", "Ada"}, nil, "", 0, "password: ", ""},
		{"admin twice", []string{"admin", "create", "--db", db, "--email", "a@example.org", "--name", "Ada"}, nil, "", 2, "", "already exists"},
		{"backup needs --to", []string{"backup", "--db", db}, nil, "", 2, "", "--to FILE is required"},
		{"backup", []string{"backup", "--db", db, "--to", filepath.Join(dir, "copy.db")}, nil, "", 0, "backed up to", ""},
		{"backup postgres", []string{"backup", "--db", "postgres://127.0.0.1:1/none?connect_timeout=1", "--to", "x"}, nil, "", 2, "", "use pg_dump"},
		{"audit verify", []string{"audit", "verify", "--db", db}, nil, "", 0, "audit log intact", ""},
		{"audit bad", []string{"audit", "check"}, nil, "", 2, "", "audit verify"},
		{"spc unknown chart", []string{"spc", "--chart", "nope", "x.csv"}, nil, "", 2, "", `unknown chart "nope"`},
		{"spc bad number", []string{"spc", "--chart", "i", "-"}, nil, "x,y\n1,a\n", 2, "", `row 2, column "y"`},
		{"spc", []string{"spc", "--chart", "run", "-"}, nil, "x,y\n1,3\n2,5\n3,4\n4,6\n5,5\n", 0, "facet1,facet2,part,xx,x,y,n,cl", ""},
		{"oidc without client", []string{"serve", "--db", db, "--oidc-issuer", "https://id.example.org"}, nil, "", 2, "", "--oidc-client-id"},
		{"stray argument", []string{"migrate", "--db", db, "extra"}, nil, "", 2, "", `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := runCmd(t, tt.stdin, tt.env, tt.args...)
			if got := exitCode(err); got != tt.code {
				t.Fatalf("exit %d (%v), want %d\nstdout: %s\nstderr: %s", got, err, tt.code, out, errOut)
			}
			if !strings.Contains(out, tt.stdout) {
				t.Errorf("stdout %q lacks %q", out, tt.stdout)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.stderr)
			}
			// Help is printed once, and only when asked for.
			if n := strings.Count(out, "Usage:"); n > 1 || (n == 1 && tt.code != 0) {
				t.Errorf("stdout holds %d usages (exit %d):\n%s", n, tt.code, out)
			}
		})
	}
}
