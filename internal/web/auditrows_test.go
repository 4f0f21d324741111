package web

import (
	"bytes"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// auditForm is one POST form found on a page, with a valid value in
// every field: what a person filling it in would send.
type auditForm struct {
	page, action string
	fields       url.Values
}

// auditForms reads every page the site administrator can open in the
// own-team target and returns its POST forms, filled in.
func auditForms(t *testing.T, e *env, routes []Route) []auditForm {
	var forms []auditForm
	for _, rt := range routes {
		if rt.Method != "GET" || rt.API || rt.Audited || strings.Contains(rt.Pattern, "{token}") {
			continue
		}
		path, err := fill(e, rt.Pattern, targets[0])
		if err != nil {
			t.Fatal(err)
		}
		w := e.do("admin", "GET", path, nil, "")
		if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			continue
		}
		forms = append(forms, parseForms(path, w.Body.String())...)
	}
	return forms
}

// parseForms finds a page's POST forms and fills them in.
func parseForms(page, body string) []auditForm {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return nil
	}
	attr := func(n *html.Node, k string) string {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val
			}
		}
		return ""
	}
	var forms []auditForm
	var cur *auditForm
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "form":
				if strings.EqualFold(attr(n, "method"), "post") && attr(n, "enctype") != "multipart/form-data" {
					action := attr(n, "action")
					if action == "" {
						action = page
					}
					forms = append(forms, auditForm{page: page, action: action, fields: url.Values{}})
					cur = &forms[len(forms)-1]
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						walk(c)
					}
					cur = nil
					return
				}
			case "button":
				// The button a person presses names what to do.
				if name := attr(n, "name"); cur != nil && name != "" && (cur.fields.Get(name) == "" || destructive.MatchString(cur.fields.Get(name))) {
					cur.fields.Set(name, attr(n, "value"))
				}
			case "input", "textarea", "select":
				name := attr(n, "name")
				if cur == nil || name == "" {
					break
				}
				v := attr(n, "value")
				switch typ := attr(n, "type"); {
				case n.Data == "select":
					// Another option than the one selected, so that an
					// edit form changes something; else the first.
					var first, selected, other string
					var opts func(*html.Node)
					opts = func(o *html.Node) {
						for ; o != nil; o = o.NextSibling {
							if o.Type == html.ElementNode && o.Data == "option" && attr(o, "value") != "" {
								if first == "" {
									first = attr(o, "value")
								}
								isSelected := false
								for _, a := range o.Attr {
									if a.Key == "selected" {
										selected, isSelected = attr(o, "value"), true
									}
								}
								if !isSelected && other == "" {
									other = attr(o, "value")
								}
							}
							opts(o.FirstChild) // options inside an optgroup
						}
					}
					opts(n.FirstChild)
					switch {
					case selected != "" && other != "":
						cur.fields.Set(name, other)
					case selected != "":
						cur.fields.Set(name, selected)
					default:
						cur.fields.Set(name, first)
					}
				case (typ == "" || typ == "text") && v == "" && (strings.HasPrefix(name, "agreedWith") || strings.HasPrefix(name, "alternative")):
					cur.fields.Set(name, "") // only with an agreement date, left empty below
				case n.Data == "textarea" || typ == "" || typ == "text" || typ == "search":
					switch {
					case auditNumbers[name] != "" && v == "":
						v = auditNumbers[name]
					case strings.HasPrefix(name, "c.") && v == "":
						v = "7" // a cell of the data grid
					case v == "":
						v = "Audit probe"
					case strings.Contains(v, " "):
						v += " (edited)" // prose: an update then has something to record
					}
					cur.fields.Set(name, v)
				case typ == "email":
					cur.fields.Set(name, "audit.probe@example.org")
				case typ == "date" && v == "" && strings.HasPrefix(name, "agreedOn"):
					cur.fields.Set(name, "") // only for someone absent
				case typ == "date" && v == "" && strings.Contains(strings.ToLower(name), "end"):
					cur.fields.Set(name, "2026-09-30")
				case typ == "date" && v == "":
					cur.fields.Set(name, "2026-03-02")
				case typ == "month" && v == "":
					cur.fields.Set(name, "2026-03")
				case typ == "datetime-local" && v == "":
					cur.fields.Set(name, "2026-03-02T10:00")
				case typ == "time" && v == "":
					cur.fields.Set(name, "10:00")
				case typ == "number" && v == "":
					cur.fields.Set(name, "1")
				case typ == "url" && v == "":
					cur.fields.Set(name, "https://example.org/audit")
				case typ == "password":
					cur.fields.Set(name, "audit-probe-password-1")
				case typ == "checkbox" || typ == "radio":
					if _, ok := cur.fields[name]; !ok {
						cur.fields.Set(name, v)
					}
				case typ != "submit" && typ != "file":
					cur.fields.Add(name, v) // hidden lists: one "user" per row
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return forms
}

