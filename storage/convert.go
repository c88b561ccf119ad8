package storage

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Timestamps are stored as milliseconds since the Unix epoch: one portable type for both engines,
// and ordering and arithmetic that need no date functions.

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func msPtr(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	v := t.UnixMilli()
	return &v
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func fromMSPtr(v *int64) *time.Time {
	if v == nil {
		return nil
	}
	t := time.UnixMilli(*v).UTC()
	return &t
}

// nullStr stores "" as NULL, for optional references and nullable unique columns.
func nullStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func strOf(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// toJSON encodes a value kept as JSON text (string lists, profile fields, activities).
func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode json: %w", err)
	}
	return string(b), nil
}

// strList encodes a string list as JSON text, never "null".
func strList(v []string) string {
	if v == nil {
		return "[]"
	}
	b, _ := json.Marshal(v) // a []string always encodes
	return string(b)
}

func parseStrList(s string) ([]string, error) {
	var v []string
	if s == "" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("decode string list: %w", err)
	}
	return v, nil
}

// inList returns "?, ?, ?" for n placeholders.
func inList(n int) string {
	if n <= 0 {
		return "NULL" // IN (NULL) matches nothing, and keeps the SQL valid
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// anys converts strings into query arguments.
func anys[T ~string](v []T) []any {
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = string(s)
	}
	return out
}

// likePrefix escapes a user's text for LIKE ... ESCAPE '\' and appends the wildcard.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(strings.ToLower(s)) + "%"
}
