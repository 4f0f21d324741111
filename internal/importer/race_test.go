//go:build race

package importer

// raceEnabled: the race detector allocates for its own bookkeeping, so
// allocation bounds are checked only in builds without it.
const raceEnabled = true
