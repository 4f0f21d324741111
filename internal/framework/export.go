package framework

import (
	"encoding/json"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// Export writes f in the given format ("yaml" or "json"). It validates f
// first, so that everything Export writes, Parse reads back.
func Export(w io.Writer, f *Framework, format string) error {
	format, err := normalFormat(format)
	if err != nil {
		return err
	}
	if err := Validate(f); err != nil {
		return fmt.Errorf("export framework: %w", err)
	}
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		// Bodies hold prose with & and <; keep them readable.
		enc.SetEscapeHTML(false)
		if err := enc.Encode(f); err != nil {
			return fmt.Errorf("export framework %q as json: %w", f.Key, err)
		}
	default:
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(f); err != nil {
			return fmt.Errorf("export framework %q as yaml: %w", f.Key, err)
		}
		if err := enc.Close(); err != nil {
			return fmt.Errorf("export framework %q as yaml: %w", f.Key, err)
		}
	}
	return nil
}
