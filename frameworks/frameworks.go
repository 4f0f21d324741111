// Package frameworks embeds the change frameworks goeswell ships with, one
// YAML file per framework. The files are data, transcribed once from the
// source documents; README.md describes their schema, and package
// internal/framework parses them.
package frameworks

import "embed"

// FS holds the built-in framework files at its root.
//
//go:embed *.yaml
var FS embed.FS
