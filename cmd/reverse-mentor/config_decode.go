package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"

	"github.com/reverse-mentor/reverse-mentor/app"
)

// decodeHook turns file and environment values into the types of app.Config
// when viper decodes them. Strings are trimmed; durations are written with a
// unit ("24h", "90m"); lists are comma-separated in the environment, their
// empty items dropped; program.topics is a JSON array in the environment.
// Besides mapstructure's weak typing, a fraction is not a whole number, a bare
// number other than 0 is not a duration, and numbers and booleans do not stand
// for each other.
func decodeHook() mapstructure.DecodeHookFunc {
	return mapstructure.ComposeDecodeHookFunc(
		trimSpaceHook,
		topicsHook,
		strictNumberHook,
		mapstructure.StringToTimeDurationHookFunc(),
		mapstructure.StringToSliceHookFunc(","),
		dropBlankItemsHook,
	)
}

// valueError is a problem a hook found with a value, worded to follow the key
// in a problem ("program.topics must be a list ...").
type valueError string

// Error returns the wording.
func (e valueError) Error() string { return string(e) }

var (
	durationType = reflect.TypeFor[time.Duration]()
	stringsType  = reflect.TypeFor[[]string]()
	topicsType   = reflect.TypeFor[[]app.Topic]()
)

// trimSpaceHook trims the spaces around every string.
func trimSpaceHook(_, _ reflect.Type, data any) (any, error) {
	if s, ok := data.(string); ok {
		return strings.TrimSpace(s), nil
	}
	return data, nil
}

// topicsHook reads program.topics from a JSON array of {"id","en","ja"}
// objects when it is a string (as it is in the environment), and checks that
// it is a list of maps with only those fields, reporting every bad entry.
func topicsHook(_, to reflect.Type, data any) (any, error) {
	if to != topicsType || reflect.TypeOf(data) == topicsType {
		return data, nil
	}
	if s, ok := data.(string); ok {
		if s == "" {
			return []app.Topic(nil), nil
		}
		var decoded any
		if err := json.Unmarshal([]byte(s), &decoded); err != nil {
			return nil, valueError(fmt.Sprintf(`must be a JSON array of {"id","en","ja"} objects: %v`, err))
		}
		data = decoded
	}
	list, ok := data.([]any)
	if !ok {
		return nil, valueError("must be a list of {id, en, ja} entries")
	}
	var bad []string
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			bad = append(bad, fmt.Sprintf("entry %d is not an {id, en, ja} map", i))
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			switch strings.ToLower(k) {
			case "id", "en", "ja":
				switch m[k].(type) {
				case []any, map[string]any:
					bad = append(bad, fmt.Sprintf("entry %d: %s must be a single value", i, k))
				}
			default:
				bad = append(bad, fmt.Sprintf("entry %d: unknown field %q (want id, en, ja)", i, k))
			}
		}
	}
	if len(bad) > 0 {
		return nil, valueError("has bad entries: " + strings.Join(bad, "; "))
	}
	return list, nil
}

// strictNumberHook refuses the conversions of weak typing that lose or invent
// information: a fraction or an out-of-range number to an integer, a bare
// number other than 0 to a duration (24 would be 24ns), and a boolean to a
// number or a number to a boolean.
func strictNumberHook(from, to reflect.Type, data any) (any, error) {
	if from == to {
		return data, nil
	}
	v := reflect.ValueOf(data)
	fromNumber, toNumber := isNumberKind(from.Kind()), isNumberKind(to.Kind())
	switch {
	case from.Kind() == reflect.Bool && toNumber:
		return nil, errors.New("a boolean is not a number")
	case fromNumber && to.Kind() == reflect.Bool:
		return nil, errors.New("a number is not a boolean")
	case fromNumber && to == durationType:
		if !v.IsZero() {
			return nil, errors.New("a duration needs a unit")
		}
		return time.Duration(0), nil
	case to.Kind() != reflect.Int:
	case from.Kind() == reflect.Float32 || from.Kind() == reflect.Float64:
		if f := v.Float(); f != math.Trunc(f) || math.Abs(f) >= 1<<53 {
			return nil, errors.New("not a whole number")
		}
	case from.Kind() >= reflect.Uint && from.Kind() <= reflect.Uintptr:
		if v.Uint() > math.MaxInt {
			return nil, errors.New("too large")
		}
	}
	return data, nil
}

// isNumberKind reports whether k is an integer or floating-point kind.
func isNumberKind(k reflect.Kind) bool {
	return (k >= reflect.Int && k <= reflect.Uintptr) || k == reflect.Float32 || k == reflect.Float64
}

// dropBlankItemsHook drops the empty items of a list of strings, such as the
// ones "U0AAA,,W0BBB," leaves.
func dropBlankItemsHook(from, to reflect.Type, data any) (any, error) {
	if to != stringsType || from.Kind() != reflect.Slice {
		return data, nil
	}
	in := reflect.ValueOf(data)
	if in.IsNil() {
		return data, nil
	}
	out := make([]any, 0, in.Len())
	for i := range in.Len() {
		item := in.Index(i).Interface()
		if s, ok := item.(string); ok && strings.TrimSpace(s) == "" {
			continue
		}
		out = append(out, item)
	}
	return out, nil
}
