package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"
)

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// RES-07: 500 slow connections (headers dripped, a body dripped, or idle after a request) do not
// stop a normal request from being served, and the server closes every one of them itself, so
// the descriptors come back.
func TestSlowClientsAreCutOff(t *testing.T) {
	// Short timeouts so the test does not wait a minute; the production values are the same
	// mechanism (DefaultTimeouts).
	_, addr := serving(t, Options{Timeouts: Timeouts{ReadHeader: time.Second, Read: 2 * time.Second, Idle: time.Second}})
	baseline := openFDs(t)
	const slow = 500
	kinds := []string{"header", "body", "idle"}
	conns := make([]net.Conn, 0, slow)
	for i := range slow {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
		switch kinds[i%3] {
		case "header": // the request line and half a header, never finished
			_, err = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: council.test\r\nX-Slow: ")
		case "body": // complete headers, a body promised and never sent
			_, err = io.WriteString(c, "POST /inbox HTTP/1.1\r\nHost: council.test\r\nContent-Type: application/activity+json\r\nContent-Length: 100000\r\n\r\n{\"type\":")
		case "idle": // one request answered, then silence on a kept-alive connection
			_, err = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: council.test\r\n\r\n")
		}
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()

	// A normal client is served while all 500 are held open.
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("a normal request during the slowloris: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Fatalf("a normal request during the slowloris: %d %q", resp.StatusCode, body)
	}

	// Every slow connection is closed by the server. The 60 s read deadline is only so a broken
	// server fails the test instead of hanging it; nothing is asserted about how fast.
	var wg sync.WaitGroup
	errs := make(chan error, slow)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.SetReadDeadline(time.Now().Add(60 * time.Second))
			_, err := io.Copy(io.Discard, c) // returns at EOF: the server closed the connection
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				errs <- fmt.Errorf("%s connection %d was never closed by the server", kinds[i%3], i)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, c := range conns {
		c.Close()
	}
	// Both ends of all 500 are gone: the server does not keep descriptors for them.
	if got := openFDs(t); got > baseline+20 {
		t.Fatalf("%d descriptors open after the slow clients were cut off, %d before they came", got, baseline)
	}
}
