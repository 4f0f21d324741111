package framework

import (
	"fmt"
	"io/fs"
	"path"
	"slices"

	"github.com/goeswell/goeswell/frameworks"
)

// Builtin parses the frameworks shipped in package frameworks, in file
// name order. Each call returns fresh values, so callers may change them
// without affecting one another.
func Builtin() ([]*Framework, error) {
	return loadDir(frameworks.FS, ".")
}

// loadDir parses every YAML and JSON file in dir of fsys.
func loadDir(fsys fs.FS, dir string) ([]*Framework, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("list built-in frameworks: %w", err)
	}
	var out []*Framework
	keys := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		format, err := FormatForFile(e.Name())
		if err != nil {
			continue // README.md and the like
		}
		file, err := fsys.Open(path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("open built-in framework: %w", err)
		}
		f, err := Parse(file, format)
		file.Close()
		if err != nil {
			return nil, fmt.Errorf("built-in framework %s: %w", e.Name(), err)
		}
		if prev, dup := keys[f.Key]; dup {
			return nil, fmt.Errorf("built-in frameworks %s and %s share the key %q", prev, e.Name(), f.Key)
		}
		keys[f.Key] = e.Name()
		out = append(out, f)
	}
	return out, nil
}

// Lookup returns the framework with the given key, or nil.
func Lookup(fws []*Framework, key string) *Framework {
	i := slices.IndexFunc(fws, func(f *Framework) bool { return f.Key == key })
	if i < 0 {
		return nil
	}
	return fws[i]
}
