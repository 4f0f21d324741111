package spccmd

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/spc"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // I/O failure
	exitUsage = 2 // bad input or options
)

const usage = `usage: goeswell spc --chart CHART [options] FILE.csv

Computes a run or control chart from a CSV with columns x,y[,n] (FILE - reads
standard input) and writes one row per subgroup.

options:
  --chart CHART        run, i, mr, xbar, s, t, p, pp, c, u, up, g, ip
  --rules SET          anhoej (default), ihi or mdc (Making Data Count XmR)
  --method M           anhoej (default), bestbox or cutbox runs analysis
  --freeze N           compute the limits from subgroups 1..N
  --part 12,24         start a new phase after these subgroups
  --part-column NAME   start a new phase where this column's label changes
  --exclude 3,5        leave these subgroups out of the calculations
  --cl V               use V as the centre line
  --multiply K         multiply y and the lines by K (100 for percent)
  --agg FUN            mean (default), median, sum or sd for repeated x
  --screen-mr=BOOL     screen moving ranges above 3.267 AMR (default true)
  --facets COL[,COL]   one chart per value of these columns
  --x-type T           index, numeric, date or categorical (default: guess)
  --x-levels A,B,C     the order of categorical x
  --rebase D[,D]       (mdc) start new limits at these x values
  --fix-after N        (mdc) fix the limits after N points
  --improvement DIR    (mdc) increase (default), decrease or neutral
  --target V           target line; with mdc, also the assurance verdict
  --format F           csv (default), json or svg
  --summary            (csv) write one row per part instead of per subgroup
  --columns SET        (csv) spec (default) or full (adds y.sum, y.length, y.mean, y.sd)
`

// config is the parsed command line.
type config struct {
	chart      spc.Chart
	opts       spc.Options
	mdc        spc.MDCOptions
	rebase     []string
	agg        spc.Agg
	facets     []string
	partColumn string
	xType      XType
	xLevels    []string
	format     string
	summary    bool
	full       bool
	file       string
}

// Main runs "goeswell spc" with args (without the program and command
// names) and returns the exit status: 0 on success, 2 for bad input or
// options (one line on stderr naming the row and column), 1 for I/O errors.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "goeswell spc: %v\n", err)
		return exitUsage
	}
	in := stdin
	if cfg.file != "-" {
		f, err := os.Open(cfg.file)
		if err != nil {
			fmt.Fprintf(stderr, "goeswell spc: %v\n", err)
			return exitUsage
		}
		defer f.Close()
		in = f
	}
	// A million points make some 170 MB of CSV: written in 256 KiB
	// pieces, not bufio's default 4 KiB (40,000 write calls).
	w := bufio.NewWriterSize(stdout, 256<<10)
	if err := run(cfg, in, w); err != nil {
		fmt.Fprintf(stderr, "goeswell spc: %v\n", err)
		return exitUsage
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "goeswell spc: write: %v\n", err)
		return exitError
	}
	return exitOK
}

