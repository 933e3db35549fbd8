package main

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/viper"

	"github.com/reverse-mentor/reverse-mentor/app"
)

const exampleConfig = "../../config.example.yaml"

func TestSettings_MatchTheConfigFields(t *testing.T) {
	fields := map[string]reflect.Type{} // key -> field type
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for f := range typ.Fields() {
			tag := f.Tag.Get("mapstructure")
			if tag == "" || tag == "-" {
				continue
			}
			if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() == typ.PkgPath() && prefix == "" {
				walk(tag+".", f.Type)
				continue
			}
			fields[prefix+tag] = f.Type
		}
	}
	walk("", reflect.TypeFor[app.Config]())

	for _, s := range settings {
		typ, ok := fields[s.key]
		if !ok {
			t.Errorf("setting %s has no field in app.Config", s.key)
			continue
		}
		if got := reflect.TypeOf(s.def); got != typ {
			t.Errorf("setting %s has a default of type %v; its field is %v", s.key, got, typ)
		}
		delete(fields, s.key)
	}
	for key := range fields {
		t.Errorf("app.Config field %s has no setting", key)
	}
}

func TestConfigExample_LoadsAndListsExactlyTheKnownKeys(t *testing.T) {
	env := append(slices.Clone(slackEnv), dbEnv(t))
	c, err := LoadConfig(exampleConfig, env, RequireSlack|RequireDatabase)
	if err != nil {
		t.Fatalf("config.example.yaml does not load: %v", err)
	}
	if c.Slack.AppToken != testAppToken || c.Program.MinGroupSize != 5 {
		t.Errorf("unexpected values from the example: %+v", c.Redacted())
	}

	v := viper.New()
	v.SetConfigFile(exampleConfig)
	if err := v.ReadInConfig(); err != nil {
		t.Fatal(err)
	}
	got := v.AllKeys()
	slices.Sort(got)
	want := ConfigKeys()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("config.example.yaml keys differ from the code's:\n got %q\nwant %q", got, want)
	}
}

func TestConfigExample_ShowsTheDefaults(t *testing.T) {
	env := []string{dbEnv(t)}
	fromExample, err := LoadConfig(exampleConfig, env, 0)
	if err != nil {
		t.Fatal(err)
	}
	defaults, err := LoadConfig(writeConfig(t, ""), env, 0)
	if err != nil {
		t.Fatal(err)
	}
	// An empty list in the example and no list at all mean the same.
	for _, c := range []*app.Config{&fromExample, &defaults} {
		if len(c.Program.Admins) == 0 {
			c.Program.Admins = nil
		}
		if len(c.Program.Departments) == 0 {
			c.Program.Departments = nil
		}
		if len(c.Program.Topics) == 0 {
			c.Program.Topics = nil
		}
	}
	if !reflect.DeepEqual(fromExample, defaults) {
		t.Errorf("config.example.yaml does not show the defaults:\nexample  %+v\ndefaults %+v", fromExample, defaults)
	}
}

func TestConfigExample_CommentsEveryKey(t *testing.T) {
	data, err := os.ReadFile(exampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	section := ""
	seen := map[string]bool{}
	for i, line := range lines {
		if line == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimSpace(line), ":")
		if !strings.HasPrefix(line, " ") {
			section = name
			continue
		}
		key := section + "." + name
		seen[key] = true
		// The comment block right above the key.
		var comment []string
		for j := i - 1; j >= 0 && strings.HasPrefix(strings.TrimSpace(lines[j]), "#"); j-- {
			comment = append(comment, lines[j])
		}
		text := strings.Join(comment, "\n")
		if !strings.Contains(text, "Read by") {
			t.Errorf("%s: its comment does not say what reads it", key)
		}
		if !strings.Contains(text, EnvName(key)) {
			t.Errorf("%s: its comment does not name %s", key, EnvName(key))
		}
	}
	for _, k := range ConfigKeys() {
		if !seen[k] {
			t.Errorf("config.example.yaml has no line for %s", k)
		}
	}
}

func TestEnvName(t *testing.T) {
	for key, want := range map[string]string{
		"program.min_group_size": "REVERSE_MENTOR_PROGRAM_MIN_GROUP_SIZE",
		"slack.app_token":        "REVERSE_MENTOR_SLACK_APP_TOKEN",
		"log.level":              "REVERSE_MENTOR_LOG_LEVEL",
	} {
		if got := EnvName(key); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", key, got, want)
		}
	}
}
