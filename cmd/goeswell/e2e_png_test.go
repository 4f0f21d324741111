package main

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserChartPNG: on a measure's page the "Download the chart (PNG)"
// link appears (it is hidden without JavaScript) and produces a PNG drawn
// from the chart's SVG, under the strict CSP.
func TestBrowserChartPNG(t *testing.T) {
	b := newBrowser(t)
	srv := startDemo(t)
	if err := signIn(b, srv.URL, "director.harbor@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	do(t, b, chromedp.Navigate(srv.URL+"/c/1/teams/1/measures/1"), chromedp.WaitVisible(chromedp.CSS(`#png-download`)))
	// Catch the download instead of saving a file: record the link's target.
	read(t, b, chromedp.Evaluate[bool](`(() => { HTMLAnchorElement.prototype.click = function () { window.__png = this.href; }; return true; })()`))
	do(t, b, chromedp.Click(chromedp.CSS(`#png-download`)))
	var png string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if png = read(t, b, chromedp.Evaluate[string](`window.__png || ""`)); png != "" {
			break
		}
	}
	data, ok := strings.CutPrefix(png, "data:image/png;base64,")
	if !ok {
		t.Fatalf("no PNG made (got %.60q)", png)
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil || len(raw) < 2000 || string(raw[1:4]) != "PNG" {
		t.Fatalf("not a PNG of a chart: %d bytes, %v", len(raw), err)
	}
}
