package main

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetricsArePrometheusText: a real server's /metrics page is read whole by the Prometheus text
// parser (what Prometheus itself runs on a scrape), every family has its # HELP and # TYPE lines, and the request
// duration is a real histogram with cumulative le buckets ending in +Inf, which histogram_quantile
// needs (VictoriaMetrics' default vmrange buckets are not).
func TestMetricsArePrometheusText(t *testing.T) {
	base, _, _ := startServer(t, tempDB(t))
	for range 3 {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("Prometheus text parser refused /metrics: %v", err)
	}
	for name, want := range map[string]dto.MetricType{
		"guildhall_http_requests_total":           dto.MetricType_COUNTER,
		"guildhall_http_request_duration_seconds": dto.MetricType_HISTOGRAM,
		"guildhall_db_open_connections":           dto.MetricType_GAUGE,
		"guildhall_db_statements_total":           dto.MetricType_COUNTER,
		"go_goroutines":                           dto.MetricType_GAUGE,
	} {
		mf, ok := families[name]
		if !ok {
			t.Errorf("/metrics lacks %s", name)
			continue
		}
		if mf.GetType() != want {
			t.Errorf("%s: type %v, want %v", name, mf.GetType(), want)
		}
		// The library writes "# HELP name" without text, which the parser leaves unset.
		if !regexp.MustCompile(`(?m)^# HELP ` + name + `( |$)`).Match(page) {
			t.Errorf("%s has no # HELP line", name)
		}
	}
	mf := families["guildhall_http_request_duration_seconds"]
	if mf == nil {
		t.FailNow()
	}
	var healthz *dto.Histogram
	for _, m := range mf.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "route" && l.GetValue() == "/healthz" {
				healthz = m.GetHistogram()
			}
		}
	}
	if healthz == nil {
		t.Fatal("no request-duration histogram for route /healthz")
	}
	if healthz.GetSampleCount() < 3 {
		t.Errorf("histogram counted %d requests, want at least 3", healthz.GetSampleCount())
	}
	buckets := healthz.GetBucket()
	if len(buckets) < 5 {
		t.Fatalf("only %d le buckets", len(buckets))
	}
	prevBound, prevCount := -1.0, uint64(0)
	for _, b := range buckets {
		if b.GetUpperBound() <= prevBound || b.GetCumulativeCount() < prevCount {
			t.Fatalf("buckets not cumulative in increasing le: %v", buckets)
		}
		prevBound, prevCount = b.GetUpperBound(), b.GetCumulativeCount()
	}
	if prevCount != healthz.GetSampleCount() {
		t.Errorf("largest bucket holds %d of %d samples", prevCount, healthz.GetSampleCount())
	}
}