func parseArgs(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("goeswell spc", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	chart := fs.String("chart", "run", "")
	rules := fs.String("rules", "anhoej", "")
	method := fs.String("method", "anhoej", "")
	freeze := fs.Int("freeze", 0, "")
	part := fs.String("part", "", "")
	partCol := fs.String("part-column", "", "")
	exclude := fs.String("exclude", "", "")
	cl := fs.String("cl", "", "")
	multiply := fs.Float64("multiply", 1, "")
	agg := fs.String("agg", "mean", "")
	screen := fs.Bool("screen-mr", true, "")
	facets := fs.String("facets", "", "")
	xType := fs.String("x-type", "", "")
	xLevels := fs.String("x-levels", "", "")
	rebase := fs.String("rebase", "", "")
	fixAfter := fs.Int("fix-after", 0, "")
	improvement := fs.String("improvement", "increase", "")
	target := fs.String("target", "", "")
	format := fs.String("format", "csv", "")
	summary := fs.Bool("summary", false, "")
	columns := fs.String("columns", "spec", "")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	c := &config{format: *format, summary: *summary, partColumn: *partCol}
	var ok bool
	if c.chart, ok = spc.ParseChart(*chart); !ok {
		if *chart != "xmr" {
			return nil, fmt.Errorf("unknown chart %q", *chart)
		}
		c.chart = spc.ChartI
	}
	c.opts = spc.DefaultOptions(c.chart)
	switch r := spc.RuleSet(*rules); r {
	case spc.RulesAnhoej, spc.RulesIHI, spc.RulesMDC:
		c.opts.Rules = r
	default:
		return nil, fmt.Errorf("unknown rule set %q", *rules)
	}
	if c.opts.Rules == spc.RulesMDC && c.chart != spc.ChartI {
		return nil, fmt.Errorf("rule set mdc needs --chart i (XmR), not %q", *chart)
	}
	switch m := spc.Method(*method); m {
	case spc.MethodAnhoej, spc.MethodBestBox, spc.MethodCutBox:
		c.opts.Method = m
	default:
		return nil, fmt.Errorf("unknown method %q", *method)
	}
	if *freeze < 0 {
		return nil, fmt.Errorf("--freeze %d: must be positive", *freeze)
	}
	c.opts.Freeze = *freeze
	var err error
	if c.opts.Parts, err = intList("part", *part); err != nil {
		return nil, err
	}
	if *part != "" && *partCol != "" {
		return nil, errors.New("give --part or --part-column, not both")
	}
	c.opts.PartLabels = *partCol != ""
	if c.opts.Exclude, err = intList("exclude", *exclude); err != nil {
		return nil, err
	}
	if *cl != "" {
		v, err := strconv.ParseFloat(*cl, 64)
		if err != nil || math.IsInf(v, 0) || v != v {
			return nil, fmt.Errorf("--cl %q: not a number", *cl)
		}
		c.opts.CL = v
	}
	if math.IsInf(*multiply, 0) || *multiply != *multiply || *multiply == 0 {
		return nil, fmt.Errorf("--multiply %v: must be a non-zero number", *multiply)
	}
	c.opts.Multiply = *multiply
	if c.agg, ok = spc.ParseAgg(*agg); !ok {
		return nil, fmt.Errorf("unknown --agg %q", *agg)
	}
	c.opts.ScreenMR = *screen
	if *facets != "" {
		c.facets = strings.Split(*facets, ",")
		if len(c.facets) > 2 {
			return nil, fmt.Errorf("--facets %q: at most two columns", *facets)
		}
	}
	switch t := XType(*xType); t {
	case XAuto, XIndex, XNumeric, XDate, XCategorical:
		c.xType = t
	default:
		return nil, fmt.Errorf("unknown --x-type %q", *xType)
	}
	if *xLevels != "" {
		c.xLevels = strings.Split(*xLevels, ",")
		if c.xType == XAuto {
			c.xType = XCategorical
		}
	}
	c.opts.Categorical = c.xType == XCategorical
	c.mdc = spc.DefaultMDCOptions()
	c.mdc.ScreenOutliers = *screen
	if *fixAfter < 0 {
		return nil, fmt.Errorf("--fix-after %d: must be positive", *fixAfter)
	}
	c.mdc.FixAfter = *fixAfter
	if c.mdc.Improvement, ok = spc.ParseDirection(*improvement); !ok {
		return nil, fmt.Errorf("unknown --improvement %q", *improvement)
	}
	if *target != "" {
		v, err := strconv.ParseFloat(*target, 64)
		if err != nil || math.IsInf(v, 0) || v != v {
			return nil, fmt.Errorf("--target %q: not a number", *target)
		}
		c.mdc.Target = v
	}
	if *rebase != "" {
		c.rebase = strings.Split(*rebase, ",")
	}
	switch c.format {
	case "csv", "json", "svg":
	default:
		return nil, fmt.Errorf("unknown --format %q", c.format)
	}
	switch *columns {
	case "spec":
	case "full":
		c.full = true
	default:
		return nil, fmt.Errorf("unknown --columns %q", *columns)
	}
	if fs.NArg() != 1 {
		return nil, errors.New("need exactly one input FILE (- for standard input); see -h")
	}
	c.file = fs.Arg(0)
	return c, nil
}

func intList(name, s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("--%s %q: %q is not a positive integer", name, s, f)
		}
		out = append(out, v)
	}
	sort.Ints(out)
	return out, nil
}

// run reads, computes and writes.
func run(c *config, in io.Reader, w io.Writer) error {
	spec := readSpec{XType: c.xType, XLevels: c.xLevels, Facets: c.facets, PartColumn: c.partColumn, WantN: true}
	t, err := readTable(in, spec)
	if err != nil {
		return err
	}
	if c.opts.Rules == spc.RulesMDC {
		facets, err := computeMDC(c, t)
		if err != nil {
			return err
		}
		return writeMDC(c, facets, w)
	}
	// Remember the first non-positive value in input order, so a t chart's
	// error can name its row (Compute reorders the observations).
	badRow := 0
	for i, y := range t.Cols.Y {
		if y <= 0 {
			badRow = i + 2
			break
		}
	}
	res, err := spc.ComputeColumns(&t.Cols, t.HasN, c.agg, c.opts)
	if errors.Is(err, spc.ErrNonPositive) && badRow > 0 {
		return &rowError{Row: badRow, Column: "y", Err: err}
	}
	if err != nil {
		return err
	}
	switch c.format {
	case "json":
		t.setLabels(res)
		return writeJSON(res, w)
	case "svg":
		t.setLabels(res)
		return writeSVG(res, c.mdc.Target, w)
	}
	if c.summary {
		return writeSummary(res, len(c.facets) > 0, w)
	}
	return writePoints(res, t, len(c.facets) > 0, c.full, w)
}
