// A Logpush-like pusher for benchmarks: POST an empty body to every URL in a file, N at once,
// trusting one CA file (Go's net/http and crypto/tls, as Logpush's pusher uses them).
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	caFile, token, urlFile := os.Args[1], os.Args[2], os.Args[3]
	workers, _ := strconv.Atoi(os.Args[4])
	pool := x509.NewCertPool()
	if pem, err := os.ReadFile(caFile); err == nil {
		pool.AppendCertsFromPEM(pem)
	}
	file, err := os.Open(urlFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	urls := make(chan string)
	go func() {
		scanner := bufio.NewScanner(file)
		for scanner.Scan() {
			if line := strings.TrimSpace(scanner.Text()); line != "" && !strings.HasPrefix(line, "#") {
				urls <- line
			}
		}
		close(urls)
	}()
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for target := range urls {
				// One client per target, as separate pushes would: no connection reuse.
				client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{
					TLSClientConfig: &tls.Config{RootCAs: pool}, DisableKeepAlives: true}}
				req, _ := http.NewRequest("POST", target, strings.NewReader(""))
				req.Header.Set("Authorization", "Splunk "+token)
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				resp.Body.Close()
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	fmt.Printf("%d answered, %d failed\n", ok.Load(), failed.Load())
}
