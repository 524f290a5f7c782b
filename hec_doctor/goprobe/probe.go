// hec-doctor-goprobe: pushes to a destination as Cloudflare Logpush's pusher does, with Go's own
// crypto/tls and net/http, and reports what happened as facts for hec-doctor to judge.
//
// One process serves many targets: a JSON request per line on stdin, a JSON result per line on
// stdout (in completion order, matched by id), each request on its own goroutine with its own
// transport. It never follows a redirect: it reports what Go's client would do instead
// (CheckRedirect sees the next request as Go built it, Authorization header included or not).
// It sends nothing but the request it is given, to the URL it is given, over TLS only.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

// The most of a reply's body that is read and reported.
const maxBody = 64 * 1024

type request struct {
	ID                 int64             `json:"id"`
	URL                string            `json:"url"`
	Method             string            `json:"method"`
	Dial               string            `json:"dial"`
	Roots              string            `json:"roots"`
	InsecureSkipVerify bool              `json:"insecure_skip_verify"`
	TimeoutS           float64           `json:"timeout_s"`
	Headers            map[string]string `json:"headers"`
	Body               string            `json:"body"`
	Now                string            `json:"now"`
	// HealthPath, when set, is asked with a GET once the push has its whole reply, on the
	// push's transport (the same connection where the server keeps it open): the health check
	// then needs no connection of its own.
	HealthPath string `json:"health_path"`
	// BodyLimit, when above 0, asks after the health GET whether something in front of HEC
	// refuses a push of that many bytes: the push's head with that Content-Length and
	// "Expect: 100-continue", and not one byte of body (see askBodyLimit).
	BodyLimit int64 `json:"body_limit"`
}

// bodyLimitFacts: what the head of a push of Size bytes got before any of its body was sent.
type bodyLimitFacts struct {
	Size int64 `json:"size"`
	// Status and its reply: a final answer to the head alone (413: refused for its size).
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
	// Ready: the server asked for the body (100 Continue) or let Go's wait for one lapse; the
	// probe then ended the request without sending any of it.
	Ready bool   `json:"ready"`
	Error string `json:"error,omitempty"`
}

type tlsFacts struct {
	Version          string   `json:"version"`
	CipherSuite      string   `json:"cipher_suite"`
	Group            string   `json:"group"`
	ALPN             string   `json:"alpn"`
	ServerName       string   `json:"server_name"`
	PeerCertificates []string `json:"peer_certificates"`
}

type httpFacts struct {
	Status    int               `json:"status"`
	Proto     string            `json:"proto"`
	Headers   map[string]string `json:"headers"`
	Body      string            `json:"body"`
	BodyBytes int               `json:"body_bytes"`
	Truncated bool              `json:"truncated"`
	ReadError string            `json:"read_error,omitempty"`
	Bounded   bool              `json:"bounded"`
}

type redirectFacts struct {
	Status             int    `json:"status"`
	Location           string `json:"location"`
	Method             string `json:"method"`
	URL                string `json:"url"`
	SendsAuthorization bool   `json:"sends_authorization"`
	ResendsBody        bool   `json:"resends_body"`
}

// healthFacts: the GET of the health path after the push (never with the token).
type healthFacts struct {
	httpFacts
	Error  string `json:"error,omitempty"`
	Reused bool   `json:"reused"`
}

type result struct {
	ID         int64              `json:"id"`
	GoVersion  string             `json:"go_version"`
	Error      string             `json:"error,omitempty"`
	ErrorInner string             `json:"error_inner,omitempty"`
	Phases     map[string]float64 `json:"phases"`
	TLS        *tlsFacts          `json:"tls,omitempty"`
	HTTP       *httpFacts         `json:"http,omitempty"`
	Redirect   *redirectFacts     `json:"redirect,omitempty"`
	RemoteAddr string             `json:"remote_addr,omitempty"`
	Health     *healthFacts       `json:"health,omitempty"`
	// Why the health path was not asked though it was wanted ("" when it was, or not wanted).
	HealthSkipped string          `json:"health_skipped,omitempty"`
	BodyLimit     *bodyLimitFacts `json:"body_limit,omitempty"`
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "version" {
		fmt.Println(runtime.Version())
		return
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	out := json.NewEncoder(os.Stdout)
	var lock sync.Mutex
	var pending sync.WaitGroup
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			lock.Lock()
			out.Encode(result{ID: -1, GoVersion: runtime.Version(), Error: "bad request: " + err.Error()})
			lock.Unlock()
			continue
		}
		pending.Add(1)
		go func(req request) {
			defer pending.Done()
			res := push(req)
			lock.Lock()
			out.Encode(res)
			lock.Unlock()
		}(req)
	}
	pending.Wait()
}

