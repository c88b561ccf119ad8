package as2

import (
	"slices"
	"strconv"
)

// Readers for the fields go-fed v1.0.0 has no vocabulary for. JSON-LD lets any single value be
// sent as a one-element array and vice versa, so each reader accepts both.

func rawString(m map[string]any, key string) string {
	switch v := m[key].(type) {
	case string:
		return v
	case []any:
		if len(v) > 0 {
			if s, ok := v[0].(string); ok {
				return s
			}
		}
	case map[string]any: // {"id": ...} or a Link {"href": ...}
		if s, ok := v["id"].(string); ok {
			return s
		}
		if s, ok := v["href"].(string); ok {
			return s
		}
	}
	return ""
}

// rawBool accepts true and "true": Misskey forks have sent booleans as strings.
func rawBool(m map[string]any, key string) bool {
	switch v := m[key].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

func rawInt(m map[string]any, key string) int {
	switch v := m[key].(type) {
	case float64:
		if v >= 0 && v < 1<<31 {
			return int(v)
		}
	case string:
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return n
		}
	}
	return 0
}

// rawList returns a property as a list whatever its JSON shape.
func rawList(m map[string]any, key string) []any {
	switch v := m[key].(type) {
	case nil:
		return nil
	case []any:
		return v
	default:
		return []any{v}
	}
}

func rawTypeOf(v any) string {
	if m, ok := v.(map[string]any); ok {
		return firstType(m)
	}
	return ""
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
