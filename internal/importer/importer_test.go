package importer

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/xuri/excelize/v2"
)

var measures = []*improve.Measure{
	{ID: 1, Name: "Conversations", Ratio: true, Chart: "p", Period: improve.Monthly},
	{ID: 2, Name: "Days to housing", Chart: "run", Period: improve.Monthly},
	{ID: 3, Name: "Visits", Chart: "run", Period: improve.Monthly, GroupKey: "age", GroupValues: []string{"under 25", "25 and over"}},
	{ID: 4, Name: "Calls", Chart: "run", Period: improve.Weekly},
}

func f(x float64) *float64 { return &x }

func TestParseCSV(t *testing.T) {
	in := "Measure,Period,Group,Value,Numerator,Denominator\n" +
		"Conversations,2025-01,,,12,40\n" +
		"days to housing,2025-02-01,,31.5,,\n" +
		"3,2025-03,under 25,4,,\n" +
		"Calls,2025-03-05,,7,,\n" +
		",,,,,\n" +
		"Days to housing,2025-04,,,,\n"
	rows, err := Parse(strings.NewReader(in), CSV, measures)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line   int
		m      int64
		period string
		group  string
	}{{2, 1, "2025-01-01", ""}, {3, 2, "2025-02-01", ""}, {4, 3, "2025-03-01", "under 25"}, {5, 4, "2025-03-03", ""}, {7, 2, "2025-04-01", ""}}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		r := rows[i]
		if r.Line != w.line || r.Value.MeasureID != w.m || r.Value.Period.String() != w.period || r.Value.Group != w.group {
			t.Errorf("row %d: %d %d %s %q; want %+v", i, r.Line, r.Value.MeasureID, r.Value.Period, r.Value.Group, w)
		}
	}
	if *rows[0].Value.Numerator != 12 || *rows[0].Value.Denominator != 40 || *rows[1].Value.Value != 31.5 || !rows[4].Value.Empty() {
		t.Error("numbers not read")
	}
}

// TestParseErrors checks that a wrong file names every bad cell and
// returns no rows at all.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string // the cells (or rows) named, in order
	}{
		{"missing columns", "measure,value\nCalls,1\n", []string{"row 1"}},
		{"bad number", "measure,period,value\nDays to housing,2025-01,12\nDays to housing,2025-02,twelve\n", []string{"C3"}},
		{"bad period and unknown measure", "measure,period,value\nNope,2025-01,1\nCalls,Janvier,2\n", []string{"A2", "B3"}},
		{"ratio needs both", "measure,period,numerator,denominator\nConversations,2025-01,3,\n", []string{"D2"}},
		{"value for a ratio", "measure,period,value\nConversations,2025-01,3\n", []string{"C2"}},
		{"unknown group", "measure,period,group,value\nVisits,2025-01,elders,3\n", []string{"C2"}},
		{"duplicate", "measure,period,value\nCalls,2025-01-06,1\nCalls,2025-01-07,2\n", []string{"B3"}},
		{"broken csv", "measure,period,value\nCalls,\"2025-01,1\n", []string{"row 2"}},
		{"empty", "", []string{""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := Parse(strings.NewReader(c.in), CSV, measures)
			if rows != nil {
				t.Errorf("rows returned with errors: %v", rows)
			}
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err = %v, want *Errors", err)
			}
			if len(*errs) != len(c.want) {
				t.Fatalf("%d errors (%v), want %d", len(*errs), err, len(c.want))
			}
			for i, e := range *errs {
				if !strings.Contains(e.Error(), c.want[i]) || e.Key == "" {
					t.Errorf("error %d = %q (key %q), want it to name %s", i, e.Error(), e.Key, c.want[i])
				}
			}
		})
	}
}

