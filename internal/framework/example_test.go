package framework_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/goeswell/goeswell/internal/framework"
)

func ExampleParse() {
	doc := `key: demo
name: Demo
levels:
  - {name: Principle, kinds: [principle]}
  - {name: Action, kinds: [action]}
nodes:
  - code: "1"
    kind: principle
    title: Start with what matters to people
    children:
      - code: "1.1"
        kind: action
      - code: "2.1"
        kind: action
        title: Misplaced
`
	_, err := framework.Parse(strings.NewReader(doc), "yaml")
	fmt.Println(err)
	// Output:
	// line 11: node "1.1" has no title
	// line 13: node "2.1" is under "1", so its code must start with "1."
}

func ExampleExport() {
	f := &framework.Framework{
		Key:    "demo",
		Name:   "Demo",
		Levels: []framework.Level{{Name: "Domain", Kinds: []string{"domain"}}},
		Nodes:  []*framework.Node{{Code: "1", Kind: "domain", Title: "Safety", Source: framework.OriginSeed}},
	}
	if err := framework.Export(os.Stdout, f, "yaml"); err != nil {
		fmt.Println(err)
	}
	// Output:
	// key: demo
	// name: Demo
	// levels:
	//   - name: Domain
	//     kinds: [domain]
	// nodes:
	//   - code: "1"
	//     kind: domain
	//     title: Safety
	//     source: seed
}

func ExampleBuiltin() {
	fws, err := framework.Builtin()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range fws {
		fmt.Println(f.Key, f.CountLevels())
	}
	// Output:
	// child-welfare-bsc [5 92 25]
	// community-wellbeing-model [7]
	// five-domains [5]
	// wellbeing-blueprint [6 24 64]
	// what-goes-well [2 8]
}