func push(req request) (res result) {
	res = result{ID: req.ID, GoVersion: runtime.Version(), Phases: map[string]float64{}}
	if !strings.HasPrefix(req.URL, "https://") {
		res.Error = "refused: the probe speaks HTTPS only"
		return
	}
	timeout := time.Duration(req.TimeoutS * float64(time.Second))
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	config := &tls.Config{InsecureSkipVerify: req.InsecureSkipVerify}
	if req.Roots != "" {
		pool, err := rootsFrom(req.Roots)
		if err != nil {
			res.Error = "refused: cannot read the roots in " + req.Roots
			return
		}
		config.RootCAs = pool
	}
	if req.Now != "" {
		if now, err := time.Parse(time.RFC3339, req.Now); err == nil {
			config.Time = func() time.Time { return now }
		}
	}
	dialer := &net.Dialer{Timeout: timeout}
	transport := &http.Transport{
		TLSClientConfig:       config,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		// One connection per target, as a push makes: kept open only for the health GET.
		DisableKeepAlives: req.HealthPath == "",
		// The pusher speaks HTTP/2 where the server offers it: Cloudflare's WAF rule for Logpush
		// matches the user agent Go sends over HTTP/2, "Go-http-client/2.0".
		ForceAttemptHTTP2: true,
		Proxy:             nil,
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			if req.Dial != "" {
				address = req.Dial
			}
			return dialer.DialContext(ctx, network, address)
		},
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{
		Transport: transport,
		Timeout:   3 * timeout,
		CheckRedirect: func(next *http.Request, via []*http.Request) error {
			// Go built the request it would send next: report it, never send it.
			res.Redirect = &redirectFacts{
				Status:             next.Response.StatusCode,
				Location:           next.Response.Header.Get("Location"),
				Method:             next.Method,
				URL:                next.URL.String(),
				SendsAuthorization: next.Header.Get("Authorization") != "",
				ResendsBody:        next.Method == "POST" && next.GetBody != nil,
			}
			return http.ErrUseLastResponse
		},
	}
	method := req.Method
	if method == "" {
		method = "POST"
	}
	started := time.Now()
	// Trace callbacks run on the transport's goroutines (several at once while Go dials more
	// than one address): every write to the result is under this lock.
	var mu sync.Mutex
	mark := func(phase string) {
		mu.Lock()
		defer mu.Unlock()
		if _, seen := res.Phases[phase]; !seen {
			res.Phases[phase] = time.Since(started).Seconds()
		}
	}
	trace := &httptrace.ClientTrace{
		DNSDone:           func(httptrace.DNSDoneInfo) { mark("dns_done") },
		ConnectDone:       func(string, string, error) { mark("connect_done") },
		TLSHandshakeStart: func() { mark("tls_start") },
		TLSHandshakeDone: func(state tls.ConnectionState, err error) {
			mark("tls_done")
			if len(state.PeerCertificates) > 0 || state.Version != 0 {
				mu.Lock()
				res.TLS = describe(state)
				mu.Unlock()
			}
		},
		GotConn: func(info httptrace.GotConnInfo) {
			mu.Lock()
			res.RemoteAddr = info.Conn.RemoteAddr().String()
			mu.Unlock()
		},
		WroteRequest:         func(httptrace.WroteRequestInfo) { mark("wrote_request") },
		GotFirstResponseByte: func() { mark("first_byte") },
	}
	var body io.Reader = http.NoBody
	if req.Body != "" {
		body = strings.NewReader(req.Body)
	}
	// The body has its own step's time once the head arrived (as every step has): a server that
	// sends a head and then holds the connection open ends the read, reported as cut short.
	ctx, cancel := context.WithCancel(httptrace.WithClientTrace(context.Background(), trace))
	defer cancel()
	outgoing, err := http.NewRequestWithContext(ctx, method, req.URL, body)
	if err != nil {
		res.Error = err.Error()
		return
	}
	for name, value := range req.Headers {
		outgoing.Header.Set(name, value)
	}
	reply, err := client.Do(outgoing)
	mu.Lock()
	defer mu.Unlock()
	res.Phases["total"] = time.Since(started).Seconds()
	if err != nil {
		res.Error = err.Error()
		var urlError *url.Error
		if errors.As(err, &urlError) {
			res.ErrorInner = urlError.Err.Error()
		}
		var verify *tls.CertificateVerificationError
		if errors.As(err, &verify) && res.TLS == nil {
			res.TLS = &tlsFacts{}
		}
		if errors.As(err, &verify) {
			res.TLS.PeerCertificates = encode(verify.UnverifiedCertificates)
		}
		return
	}
	facts := readReply(reply, timeout, cancel)
	res.HTTP = facts
	res.Phases["total"] = time.Since(started).Seconds()
	if reply.TLS != nil && res.TLS == nil {
		res.TLS = describe(*reply.TLS)
	}
	if req.HealthPath != "" {
		mu.Unlock()
		health, skipped := askHealth(req, transport, facts, timeout)
		mu.Lock()
		res.Health, res.HealthSkipped = health, skipped
		if req.BodyLimit > 0 && health != nil && health.Status != 0 {
			// How long the head waits for the server's word before the body would follow: a
			// front end refusing it answers within a round trip, so three times the push's
			// wait for its reply, between 100 ms and Go's DefaultTransport value (1 s).
			wait := 3 * time.Duration((res.Phases["first_byte"]-res.Phases["wrote_request"])*float64(time.Second))
			transport.ExpectContinueTimeout = min(max(wait, 100*time.Millisecond), time.Second)
			mu.Unlock()
			limit := askBodyLimit(req, transport, timeout)
			mu.Lock()
			res.BodyLimit = limit
		}
	}
	return
}

