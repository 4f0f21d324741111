// Package framework holds change frameworks: named trees of principles,
// domains, objectives and the like that a learning collaborative uses to
// frame its work. It parses, validates and exports frameworks as YAML or
// JSON, reporting problems by line, and loads the frameworks built into
// the binary from package frameworks.
//
// The types here are plain data: they know nothing of storage or HTTP, so
// that the same values can be loaded from the embedded files, stored in a
// database and served to clients.
package framework

// Origin says who wrote a piece of text: the source document the framework
// was transcribed from, or goeswell. Keeping the two apart lets the product
// show users which words are the authors' and which are ours.
type Origin string

// Known origins. An empty Origin means "not stated", which is allowed for
// frameworks that users import.
const (
	OriginSeed     Origin = "seed"     // transcribed from the source document
	OriginGoeswell Origin = "goeswell" // written by goeswell contributors
)

// Attachment kinds.
const (
	KindExample  = "example"
	KindToolkit  = "toolkit"
	KindPlaybook = "playbook"
	KindTool     = "tool"
)

// AttachmentKinds lists the attachment kinds Validate accepts.
var AttachmentKinds = []string{KindExample, KindToolkit, KindPlaybook, KindTool}

// Framework is one change framework: a tree of nodes with named levels.
type Framework struct {
	// Key identifies the framework; lower-case letters, digits and dashes.
	Key string `json:"key" yaml:"key"`
	// Name is the human title.
	Name string `json:"name" yaml:"name"`
	// Version is the version of this data, not of the source document.
	Version string `json:"version,omitempty" yaml:"version,omitempty"`
	// Source names the document the framework was transcribed from.
	Source *Source `json:"source,omitempty" yaml:"source,omitempty"`
	// Description is a short summary for people choosing a framework.
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Preamble holds text that frames the whole tree, such as an aim or
	// foundational principles, in document order.
	Preamble []Section `json:"preamble,omitempty" yaml:"preamble,omitempty"`
	// Levels names the levels of the tree from the top down. Nodes at
	// depth d must have one of Levels[d].Kinds.
	Levels []Level `json:"levels" yaml:"levels"`
	// Nodes are the top-level nodes, in document order.
	Nodes []*Node `json:"nodes" yaml:"nodes"`
}

// Source identifies the document a framework was transcribed from.
type Source struct {
	// Seed is the seed document id, such as "003".
	Seed string `json:"seed,omitempty" yaml:"seed,omitempty"`
	// File is the seed file name, so tests can find the text again.
	File string `json:"file,omitempty" yaml:"file,omitempty"`
	// Title is the document's title.
	Title string `json:"title,omitempty" yaml:"title,omitempty"`
	// URL points to the document where it is published.
	URL string `json:"url,omitempty" yaml:"url,omitempty"`
}

// Section is a titled piece of text outside the tree, such as an aim.
type Section struct {
	Title  string   `json:"title" yaml:"title"`
	Body   string   `json:"body,omitempty" yaml:"body,omitempty"`
	Items  []string `json:"items,omitempty" yaml:"items,omitempty"`
	URL    string   `json:"url,omitempty" yaml:"url,omitempty"`
	Source Origin   `json:"source,omitempty" yaml:"source,omitempty"`
}

// Level names one level of the tree and the node kinds allowed on it.
// Most levels have one kind; a level with several holds parallel lists,
// such as a domain's objectives beside its change concepts.
type Level struct {
	Name  string   `json:"name" yaml:"name"`
	Kinds []string `json:"kinds" yaml:"kinds,flow"`
}

// Node is one element of the tree.
type Node struct {
	// Code identifies the node within its framework. It is its parent's
	// code, a dot and one more segment, such as 1.4.1 under 1.4.
	Code string `json:"code" yaml:"code"`
	// Kind is one of the kinds of the node's level.
	Kind  string `json:"kind" yaml:"kind"`
	Title string `json:"title" yaml:"title"`
	Body  string `json:"body,omitempty" yaml:"body,omitempty"`
	// Source says who wrote Title, and Body unless BodySource says
	// otherwise.
	Source Origin `json:"source,omitempty" yaml:"source,omitempty"`
	// BodySource says who wrote Body when it differs from Source, as when
	// a document names something and goeswell defines it.
	BodySource Origin `json:"body_source,omitempty" yaml:"body_source,omitempty"`
	// Themes are short labels the document gives the node, such as the
	// themes of a BSC domain.
	Themes      []string     `json:"themes,omitempty" yaml:"themes,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty" yaml:"attachments,omitempty"`
	Children    []*Node      `json:"children,omitempty" yaml:"children,omitempty"`
}

// Attachment is an example, toolkit, playbook or tool that belongs to a
// node but is not itself a level of the tree.
type Attachment struct {
	Kind   string `json:"kind" yaml:"kind"`
	Title  string `json:"title" yaml:"title"`
	Body   string `json:"body,omitempty" yaml:"body,omitempty"`
	URL    string `json:"url,omitempty" yaml:"url,omitempty"`
	Source Origin `json:"source,omitempty" yaml:"source,omitempty"`
}