// auditNumbers are text fields that take a number or a list, by name.
var auditNumbers = map[string]string{"amount": "12.50", "lat": "42.3", "lng": "-71.1", "hours": "1.5", "target": "10", "minCell": "11",
	"groupValues": "under 25, 25 and over"}

// destructive button values: another button of the form is pressed
// rather than one of these, so a form's main action is what is tried.
var destructive = regexp.MustCompile(`delete|remove`)

// patternRE matches the paths of a route pattern.
func patternRE(pattern string) *regexp.Regexp {
	p := regexp.QuoteMeta(strings.TrimSuffix(pattern, "{$}"))
	p = regexp.MustCompile(`\\\{[a-z]+\\\}`).ReplaceAllString(p, `[^/]+`)
	return regexp.MustCompile("^" + p + "$")
}

// apiBodies are valid JSON bodies of the API's writes, by pattern;
// {measure}, {user}, {change} and {moment} become the own team's.
var apiBodies = map[string]string{
	"/api/v1/collaboratives/{collab}/teams":                         `{"name":"Audit team","kind":"community"}`,
	"/api/v1/collaboratives/{collab}/teams/{team}":                  `{"name":"Audit renamed"}`,
	"/api/v1/collaboratives/{collab}/teams/{team}/invitations":      `{"email":"audit.invitee@example.org","name":"Audit Invitee","role":"direct_service"}`,
	"/api/v1/collaboratives/{collab}/teams/{team}/assets":           `{"name":"Audit asset","kind":"place","lat":42.3,"lng":-71.1,"domains":["social_connectedness"]}`,
	"/api/v1/collaboratives/{collab}/teams/{team}/activities":       `{"userId":{user},"month":"2026-03","kind":"site_visit","hours":1.5,"note":"audit"}`,
	"/api/v1/collaboratives/{collab}/measures":                      `{"name":"Audit measure","kind":"process","chart":"run"}`,
	"/api/v1/collaboratives/{collab}/teams/{team}/values":           `{"values":[{"measureId":{measure},"period":"2026-03","numerator":3,"denominator":9}]}`,
	"/api/v1/collaboratives/{collab}/teams/{team}/pdsa":             `{"title":"Audit cycle","changeId":{change},"objective":"Audit objective"}`,
	"/api/v1/collaboratives/{collab}/teams/{team}/shares":           `{"kind":"moment","itemId":{moment},"summary":{"title":"Audit share","body":"What went well"}}`,
	"/api/v1/collaboratives/{collab}/applications":                  `{"organization":{"name":"Audit Org","size":"small"},"kind":"community","focus":"Audit focus","contactName":"Audit Contact","contactEmail":"audit.contact@example.org","agreeCommitments":true}`,
	"/api/v1/collaboratives/{collab}/applications/{app}/decision":   `{"decision":"accept"}`,
	"/api/v1/collaboratives/{collab}/meetings/{meeting}/attendance": `{"records":[{"userId":{user},"status":"virtual"}]}`,
	"/api/v1/collaboratives/{collab}/teams/{team}/values/import":    "",
}

// auditUploads are valid uploads, by pattern: file field, file name,
// content and other fields ({measure} and {member email} filled in).
var auditUploads = map[string]struct{ field, name, content, extra string }{
	"/c/{collab}/teams/{team}/data/import":             {"file", "data.csv", "measure,period,numerator,denominator\n{measure},2026-03,3,9\n", "apply=1"},
	"/c/{collab}/teams/{team}/assets/import":           {"file", "assets.csv", "name,kind,lat,lng\nAudit library,place,42.3,-71.1\n", ""},
	"/c/{collab}/meetings/{meeting}/attendance/import": {"sheet", "sheet.csv", "email,status\n{email},virtual\n", ""},
	"/c/{collab}/indicators":                           {"file", "indicators.csv", "indicator,geography,period,count\nAudit indicator,Harbor,2025,12\n", "source=Audit+source&asOf=2026-01-31"},
	"/c/{collab}/frameworks/import":                    {"file", "fw.yaml", "", ""}, // filled below from a built-in framework
}

