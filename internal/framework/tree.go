package framework

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// value is a format-neutral document tree that remembers where each value
// starts. Both YAML and JSON are decoded into it first, so that one
// conversion step can report unknown fields and wrong types by line for
// either format.
type value struct {
	kind   valueKind
	line   int
	col    int
	scalar string   // kindScalar
	fields []field  // kindMap, in document order
	items  []*value // kindSeq
}

type valueKind int

const (
	kindNull valueKind = iota
	kindScalar
	kindMap
	kindSeq
)

func (k valueKind) String() string {
	switch k {
	case kindScalar:
		return "a scalar"
	case kindMap:
		return "a mapping"
	case kindSeq:
		return "a list"
	}
	return "null"
}

type field struct {
	name string
	line int
	col  int
	val  *value
}

// maxNesting bounds the depth of documents we accept. Real frameworks are a
// handful of levels deep; the bound keeps recursion cheap on hostile input.
const maxNesting = 100

// maxInput bounds the size of documents Parse reads.
const maxInput = 16 << 20

// yamlLineRE finds the "line N:" that yaml.v3 puts into its messages.
var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// decodeYAML reads a YAML document into a value tree.
func decodeYAML(data []byte) (*value, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{Msg: "empty document"}
		}
		return nil, yamlError(err)
	}
	// A second document would be silently ignored; say so instead.
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{Line: extra.Line, Msg: "more than one document"}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(err)
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, &Error{Msg: "empty document"}
		}
		return fromYAML(doc.Content[0], 0)
	}
	return fromYAML(&doc, 0)
}

// yamlError turns a yaml.v3 error into an *Error carrying its line.
func yamlError(err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = "yaml: " + te.Errors[0]
	}
	e := &Error{Msg: msg}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		e.Msg = msg[len(m[0]):]
		if m[1] != "" {
			e.Line, _ = strconv.Atoi(m[1])
		}
	}
	return e
}

func fromYAML(n *yaml.Node, depth int) (*value, error) {
	if depth > maxNesting {
		return nil, &Error{Line: n.Line, Col: n.Column, Msg: "document nested too deeply"}
	}
	v := &value{line: n.Line, col: n.Column}
	switch n.Kind {
	case yaml.AliasNode:
		// Aliases let a small document expand enormously; frameworks have
		// no use for them.
		return nil, &Error{Line: n.Line, Col: n.Column, Msg: "aliases are not supported"}
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			v.kind = kindNull
			return v, nil
		}
		v.kind = kindScalar
		v.scalar = n.Value
	case yaml.SequenceNode:
		v.kind = kindSeq
		for _, c := range n.Content {
			cv, err := fromYAML(c, depth+1)
			if err != nil {
				return nil, err
			}
			v.items = append(v.items, cv)
		}
	case yaml.MappingNode:
		v.kind = kindMap
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, &Error{Line: k.Line, Col: k.Column, Msg: "mapping key must be a string"}
			}
			if k.Value == "<<" && k.Tag == "!!merge" {
				return nil, &Error{Line: k.Line, Col: k.Column, Msg: "merge keys are not supported"}
			}
			cv, err := fromYAML(val, depth+1)
			if err != nil {
				return nil, err
			}
			v.fields = append(v.fields, field{name: k.Value, line: k.Line, col: k.Column, val: cv})
		}
	default:
		return nil, &Error{Line: n.Line, Col: n.Column, Msg: "unexpected YAML node"}
	}
	return v, nil
}

// lineIndex maps byte offsets to lines and columns.
type lineIndex []int // offsets at which lines start

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, b := range data {
		if b == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

// pos returns the 1-based line and column of offset off.
func (idx lineIndex) pos(off int) (line, col int) {
	i := sort.Search(len(idx), func(i int) bool { return idx[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, off - idx[i] + 1
}

// jsonDecoder wraps encoding/json's token stream with positions.
type jsonDecoder struct {
	data []byte
	dec  *json.Decoder
	idx  lineIndex
}

// decodeJSON reads a JSON document into a value tree.
func decodeJSON(data []byte) (*value, error) {
	d := &jsonDecoder{data: data, dec: json.NewDecoder(bytes.NewReader(data)), idx: newLineIndex(data)}
	d.dec.UseNumber()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	line, col := d.next()
	if _, err := d.dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, d.wrap(err)
		}
		return nil, &Error{Line: line, Col: col, Msg: "unexpected data after the top-level value"}
	}
	return v, nil
}

// next returns the position of the next token: InputOffset points just
// past the previous one, before any white space or separator.
func (d *jsonDecoder) next() (line, col int) {
	off := int(d.dec.InputOffset())
	for off < len(d.data) {
		switch d.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return d.idx.pos(off)
}

// wrap gives a JSON decoding error a position.
func (d *jsonDecoder) wrap(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the bytes read before the offending one; at the
		// end of the input, point just past the last byte.
		off := int(se.Offset)
		if strings.Contains(se.Error(), "unexpected end") {
			off = len(d.data)
		}
		line, col := d.idx.pos(off)
		return &Error{Line: line, Col: col, Msg: se.Error()}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := d.idx.pos(len(d.data))
		if len(d.data) == 0 {
			return &Error{Msg: "empty document"}
		}
		return &Error{Line: line, Col: col, Msg: "unexpected end of JSON input"}
	}
	line, col := d.next()
	return &Error{Line: line, Col: col, Msg: err.Error()}
}

func (d *jsonDecoder) value(depth int) (*value, error) {
	line, col := d.next()
	if depth > maxNesting {
		return nil, &Error{Line: line, Col: col, Msg: "document nested too deeply"}
	}
	tok, err := d.dec.Token()
	if err != nil {
		return nil, d.wrap(err)
	}
	v := &value{line: line, col: col}
	switch t := tok.(type) {
	case nil:
		v.kind = kindNull
	case string:
		v.kind, v.scalar = kindScalar, t
	case json.Number:
		v.kind, v.scalar = kindScalar, t.String()
	case bool:
		v.kind, v.scalar = kindScalar, strconv.FormatBool(t)
	case json.Delim:
		switch t {
		case '[':
			v.kind = kindSeq
			for d.dec.More() {
				item, err := d.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.items = append(v.items, item)
			}
		case '{':
			v.kind = kindMap
			for d.dec.More() {
				kl, kc := d.next()
				kt, err := d.dec.Token()
				if err != nil {
					return nil, d.wrap(err)
				}
				name, ok := kt.(string)
				if !ok {
					return nil, &Error{Line: kl, Col: kc, Msg: "object key must be a string"}
				}
				val, err := d.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.fields = append(v.fields, field{name: name, line: kl, col: kc, val: val})
			}
		default:
			return nil, &Error{Line: line, Col: col, Msg: fmt.Sprintf("unexpected %q", t)}
		}
		// Consume the closing delimiter.
		if _, err := d.dec.Token(); err != nil {
			return nil, d.wrap(err)
		}
	}
	return v, nil
}
