package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"
)

// probe is what the XSS test types into every text field: markup that
// would leave elements in the page if any template failed to escape it.
const probe = `"'><b data-xss="1">x</b><img src="x" data-xss="1" onerror="window.__xss=1"><script>window.__xss=1</script>`

// crawler walks a signed-in person's pages with a plain HTTP client.
type crawler struct {
	base   string
	client *http.Client
	seen   map[string]bool
	pages  []string
	// downloads are the links the crawl did not follow as pages (files,
	// feeds), for tests that read them.
	downloads map[string]bool
	forms     []form
}

type form struct {
	page, action string
	fields       url.Values
	file         bool
}

func newCrawler(t *testing.T, base, email, password string) *crawler {
	jar, _ := cookiejar.New(nil)
	c := &crawler{base: base, client: &http.Client{Jar: jar}, seen: map[string]bool{}, downloads: map[string]bool{}}
	res, err := c.client.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return c
}

// skip says which links the crawl leaves alone: downloads and feeds are
// not pages, and sign-out would end the crawl.
func skip(path string) bool {
	for _, s := range []string{"/static/", "/logout", "/api/", ".csv", ".xlsx", ".ics", ".svg", ".png", ".zip", ".pdf", ".geojson", "/export", "/download", "/feed", "/metrics", "/invite/"} {
		if strings.Contains(path, s) {
			return true
		}
	}
	return false
}

func (c *crawler) crawl(t *testing.T, start string, limit int) {
	queue := []string{start}
	for len(queue) > 0 && len(c.pages) < limit {
		p := queue[0]
		queue = queue[1:]
		if c.seen[p] {
			continue
		}
		c.seen[p] = true
		res, err := c.client.Get(c.base + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue
		}
		c.pages = append(c.pages, p)
		links, forms := parsePage(p, string(body))
		for _, l := range links {
			switch {
			case skip(l):
				c.downloads[l] = true
			case !c.seen[l]:
				queue = append(queue, l)
			}
		}
		c.forms = append(c.forms, forms...)
	}
}

// parsePage finds same-site links and POST forms with their fields.
func parsePage(page, body string) (links []string, forms []form) {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return nil, nil
	}
	attr := func(n *html.Node, k string) string {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val
			}
		}
		return ""
	}
	var cur *form
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "a":
				if h := attr(n, "href"); strings.HasPrefix(h, "/") && !strings.HasPrefix(h, "//") {
					links = append(links, strings.SplitN(h, "#", 2)[0])
				}
			case "form":
				if strings.EqualFold(attr(n, "method"), "post") {
					action := attr(n, "action")
					if action == "" {
						action = page
					}
					forms = append(forms, form{page: page, action: action, fields: url.Values{}, file: attr(n, "enctype") == "multipart/form-data"})
					cur = &forms[len(forms)-1]
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						walk(c)
					}
					cur = nil
					return
				}
			case "input", "textarea", "select":
				if cur != nil && attr(n, "name") != "" {
					name := attr(n, "name")
					switch typ := attr(n, "type"); {
					case n.Data == "textarea", typ == "" || typ == "text" || typ == "search":
						cur.fields.Set(name, probe)
					case typ == "email":
						cur.fields.Set(name, "xss.probe@example.org")
					case typ == "hidden", typ == "number", typ == "date", typ == "datetime-local", typ == "time", typ == "url":
						cur.fields.Set(name, attr(n, "value"))
					case typ == "checkbox" || typ == "radio":
						if _, ok := cur.fields[name]; !ok {
							cur.fields.Set(name, attr(n, "value"))
						}
					case n.Data == "select":
						for o := n.FirstChild; o != nil; o = o.NextSibling {
							if o.Type == html.ElementNode && o.Data == "option" {
								cur.fields.Set(name, attr(o, "value"))
								break
							}
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return links, forms
}

// destructive forms would remove what the crawl needs or sign out.
func destructive(f form) bool {
	for _, s := range []string{"logout", "delete", "remove", "revoke", "disable", "withdraw", "totp", "password", "tokens"} {
		if strings.Contains(f.action, s) {
			return true
		}
	}
	return f.fields.Get("action") == "remove" || f.file
}

// TestBrowserStoredXSS types markup into every text field of every form a
// convener and a team director can reach, then renders every page they can
// reach in chromium and looks for any element the markup would create.
func TestBrowserStoredXSS(t *testing.T) {
	srv := startDemo(t)
	var pages []string
	for _, who := range []string{"director.harbor@example.org", "convener@example.org"} {
		c := newCrawler(t, srv.URL, who, srv.Password)
		c.crawl(t, "/", 150)
		posted := 0
		for _, f := range c.forms {
			if destructive(f) || !strings.HasPrefix(f.action, "/") {
				continue
			}
			res, err := c.client.PostForm(srv.URL+f.action, f.fields)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode >= 500 {
				t.Errorf("POST %s (from %s) as %s: %d", f.action, f.page, who, res.StatusCode)
			}
			posted++
		}
		// Crawl again: the probes made new pages (teams, items) to render.
		c2 := newCrawler(t, srv.URL, who, srv.Password)
		c2.crawl(t, "/", 300)
		t.Logf("%s: %d forms posted with probes, %d pages to render", who, posted, len(c2.pages))
		pages = c2.pages
		// Render each page in chromium, signed in as the same person.
		b := newBrowser(t)
		if err := signIn(b, srv.URL, who, srv.Password); err != nil {
			t.Fatal(err)
		}
		shown := 0
		for _, p := range pages {
			if err := chromedp.Do(b, chromedp.Navigate(srv.URL+p)); err != nil {
				t.Errorf("%s as %s: %v", p, who, err)
				continue
			}
			n := read(t, b, chromedp.Evaluate[int](`document.querySelectorAll('[data-xss]').length + (window.__xss ? 1000 : 0)`))
			if n != 0 {
				t.Errorf("%s as %s: %d injected elements", p, who, n)
			}
			// The probe must be on show as text somewhere, or the test
			// proved nothing.
			if read(t, b, chromedp.Evaluate[bool](`document.body.innerText.includes('data-xss="1"')`)) {
				shown++
			}
		}
		if shown == 0 {
			t.Errorf("as %s the probe appears as text on no page: nothing was tested", who)
		}
		t.Logf("%s: the probe shows as plain text on %d pages", who, shown)
	}
	if len(pages) < 10 {
		t.Errorf("the crawl reached only %d pages", len(pages))
	}
}