// auditNotExercised are the mutating routes the walk does not yet send a
// valid request, each with why. The test fails when one of them starts
// working, so that the list only shrinks.
var auditNotExercised = map[string]string{
	"POST /c/{collab}/feedback-rounds/{round}":                    "the fixture round is closed, so its page has no edit form",
	"POST /c/{collab}/feedback-rounds/{round}/answer":             "only a team member answers, and the walk is the site admin; an anonymous answer's row names no one (TestFeedbackOneAnswerAnonymous)",
	"POST /c/{collab}/feedback-rounds/{round}/delete":             "a round with answers cannot be removed, and the fixture round has them",
	"POST /account/password":                                      "needs the actor's current password",
	"POST /c/{collab}/teams/{team}/aims/{aim}/drivers/{driver}":   "the fixture driver has PDSA cycles, so its form's delete is refused",
	"POST /account/calendar-feed/delete":                          "no form on a page until a feed exists",
	"POST /account/tokens/{id}/delete":                            "no form on a page until a token exists",
	"POST /account/totp/disable":                                  "needs TOTP enabled and a code",
	"POST /account/totp/enable":                                   "needs a code from the pending secret",
	"POST /c/{collab}/agenda/{topic}/withdraw":                    "only a topic's proposer sees the form",
	"POST /c/{collab}/frameworks/import":                          "upload not yet built by the walk",
	"POST /c/{collab}/meetings/{meeting}/feedback":                "only an attendee sees the form",
	"POST /c/{collab}/resources":                                  "multipart upload not yet built by the walk",
	"POST /c/{collab}/surveys/{survey}/links":                     "the form appears once a survey is open",
	"POST /c/{collab}/surveys/{survey}/open":                      "the fixture survey's page has no open form for the admin",
	"POST /c/{collab}/teams/{team}/habits/checkins":               "needs a habit first",
	"POST /c/{collab}/teams/{team}/meetings/{meeting}/attendance": "the team's view of an all-teams meeting has no form",
	"POST /c/{collab}/teams/{team}/network/edges":                 "needs two nodes first",
	"POST /c/{collab}/teams/{team}/reports":                       "the report form appears in the reporting month",
	"POST /c/{collab}/teams/{team}/resources/{resource}/use":      "the form is on the resource's page for team members",
	"POST /collaboratives/import":                                 "needs an archive built first",
	"POST /invite/{token}":                                        "needs an invitation token",
	"POST /login":                                                 "a sign-in, audited as signin (TestSignIn)",
	"POST /notifications/read":                                    "the walking admin has no notifications; TestNotifications marks one and all read",
	"POST /login/totp":                                            "needs a pending TOTP sign-in",
	"POST /reset/{token}":                                         "needs a reset link (TestPasswordResetByEmail checks its audit row)",
	"POST /c/{collab}/report-card/address":                        "the form shows once the card is published (TestReportCardFloorAndAddress)",
	"POST /s/{token}":                                             "anonymous survey answer: its row must not identify anyone (TestSurveySuppressionEverywhere)",
}

// auditNoRow are mutating routes that may answer without changing
// anything: a step of a workshop saves nothing until its end; a reset
// request for an address with no account changes nothing and has nobody
// to name (it answers as for any address, and the throttle counts it).
var auditNoRow = map[string]bool{
	"POST /c/{collab}/teams/{team}/moments/workshop": true,
	"POST /login/forgot":                             true,
}

// meaningless audit details: nothing, an empty diff, or only a count.
var thinDetail = regexp.MustCompile(`^(\{\}|\[\]|null|\s*|\d+(\s+[a-z]+)*)$`)

