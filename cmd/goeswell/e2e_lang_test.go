package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/goeswell/goeswell/internal/i18n"
)

// TestBrowserSpanishDirector: a team director whose browser asks for
// Spanish signs in and works in Spanish end to end — the sign-in page, the
// team page, the data page, where she enters a month far below the usual,
// and the measure's chart, whose words (the rules line, the description,
// the table of numbers, the point's tooltip and the signal's reason) come
// from the catalog, not from English in internal/chart or internal/spc.
func TestBrowserSpanishDirector(t *testing.T) {
	srv := startDemo(t)
	logins, err := os.ReadFile(filepath.Join(srv.Dir, "demo-logins.txt"))
	if err != nil {
		t.Fatal(err)
	}
	director := string(regexp.MustCompile(`director\.[a-z-]+@example\.org`).Find(logins))
	es := i18n.MustLoad().Printer("es")
	ctx := newBrowser(t)
	setView(t, ctx, view{"desktop Spanish", 1280, 900, "es-US,es;q=0.9,en;q=0.5"})

	do(t, ctx, chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`#f-email`)))
	if h1 := read(t, ctx, chromedp.Text(chromedp.CSS(`main h1`))); h1 != es.Sprintf("login.heading") {
		t.Errorf("sign-in heading %q, want %q", h1, es.Sprintf("login.heading"))
	}
	if l := read(t, ctx, chromedp.Text(chromedp.CSS(`label[for="f-password"]`))); l != "Contraseña" {
		t.Errorf("password label %q", l)
	}
	if err := signIn(ctx, srv.URL, director, srv.Password); err != nil {
		t.Fatal(err)
	}
	signedIn(t, ctx)

	// The team page, reached through "Mi equipo".
	do(t, ctx, chromedp.Click(chromedp.CSS(`.collab-nav a[href$="/teams/1"]`)), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	team := read(t, ctx, chromedp.Text(chromedp.CSS(`main`)))
	for _, want := range []string{es.Sprintf("team.members"), es.Sprintf("measure.team_title"), es.Sprintf("pdsa.board_title")} {
		if !strings.Contains(team, want) {
			t.Errorf("the team page lacks %q", want)
		}
	}
	if nav := read(t, ctx, chromedp.Text(chromedp.CSS(`.collab-nav`))); !strings.Contains(nav, "Mi equipo") {
		t.Errorf("the menu reads %q", nav)
	}

	// The director enters a month far below the team's usual, on the
	// data page in Spanish, so that the chart has a signal to explain.
	do(t, ctx, chromedp.Navigate(srv.URL+"/c/1/teams/1/measures/1"), chromedp.WaitVisible(chromedp.CSS(`table.spc-table`)))
	last := read(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("table.spc-table tbody th")].pop().textContent`))
	do(t, ctx, chromedp.Navigate(srv.URL+"/c/1/teams/1/data"), chromedp.WaitVisible(chromedp.CSS(`#paste-form`)))
	if l := read(t, ctx, chromedp.Text(chromedp.CSS(`label[for="f-paste"]`))); l != es.Sprintf("measure.paste_label") {
		t.Errorf("the paste box is labelled %q", l)
	}
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#f-pasteMeasure`), "1"),
		chromedp.SetValue(chromedp.CSS(`#f-paste`), last+"\t3\t60"),
		chromedp.Submit(chromedp.CSS(`#f-paste`)),
	)
	waitTrue(t, ctx, `!!document.querySelector(".flash") || !!document.querySelector(".error")`)
	if msg := read(t, ctx, chromedp.Text(chromedp.CSS(`main`))); strings.Contains(msg, es.Sprintf("form.has_errors")) {
		t.Fatalf("pasting %q 3/60 was refused: %s", last, msg)
	}

	// The measure's chart, in Spanish.
	do(t, ctx, chromedp.Navigate(srv.URL+"/c/1/teams/1/measures/1"), chromedp.WaitVisible(chromedp.CSS(`figure.chart svg`)))
	rules := read(t, ctx, chromedp.Evaluate[string](`document.querySelector("figure.chart svg text.rules").textContent`))
	desc := read(t, ctx, chromedp.Evaluate[string](`document.querySelector("figure.chart svg desc").textContent`))
	caption := read(t, ctx, chromedp.Evaluate[string](`document.querySelector("table.spc-table caption").textContent`))
	heads := read(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("table.spc-table thead th")].map(th => th.textContent).join("|")`))
	signals := read(t, ctx, chromedp.Text(chromedp.CSS(`#chart-signals`)))
	cells := read(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("table.spc-table tbody tr td:last-child")].map(td => td.textContent).join("|")`))
	tips := read(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("figure.chart svg circle title")].map(x => x.textContent).join("|")`))
	t.Logf("rules %q; desc %q; caption %q; signals %q", rules, desc, caption, signals)
	if !strings.HasPrefix(rules, "Reglas: ") {
		t.Errorf("the chart's rules line %q is not Spanish", rules)
	}
	if !strings.HasPrefix(desc, "Gráfico P de ") || !strings.Contains(desc, "subgrupos") || !strings.Contains(desc, "línea central") {
		t.Errorf("the chart's description %q is not Spanish", desc)
	}
	if !strings.Contains(caption, "conjunto de reglas") || !strings.Contains(heads, "Línea central") || !strings.Contains(heads, "Señal") {
		t.Errorf("the chart's table is not Spanish: caption %q, headers %q", caption, heads)
	}
	// The signals in plain words beside their rules, in Spanish.
	if !strings.Contains(signals, "por debajo del límite de control inferior") || !strings.Contains(signals, "Regla de") || strings.Contains(signals, "below the") {
		t.Errorf("the chart's signals are not in Spanish words: %q", signals)
	}
	below := es.Sprintf("chart.reason.below")
	if !strings.Contains(cells, below) || !strings.Contains(tips, below) {
		t.Errorf("the signal's reason %q is not in the table (%q) or the point's tooltip", below, cells)
	}
	for _, english := range []string{"above the upper", "below the lower", "shift:", "trend:", "runs signal", "excluded", "points outside"} {
		if strings.Contains(cells+tips+desc, english) {
			t.Errorf("the chart still says %q in English", english)
		}
	}
	if page := read(t, ctx, chromedp.Text(chromedp.CSS(`main`))); strings.Contains(page, "The chart's numbers as a table") {
		t.Error("the measure page has English left")
	}
}

