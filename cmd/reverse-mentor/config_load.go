package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/viper"

	"github.com/reverse-mentor/reverse-mentor/app"
)

// LoadConfig reads the YAML file at path, puts the environment on top and
// validates the result for req, listing every problem in one *ConfigError.
//
// An empty path means DefaultConfigPath, which may be missing; a path given
// (from --config) must exist. environ is the environment as os.Environ returns
// it; LoadConfig reads no other. An empty environment variable counts as unset.
// Lists (program.admins, program.departments) are comma-separated in the
// environment, program.topics is a JSON array of {"id","en","ja"} objects, and
// durations are written like "24h" or "90m". SLACK_APP_TOKEN and
// SLACK_BOT_TOKEN set the tokens when their REVERSE_MENTOR_ variables do not.
//
// A file that cannot be read or parsed is an error of its own, returned before
// any validation.
func LoadConfig(path string, environ []string, req Requirement) (app.Config, error) {
	v := viper.NewWithOptions(viper.WithDecodeHook(decodeHook()))
	var problems []string

	fileProblems, err := readConfigFile(v, path)
	if err != nil {
		return app.Config{}, err
	}
	problems = append(problems, fileProblems...)

	env := parseEnviron(environ)
	problems = append(problems, unknownEnv(env)...)
	fromEnv := bindEnv(v, env)
	for _, s := range settings {
		v.SetDefault(s.key, s.def)
	}

	// Decode key by key, so that a value of the wrong type is reported with its
	// key while the others are still read; it is replaced by the default so
	// that the rest can still be checked. Only known keys reach the Config.
	typed := viper.New()
	for _, s := range settings {
		val, err := decodeSetting(v, s)
		if err != nil {
			problems = append(problems, typeProblem(s, v.Get(s.key), fromEnv[s.key], err))
			val = s.def
		}
		typed.Set(s.key, val)
	}
	var c app.Config
	if err := typed.Unmarshal(&c); err != nil {
		// Every value was decoded to its field's type above: this is a bug in
		// the settings table, not a user mistake.
		return app.Config{}, fmt.Errorf("decode configuration: %w", err)
	}
	if loc, err := time.LoadLocation(c.Program.Timezone); err == nil && c.Program.Timezone != "" {
		c.Program.Location = loc
	}

	problems = append(problems, configProblems(c, req)...)
	if len(problems) > 0 {
		return app.Config{}, &ConfigError{Problems: problems}
	}
	return c, nil
}

// readConfigFile reads the YAML file into v and reports its unknown keys.
func readConfigFile(v *viper.Viper, path string) ([]string, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultConfigPath
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return unknownKeys(v, path), nil
}

// parseEnviron turns KEY=VALUE entries into a map; a later entry wins.
func parseEnviron(environ []string) map[string]string {
	env := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok {
			env[k] = val
		}
	}
	return env
}

// bindEnv binds every key explicitly to its environment variables, the first
// non-empty one winning over the file, and returns which variable set each key
// so that a problem can name it. It reads env rather than the process
// environment (where viper.BindEnv would look), so that loading depends only
// on its arguments.
func bindEnv(v *viper.Viper, env map[string]string) map[string]string {
	fromEnv := make(map[string]string)
	for _, s := range settings {
		for _, name := range s.envNames() {
			if val := env[name]; val != "" {
				v.Set(s.key, val)
				fromEnv[s.key] = name
				break
			}
		}
	}
	return fromEnv
}

// decodeSetting decodes the value of s in v into the Go type of its default,
// through decodeHook.
func decodeSetting(v *viper.Viper, s setting) (any, error) {
	out := reflect.New(reflect.TypeOf(s.def))
	if err := v.UnmarshalKey(s.key, out.Interface()); err != nil {
		return nil, err
	}
	return out.Elem().Interface(), nil
}

// typeProblem words a value of the wrong type for s: what the key takes, the
// value given unless it is secret, and the environment variable that set it.
func typeProblem(s setting, raw any, envName string, err error) string {
	var msg string
	var ve valueError
	if errors.As(err, &ve) {
		msg = string(ve)
	} else {
		msg = typeWant(s.def)
		if !s.secret {
			msg += fmt.Sprintf(" (got %s)", describe(raw))
		}
	}
	p := s.key + " " + msg
	if envName != "" {
		p += " (from " + envName + ")"
	}
	return p
}

// typeWant says what a key whose default is def takes.
func typeWant(def any) string {
	switch def.(type) {
	case string:
		return "must be a single value"
	case int:
		return "must be a whole number"
	case bool:
		return "must be true or false"
	case float64:
		return "must be a number"
	case time.Duration:
		return "must be a duration with a unit, like 24h or 90m"
	case []string:
		return "must be a list of values (comma-separated in the environment)"
	case []app.Topic:
		return "must be a list of {id, en, ja} entries"
	}
	return fmt.Sprintf("must be a value of type %T", def)
}

// describe renders a rejected value briefly for a problem message.
func describe(raw any) string {
	s := fmt.Sprintf("%v", raw)
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strconv.Quote(s)
}