// TestAuditRowsSayWhatChanged walks the route table: every mutating
// route, sent a valid request (the form its page shows, filled in, or a
// valid JSON body) by the site administrator (or anyone, for public
// routes), must leave audit rows that say what changed: an action naming
// the object, a target holding its id, and a detail that is more than
// empty, "{}" or a count. Routes the walk cannot yet exercise are listed
// in auditNotExercised, with the reason; the test fails if one of them
// starts working (so the list only shrinks) or if any other route is not
// exercised.
func TestAuditRowsSayWhatChanged(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every route; runs without -short")
	}
	shared := newEnv(t, sqltest.SQLite(t))
	routes := shared.srv.Routes()
	forms := auditForms(t, shared, routes)
	t.Logf("%d forms found on the pages", len(forms))
	var thin, silent, missed []string
	exercised := 0
	for _, rt := range routes {
		if !rt.Mutates {
			continue
		}
		name := rt.Method + " " + rt.Pattern
		e := shared.clone(t)
		actor := "admin"
		var path, body, ct string
		if rt.API {
			b, ok := apiBodies[rt.Pattern]
			if !ok {
				missed = append(missed, name+" (no JSON body in apiBodies)")
				continue
			}
			var err error
			if path, err = fill(e, rt.Pattern, targets[0]); err != nil {
				t.Fatal(err)
			}
			body = strings.NewReplacer("{measure}", fmt.Sprint(e.ids["measure1"]), "{user}", fmt.Sprint(e.ids["userA"]),
				"{change}", fmt.Sprint(e.imp.ChangeIDs[0]), "{moment}", fmt.Sprint(e.ids["momentA"])).Replace(b)
			ct = "application/json"
			if strings.HasSuffix(rt.Pattern, "/values/import") {
				body, ct = fmt.Sprintf("measure,period,numerator,denominator\n%d,2026-03,3,9\n", e.ids["measure1"]), "text/csv"
			}
		} else if up, ok := auditUploads[rt.Pattern]; ok {
			var err error
			if path, err = fill(e, rt.Pattern, targets[0]); err != nil {
				t.Fatal(err)
			}
			email := ""
			m, err := e.db.FindMeeting(bg, e.ids["c1"], e.ids["meeting1"])
			must(t, err)
			if inv, err := e.db.Invitees(bg, m); err == nil && len(inv) > 0 {
				email = inv[0].Email
			}
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile(up.field, up.name)
			fw.Write([]byte(strings.NewReplacer("{measure}", fmt.Sprint(e.ids["measure1"]), "{email}", email).Replace(up.content)))
			extra, _ := url.ParseQuery(up.extra)
			for k, vs := range extra {
				mw.WriteField(k, vs[0])
			}
			mw.Close()
			body, ct = b.String(), mw.FormDataContentType()
		} else {
			// The form posting to the fixture's own object, else any
			// whose action the pattern matches.
			re := patternRE(rt.Pattern)
			own, _ := fill(e, rt.Pattern, targets[0])
			var f *auditForm
			for i := range forms {
				action := strings.SplitN(forms[i].action, "?", 2)[0]
				if action == own {
					f = &forms[i]
					break
				}
				if f == nil && re.MatchString(action) {
					f = &forms[i]
				}
			}
			if f == nil {
				missed = append(missed, name+" (no form for it on any page)")
				continue
			}
			path, body, ct = f.action, f.fields.Encode(), "application/x-www-form-urlencoded"
		}
		var last int64
		must(t, e.db.Raw().QueryRow(`SELECT COALESCE(MAX(id), 0) FROM audit_log`).Scan(&last))
		w := e.do(actor, rt.Method, path, strings.NewReader(body), ct)
		if w.Code >= 400 {
			why := regexp.MustCompile(`class="error"[^>]*>([^<]*)<|"message":"([^"]*)"`).FindAllStringSubmatch(w.Body.String(), 3)
			missed = append(missed, fmt.Sprintf("%s (answered %d %q to %s %.200s)", name, w.Code, why, path, body))
			continue
		}
		rows, err := e.db.Raw().Query(`SELECT action, target, detail FROM audit_log WHERE id > $1 AND action NOT IN ('signin') ORDER BY id`, last)
		must(t, err)
		n := 0
		for rows.Next() {
			var action, target, detail string
			must(t, rows.Scan(&action, &target, &detail))
			n++
			switch {
			case action == "":
				thin = append(thin, fmt.Sprintf("%s: an audit row with no action", name))
			case !regexp.MustCompile(`\d`).MatchString(target):
				thin = append(thin, fmt.Sprintf("%s: %s's target %q holds no object id", name, action, target))
			case action != "export" && thinDetail.MatchString(detail):
				thin = append(thin, fmt.Sprintf("%s: %s %s's detail is %q", name, action, target, detail))
			}
		}
		rows.Close()
		if n == 0 && auditNoRow[name] {
			continue
		}
		if n == 0 {
			silent = append(silent, fmt.Sprintf("%s (answered %d to %s %.200s, wrote no audit row)", name, w.Code, path, body))
			continue
		}
		exercised++
	}
	pending := maps.Clone(auditNotExercised)
	sort.Strings(missed)
	t.Logf("%d mutating routes exercised, %d not yet", exercised, len(missed))
	for _, m := range missed {
		route, _, _ := strings.Cut(m, " (")
		if why, ok := pending[route]; ok {
			t.Logf("not exercised: %s — %s", m, why)
			delete(pending, route)
			continue
		}
		t.Errorf("not exercised: %s: give the walk a valid request for it", m)
	}
	for route := range pending {
		t.Errorf("%s is exercised now: take it off auditNotExercised", route)
	}
	for _, s := range silent {
		t.Errorf("silent: %s", s)
	}
	for _, s := range thin {
		t.Errorf("thin audit row: %s", s)
	}
}