// TestBrowserHmongCheckIn: a convener makes a Five Domains check-in in
// English; a respondent whose phone sends only English opens its link,
// chooses Hmoob with the switch on the check-in page, reads the questions,
// the 1–5 hint (tied to the buttons) and the options in Hmong, and answers.
func TestBrowserHmongCheckIn(t *testing.T) {
	srv := startDemo(t)
	hm := i18n.MustLoad().Printer("hmn")
	conv := newBrowser(t)
	if err := signIn(conv, srv.URL, "convener@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	signedIn(t, conv)
	do(t, conv,
		chromedp.Navigate(srv.URL+"/c/1/surveys"),
		chromedp.WaitVisible(chromedp.CSS(`#survey-form`)),
		chromedp.SendKeys(chromedp.CSS(`#survey-form #f-title`), "Spring snapshot"),
		chromedp.SetValue(chromedp.CSS(`#survey-form #f-kind`), "five_domains"),
		chromedp.Submit(chromedp.CSS(`#survey-form #f-title`)),
		chromedp.WaitVisible(chromedp.CSS(`#links-form`)),
		chromedp.SetValue(chromedp.CSS(`#links-form #f-team`), "1"),
		chromedp.Submit(chromedp.CSS(`#links-form #f-team`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.links input.copy`)),
	)
	link := read(t, conv, chromedp.Value(chromedp.CSS(`ul.links input.copy`)))
	link = srv.URL + link[strings.Index(link, "/s/"):]

	anon := newBrowser(t)
	setView(t, anon, view{"phone English", 390, 844, "en-US"})
	do(t, anon,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`#respond-form`)),
		chromedp.SetValue(chromedp.CSS(`#f-lang-switch`), "hmn"),
		chromedp.Submit(chromedp.CSS(`#f-lang-switch`)),
	)
	waitTrue(t, anon, `document.documentElement.lang === "hmn" && !!document.querySelector("#respond-form")`)
	form := read(t, anon, chromedp.Text(chromedp.CSS(`main`)))
	for _, key := range []string{"survey.respond_intro", "survey.q.have_safety", "survey.q.have_mastery", "survey.scale_hint", "domain.stability", "survey.submit"} {
		if !strings.Contains(form, hm.Sprintf(key)) {
			t.Errorf("the check-in lacks the Hmong %s %q", key, hm.Sprintf(key))
		}
	}
	if strings.Contains(form, "how much do you have right now") {
		t.Error("the check-in shows an English question")
	}
	// A screen reader hears the hint with each button of the scale.
	hint := read(t, anon, chromedp.Evaluate[string](`document.getElementById(document.querySelector('input[name="have_safety"]').getAttribute("aria-describedby")).textContent`))
	if hint != hm.Sprintf("survey.scale_hint") {
		t.Errorf("the scale buttons are described by %q", hint)
	}
	do(t, anon,
		chromedp.Click(chromedp.CSS(`#respond-form input[name="have_safety"][value="4"]`)),
		chromedp.Click(chromedp.CSS(`#respond-form input[name="give_up"][value="Stability"]`)),
		chromedp.SendKeys(chromedp.CSS(`#respond-form textarea`), "Kuv tso kev mus ntsib phooj ywg tseg"),
		chromedp.Submit(chromedp.CSS(`#respond-form textarea`)),
		chromedp.WaitVisible(chromedp.CSS(`#survey-done`)),
	)
	if h1 := read(t, anon, chromedp.Text(chromedp.CSS(`main h1`))); h1 != hm.Sprintf("survey.done_title") {
		t.Errorf("after answering: %q, want %q", h1, hm.Sprintf("survey.done_title"))
	}
}
