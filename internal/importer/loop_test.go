package importer

import (
	"errors"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
)

// TestErrorsNameTheColumn: each refused value is placed at the column
// that is wrong, once, and a broken CSV is described in our words.
func TestErrorsNameTheColumn(t *testing.T) {
	for _, tc := range []struct {
		name, in, key, column string
	}{
		{"numerator above", "measure,period,numerator,denominator\nConversations,2025-01,50,40\n", "measure.error_numerator_above", "numerator"},
		{"negative numerator", "measure,period,numerator,denominator\nConversations,2025-01,-5,40\n", "measure.error_negative", "numerator"},
		{"negative denominator", "measure,period,numerator,denominator\nConversations,2025-01,5,-40\n", "measure.error_negative", "denominator"},
		{"negative count", "measure,period,value\nDays to housing,2025-01,-3\n", "measure.error_negative", "value"},
		{"stray quote", "measure,period,value\nDays to housing,2025-01,3\"\n", "measure.import_error_csv_quote", ""},
		{"unclosed quote", "measure,period,value\nDays to housing,2025-01,\"3\n", "measure.import_error_csv_unclosed", ""},
	} {
		_, err := Parse(strings.NewReader(tc.in), CSV, measures)
		var errs *Errors
		if !errors.As(err, &errs) || len(*errs) != 1 {
			t.Errorf("%s: %v, want one error", tc.name, err)
			continue
		}
		e := (*errs)[0]
		if e.Key != tc.key || e.Column != tc.column || strings.Contains(e.Msg, "non-quoted") || strings.Contains(e.Msg, "extraneous") {
			t.Errorf("%s: %+v, want %s at %q", tc.name, e, tc.key, tc.column)
		}
	}
}

// TestCheckPeriods refuses rows outside the collaborative's dates or in a
// month not begun, all together.
func TestCheckPeriods(t *testing.T) {
	c := &collab.Collaborative{StartDate: collab.NewDate(2025, 1, 1), EndDate: collab.NewDate(2026, 6, 30)}
	in := "measure,period,value\nDays to housing,2024-12,3\nDays to housing,2025-03,3\nDays to housing,2031-01,3\n"
	rows, err := Parse(strings.NewReader(in), CSV, measures)
	if err != nil {
		t.Fatal(err)
	}
	err = CheckPeriods(rows, measures, c, collab.NewDate(2025, 9, 10))
	var errs *Errors
	if !errors.As(err, &errs) || len(*errs) != 2 || (*errs)[0].Row != 2 || (*errs)[1].Row != 4 || (*errs)[0].Column != "period" {
		t.Errorf("%v", err)
	}
}
