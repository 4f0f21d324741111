// Package spc is goeswell's statistical process control engine: run charts
// and Shewhart control charts computed the way R's qicharts2 0.8.1 computes
// them, with three named rule sets for reading them (Anhøj, IHI and NHS
// "Making Data Count" as NHSRplotthedots 0.2.2 computes it).
//
// The package is pure computation: no I/O, no database, no HTTP. Missing
// values follow R: NA is a NaN carrying R's payload (see NA and IsNA), and a
// plain NaN is the result of an undefined operation such as 0/0.
package spc