func xlsxFile(t testing.TB, rows [][]any) []byte {
	x := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseXLSX(t *testing.T) {
	date := collab.NewDate(2025, 5, 17).Time()
	data := xlsxFile(t, [][]any{
		{"measure", "period", "value"},
		{"Days to housing", "2025-03", 12},
		{"Days to housing", date, 14.5}, // a date cell
		{"Days to housing", "2025-06", "n/a"},
	})
	_, err := Parse(bytes.NewReader(data), XLSX, measures)
	var errs *Errors
	if !errors.As(err, &errs) || len(*errs) != 1 || (*errs)[0].Cell != "C4" {
		t.Fatalf("err = %v, want one error at C4", err)
	}
	data = xlsxFile(t, [][]any{{"measure", "period", "value"}, {"Days to housing", "2025-03", 12}, {"Days to housing", date, 14.5}})
	rows, err := Parse(bytes.NewReader(data), XLSX, measures)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1].Value.Period.String() != "2025-05-01" || *rows[1].Value.Value != 14.5 {
		t.Fatalf("rows %+v", rows)
	}
	if _, err := Parse(strings.NewReader("not a zip"), XLSX, measures); err == nil || !strings.Contains(err.Error(), "xlsx") {
		t.Errorf("a broken workbook: %v", err)
	}
}

func TestParsePaste(t *testing.T) {
	rows, err := ParsePaste("Month\tNum\tDen\n2025-01\t3\t10\n2025-02\t4\t10\n", measures[0])
	if err != nil || len(rows) != 2 || rows[1].Line != 3 || *rows[1].Value.Numerator != 4 {
		t.Fatalf("%+v %v", rows, err)
	}
	_, err = ParsePaste("2025-01\t3\t10\n2025-02\tx\t10\n", measures[0])
	var errs *Errors
	if !errors.As(err, &errs) || (*errs)[0].Row != 2 {
		t.Fatalf("err = %v, want line 2", err)
	}
}

func TestPlan(t *testing.T) {
	p1 := collab.NewDate(2025, 1, 1)
	p2 := collab.NewDate(2025, 2, 1)
	p3 := collab.NewDate(2025, 3, 1)
	existing := []*improve.Value{{MeasureID: 2, Period: p1, Value: f(1)}, {MeasureID: 2, Period: p2, Value: f(2)}, {MeasureID: 2, Period: p3, Value: f(3)}}
	rows := []Row{
		{Line: 2, Value: &improve.Value{MeasureID: 2, Period: p1, Value: f(1)}},
		{Line: 3, Value: &improve.Value{MeasureID: 2, Period: p2, Value: f(5)}},
		{Line: 4, Value: &improve.Value{MeasureID: 2, Period: p3}},
		{Line: 5, Value: &improve.Value{MeasureID: 2, Period: collab.NewDate(2025, 4, 1), Value: f(4)}},
	}
	p := MakePlan(rows, existing)
	if p.Adds != 1 || p.Updates != 1 || p.Clears != 1 || p.Unchanged != 1 || len(p.Values()) != 3 {
		t.Fatalf("plan %+v", p)
	}
}

// FuzzParse feeds the CSV and XLSX readers arbitrary bytes: they must not
// panic, and must return either rows or errors, never both; every error
// says where it is.
func FuzzParse(f *testing.F) {
	f.Add([]byte("measure,period,value\nDays to housing,2025-01,12\n"), false)
	f.Add([]byte("measure,period,numerator,denominator\nConversations,2025-01,3,10\nConversations,2025-02,,\n"), false)
	f.Add([]byte("measure;period;value\nCalls;2025-01-06;1,5\n"), false)
	f.Add([]byte("\xef\xbb\xbfmeasure,period,group,value\nVisits,2025-01,under 25,3\n"), false)
	f.Add([]byte("measure,period,value\n\"unterminated"), false)
	f.Add(xlsxFile(f, [][]any{{"measure", "period", "value"}, {"Days to housing", "2025-03", 12}}), true)
	f.Add([]byte("PK\x03\x04garbage"), true)
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		format := CSV
		if xlsx {
			format = XLSX
		}
		rows, err := Parse(bytes.NewReader(data), format, measures)
		if err != nil && rows != nil {
			t.Fatal("rows and an error")
		}
		var errs *Errors
		if err != nil && !errors.As(err, &errs) {
			t.Fatalf("not an *Errors: %v", err)
		}
		if errs != nil {
			for _, e := range *errs {
				if e.Key == "" || e.Msg == "" {
					t.Fatalf("error without a message: %+v", e)
				}
			}
		}
		for _, r := range rows {
			if r.Value == nil || r.Line < 2 {
				t.Fatalf("bad row %+v", r)
			}
		}
	})
}
