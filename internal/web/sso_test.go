package web

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// testProvider is a small OpenID Connect provider in the test process: it
// approves every authorization at once for the email it is told to vouch
// for, and signs ID tokens with its own RSA key.
type testProvider struct {
	*httptest.Server
	key      *rsa.PrivateKey
	mu       sync.Mutex
	email    string
	verified bool
	nonces   map[string]string // code -> nonce
	badNonce bool
}

func newTestProvider(t *testing.T) *testProvider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &testProvider{key: key, nonces: map[string]string{}, verified: true}
	mux := http.NewServeMux()
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": p.URL, "authorization_endpoint": p.URL + "/authorize", "token_endpoint": p.URL + "/token",
			"jwks_uri": p.URL + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256"},
			"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
			http.Error(w, "PKCE required", 400)
			return
		}
		code := "code-" + q.Get("state")[:8]
		p.mu.Lock()
		p.nonces[code] = q.Get("nonce")
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		p.mu.Lock()
		nonce, ok := p.nonces[r.PostForm.Get("code")]
		delete(p.nonces, r.PostForm.Get("code"))
		email, verified, bad := p.email, p.verified, p.badNonce
		p.mu.Unlock()
		if !ok || r.PostForm.Get("code_verifier") == "" {
			http.Error(w, `{"error":"invalid_grant"}`, 400)
			return
		}
		if bad {
			nonce = "forged"
		}
		signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
		claims, _ := json.Marshal(map[string]any{"iss": p.URL, "sub": "u1", "aud": "goeswell", "exp": time.Now().Add(time.Hour).Unix(),
			"iat": time.Now().Unix(), "nonce": nonce, "email": email, "email_verified": verified})
		jws, _ := signer.Sign(claims)
		idt, _ := jws.CompactSerialize()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 3600, "id_token": idt})
	})
	return p
}

func TestSingleSignOn(t *testing.T) {
	idp := newTestProvider(t)
	e := newEnv(t, sqltest.SQLite(t))
	var err error
	e.srv, err = New(Config{DB: e.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://goeswell.test",
		OIDC: OIDCConfig{Issuer: idp.URL, ClientID: "goeswell", ClientSecret: "s3cret", Name: "State Health Department"}})
	must(t, err)
	if w := e.do("", "GET", "/login", nil, ""); !strings.Contains(w.Body.String(), "Sign in with State Health Department") {
		t.Fatal("no single sign-on button on the sign-in page")
	}
	// signOn walks the browser's part: our redirect, the provider's, our callback.
	signOn := func(email string) *httptest.ResponseRecorder {
		idp.mu.Lock()
		idp.email = email
		idp.mu.Unlock()
		w := e.form("", "/login/sso", url.Values{"next": {"/c/1/teams"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("start: %d %s", w.Code, w.Body.String())
		}
		cookie := w.Result().Cookies()[0]
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(w.Header().Get("Location"))
		must(t, err)
		res.Body.Close()
		cb, _ := url.Parse(res.Header.Get("Location"))
		req := httptest.NewRequest("GET", cb.RequestURI(), nil)
		req.AddCookie(cookie)
		out := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(out, req)
		return out
	}
	w := signOn("Coach@Example.org")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/c/1/teams" {
		t.Fatalf("callback: %d %q %s", w.Code, w.Header().Get("Location"), w.Body.String())
	}
	var session string
	for _, c := range w.Result().Cookies() {
		if c.Name == e.srv.cookieName() {
			session = c.Value
		}
	}
	if uid, err := e.db.SessionUser(bg, session); err != nil || uid == 0 {
		t.Errorf("no session after single sign-on (%v)", err)
	}
	if w := signOn("stranger@example.org"); !strings.Contains(w.Body.String(), "no goeswell account") {
		t.Errorf("unknown email: %d", w.Code)
	}
	idp.mu.Lock()
	idp.verified = false
	idp.mu.Unlock()
	if w := signOn("coach@example.org"); !strings.Contains(w.Body.String(), "did not work") {
		t.Errorf("unverified email signed in: %d", w.Code)
	}
	idp.mu.Lock()
	idp.verified, idp.badNonce = true, true
	idp.mu.Unlock()
	if w := signOn("coach@example.org"); !strings.Contains(w.Body.String(), "did not work") {
		t.Errorf("forged nonce signed in: %d", w.Code)
	}
	// A callback without the browser's cookie (another browser, a forged
	// link) is refused.
	if w := e.do("", "GET", "/login/sso/callback?code=x&state=y", nil, ""); !strings.Contains(w.Body.String(), "did not work") {
		t.Errorf("callback without state cookie: %d", w.Code)
	}
}