// errBodyWithheld ends the body-limit question once the server is ready for the body.
var errBodyWithheld = errors.New("body withheld")

// withheldBody is a body that is never sent: its first read notes that the server was ready
// for it and fails, which ends the request (the server never receives a complete push).
type withheldBody struct{ asked *bool }

func (b withheldBody) Read([]byte) (int, error) {
	*b.asked = true
	return 0, errBodyWithheld
}

// askBodyLimit sends the head of a push of req.BodyLimit bytes (the push's URL and headers,
// without the token) with "Expect: 100-continue" (RFC 9110 section 10.1.1): a front end that
// refuses bodies that large answers 413 to the head alone (nginx does, from the Content-Length,
// before reading any body: ngx_http_core_module's client_max_body_size), and one that takes it
// answers 100 or nothing, and the probe then ends the request. No byte of body is ever sent.
func askBodyLimit(req request, transport *http.Transport, timeout time.Duration) *bodyLimitFacts {
	facts := &bodyLimitFacts{Size: req.BodyLimit}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	outgoing, err := http.NewRequestWithContext(ctx, "POST", req.URL,
		withheldBody{asked: &facts.Ready})
	if err != nil {
		facts.Error = err.Error()
		return facts
	}
	outgoing.ContentLength = req.BodyLimit
	for name, value := range req.Headers {
		if !strings.EqualFold(name, "Authorization") {
			outgoing.Header.Set(name, value)
		}
	}
	outgoing.Header.Set("Expect", "100-continue")
	client := &http.Client{Transport: transport, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	reply, err := client.Do(outgoing)
	if err != nil {
		if !facts.Ready {
			facts.Error = err.Error()
		}
		return facts
	}
	read := readReply(reply, timeout, cancel)
	facts.Status, facts.Headers, facts.Body = read.Status, read.Headers, read.Body
	return facts
}

// rootPools: each roots file read once per process, as long as it is unchanged (a fleet's
// targets share one; parsing certifi's bundle of some 140 certificates for every target cost
// more than the handshake).
var rootPools sync.Map // path -> pooled

type pooled struct {
	modified time.Time
	size     int64
	pool     *x509.CertPool
}

func rootsFrom(path string) (*x509.CertPool, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if cached, ok := rootPools.Load(path); ok {
		if c := cached.(pooled); c.modified.Equal(info.ModTime()) && c.size == info.Size() {
			return c.pool, nil
		}
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("no certificate")
	}
	rootPools.Store(path, pooled{modified: info.ModTime(), size: info.Size(), pool: pool})
	return pool, nil
}

// readReply reads a reply's head and at most maxBody of its body, within timeout; cancel ends
// the request's context (a body that never ends is cut short, and said so).
func readReply(reply *http.Response, timeout time.Duration, cancel context.CancelFunc) *httpFacts {
	defer reply.Body.Close()
	bodyTimer := time.AfterFunc(timeout, cancel)
	defer bodyTimer.Stop()
	facts := &httpFacts{Status: reply.StatusCode, Proto: reply.Proto, Headers: map[string]string{}}
	for name := range reply.Header {
		facts.Headers[strings.ToLower(name)] = reply.Header.Get(name)
	}
	data, readErr := io.ReadAll(io.LimitReader(reply.Body, maxBody+1))
	// Stop reports false when the timer already fired. Go's transport, cancelled while it reads
	// a body that ends only when the connection closes, can hand back a clean io.EOF (seen here
	// under load): the cancel, not the read's error, says the body was cut short.
	cutShort := !bodyTimer.Stop()
	if len(data) > maxBody {
		data, facts.Bounded = data[:maxBody], true
	}
	if readErr == nil && cutShort && !facts.Bounded {
		readErr = context.Canceled
	}
	if readErr != nil {
		facts.ReadError = readErr.Error()
		facts.Truncated = true
	}
	facts.Body, facts.BodyBytes = string(data), len(data)
	return facts
}

// askHealth GETs the health path over the push's transport once the push had its whole reply
// (a push that got none, or a cut-short one, would only make this wait as long again). Never
// with the token, never following a redirect, within timeout in all.
func askHealth(req request, transport *http.Transport, push *httpFacts,
	timeout time.Duration) (*healthFacts, string) {
	if push.Truncated {
		return nil, "the push's reply was cut short"
	}
	target, err := url.Parse(req.URL)
	if err != nil {
		return nil, err.Error()
	}
	target.Path, target.RawPath, target.RawQuery = req.HealthPath, "", ""
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	facts := &healthFacts{}
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		facts.Reused = info.Reused
	}}
	outgoing, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), "GET",
		target.String(), nil)
	if err != nil {
		return nil, err.Error()
	}
	client := &http.Client{Transport: transport, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	reply, err := client.Do(outgoing)
	if err != nil {
		facts.Error = err.Error()
		return facts, ""
	}
	facts.httpFacts = *readReply(reply, timeout, cancel)
	return facts, ""
}

func describe(state tls.ConnectionState) *tlsFacts {
	facts := &tlsFacts{
		Version:          tls.VersionName(state.Version),
		CipherSuite:      tls.CipherSuiteName(state.CipherSuite),
		ALPN:             state.NegotiatedProtocol,
		ServerName:       state.ServerName,
		PeerCertificates: encode(state.PeerCertificates),
	}
	if state.CurveID != 0 {
		facts.Group = state.CurveID.String()
	}
	if state.Version == 0 {
		facts.Version = ""
		facts.CipherSuite = ""
	}
	return facts
}

func encode(chain []*x509.Certificate) []string {
	out := make([]string, 0, len(chain))
	for _, cert := range chain {
		out = append(out, base64.StdEncoding.EncodeToString(cert.Raw))
	}
	return out
}
