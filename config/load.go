package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/suggest"
)

// Problem is one thing wrong with a configuration, named by its key path.
type Problem struct {
	Path    string // e.g. "slack.signing_secret"; "" for the file as a whole
	Line    int    // line in the file, 0 when unknown
	Message string // never holds a secret value
}

// String renders the problem as "path (line N): message".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Path)
	if p.Line > 0 {
		if p.Path != "" {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "(line %d)", p.Line)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every problem found in a configuration. As an error it lists
// them one per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// ProblemsOf returns the problems carried by err, or nil.
func ProblemsOf(err error) Problems {
	var ps Problems
	if errors.As(err, &ps) {
		return ps
	}
	return nil
}

// LookupEnv finds environment variables for ${NAME} expansion; os.LookupEnv
// is the usual one.
type LookupEnv func(name string) (string, bool)

// Check is an extra validation a caller adds to Validate, such as "this
// build has an adapter for every enabled platform".
type Check func(*Config) Problems

// LoadFile reads the configuration at path. An empty path means no file:
// the defaults. See Load for errors and checks.
func LoadFile(path string, env LookupEnv, checks ...Check) (*Config, error) {
	if path == "" {
		return Load(bytes.NewReader(nil), env, checks...)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "cannot read config: %w", err)
	}
	return Load(bytes.NewReader(raw), env, checks...)
}

// LoadStoreFile reads only the store section of the configuration at
// path (over its defaults): what a command that works on the database
// alone needs (backup). Keys and variables elsewhere are not read, so a
// secret unset for the platforms does not stop it.
func LoadStoreFile(path string, env LookupEnv) (Store, error) {
	cfg, err := LoadSections(path, env, "store")
	return cfg.Store, err
}

// LoadSections reads only the named top-level sections of the
// configuration at path over the defaults (path "" gives the defaults):
// what an operator command needs, so that a secret unset for another
// section does not stop it. The other sections keep their defaults and
// are not checked; the named ones are decoded as Load decodes them
// (unknown keys and unset variables in them are problems).
func LoadSections(path string, env LookupEnv, sections ...string) (*Config, error) {
	out := Default()
	if path == "" {
		return out, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return out, bot.Errorf(bot.EINVALID, "cannot read config: %w", err)
	}
	if env == nil {
		env = os.LookupEnv
	}
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return out, invalid(Problems{{Message: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}})
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return out, nil
	}
	top := root.Content[0]
	d := decoder{env: env}
	cfg := reflect.ValueOf(out).Elem()
	for i := 0; i+1 < len(top.Content); i += 2 {
		name := top.Content[i].Value
		if !slices.Contains(sections, name) {
			continue
		}
		if f, ok := sectionField(cfg, name); ok {
			d.value(top.Content[i+1], f, name)
		}
	}
	if len(d.problems) > 0 {
		return out, invalid(d.problems)
	}
	return out, nil
}

// sectionField returns the field of cfg (a Config) whose yaml key is name.
func sectionField(cfg reflect.Value, name string) (reflect.Value, bool) {
	t := cfg.Type()
	for i := range t.NumField() {
		if key, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); key == name {
			return cfg.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// Load reads a YAML configuration over the defaults. Unknown keys, values of
// the wrong type, unset environment variables and invalid settings are all
// collected; if there is any, it returns an EINVALID *bot.Error whose cause
// is the Problems (see ProblemsOf) and a nil config. The checks run after
// Validate, once the file is well formed, and add their problems to its.
func Load(r io.Reader, env LookupEnv, checks ...Check) (*Config, error) {
	if env == nil {
		env = os.LookupEnv
	}
	cfg := Default()
	var root yaml.Node
	dec := yaml.NewDecoder(r)
	switch err := dec.Decode(&root); {
	case errors.Is(err, io.EOF):
		// An empty file is the defaults.
	case err != nil:
		return nil, invalid(Problems{{Message: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}})
	default:
		var extra yaml.Node
		if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
			return nil, invalid(Problems{{Line: extra.Line, Message: "the file holds more than one YAML document; keep one"}})
		}
		d := decoder{env: env}
		if len(root.Content) > 0 {
			d.value(root.Content[0], reflect.ValueOf(cfg).Elem(), "")
		}
		if len(d.problems) > 0 {
			return nil, invalid(d.problems)
		}
	}
	ps := cfg.Validate()
	for _, c := range checks {
		ps = append(ps, c(cfg)...)
	}
	if len(ps) > 0 {
		return nil, invalid(ps)
	}
	return cfg, nil
}

func invalid(ps Problems) error {
	noun := "problem"
	if len(ps) > 1 {
		noun = "problems"
	}
	return &bot.Error{Code: bot.EINVALID, Message: fmt.Sprintf("config has %d %s:\n%s", len(ps), noun, ps.Error()), Err: ps}
}

// decoder walks the YAML tree beside the Config struct, setting the fields
// it finds and collecting problems by key path.
type decoder struct {
	env      LookupEnv
	problems Problems
}

func (d *decoder) problem(n *yaml.Node, path, format string, args ...any) {
	d.problems = append(d.problems, Problem{Path: path, Line: n.Line, Message: fmt.Sprintf(format, args...)})
}

var (
	durationType = reflect.TypeOf(time.Duration(0))
	secretType   = reflect.TypeOf(Secret(""))
)

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // "key:" with nothing keeps the default
	}
	if v.Kind() == reflect.Struct {
		d.mapping(n, v, path)
		return
	}
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String {
		d.strings(n, v, path)
		return
	}
	if n.Kind != yaml.ScalarNode {
		d.problem(n, path, "expected a single value, found a %s", kindName(n.Kind))
		return
	}
	raw, ok := d.expand(n, path)
	if !ok {
		return
	}
	secret := v.Type() == secretType
	switch {
	case v.Type() == durationType:
		dur, err := time.ParseDuration(strings.TrimSpace(raw))
		if err != nil || dur < 0 {
			d.problem(n, path, "expected a duration such as 3s, 90m or 2h, got %q", raw)
			return
		}
		v.SetInt(int64(dur))
	case v.Kind() == reflect.String:
		if n.Tag == "!!bool" && !secret {
			d.problem(n, path, "expected text, got %s; quote it if you meant the text", n.Value)
			return
		}
		v.SetString(raw)
	case v.Kind() == reflect.Bool:
		b, err := parseBool(raw)
		if err != nil {
			d.problem(n, path, "expected true or false, got %q", raw)
			return
		}
		v.SetBool(b)
	case v.Kind() == reflect.Float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil {
			d.problem(n, path, "expected a number, got %q", raw)
			return
		}
		v.SetFloat(f)
	case v.Kind() == reflect.Int:
		i, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			d.problem(n, path, "expected a whole number, got %q", raw)
			return
		}
		v.SetInt(int64(i))
	default:
		d.problem(n, path, "unsupported setting type %s", v.Type())
	}
}

// strings reads a list of texts: [a, b] or one item per line.
func (d *decoder) strings(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.problem(n, path, "expected a list, such as [U012AB3CD, U045EF6GH]")
		return
	}
	if len(n.Content) == 0 {
		v.Set(reflect.Zero(v.Type())) // [] is no entries, like the default
		return
	}
	out := reflect.MakeSlice(v.Type(), 0, len(n.Content))
	for i, item := range n.Content {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		if item.Kind != yaml.ScalarNode {
			d.problem(item, ipath, "expected a single value, found a %s", kindName(item.Kind))
			continue
		}
		raw, ok := d.expand(item, ipath)
		if !ok {
			continue
		}
		out = reflect.Append(out, reflect.ValueOf(raw).Convert(v.Type().Elem()))
	}
	v.Set(out)
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		what := "the top level"
		if path != "" {
			what = path
		}
		d.problem(n, path, "%s must be a section of keys, found a %s", what, kindName(n.Kind))
		return
	}
	fields := map[string]int{}
	var names []string
	t := v.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		fields[name] = i
		names = append(names, name)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := k.Value
		kpath := join(path, key)
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			d.problem(k, kpath, "only plain keys are allowed here")
			continue
		}
		if seen[key] {
			d.problem(k, kpath, "set twice; keep one")
			continue
		}
		seen[key] = true
		idx, ok := fields[key]
		if !ok {
			msg := "unknown key"
			if s := suggest.Closest(key, names); s != "" {
				msg += "; did you mean " + join(path, s) + "?"
			} else {
				msg += "; known keys here: " + strings.Join(names, ", ")
			}
			d.problem(k, kpath, "%s", msg)
			continue
		}
		d.value(val, v.Field(idx), kpath)
	}
}

// expand replaces ${NAME} and ${NAME:-default} in a scalar with the
// environment's values; $$ is a literal $. It reports unset variables as
// problems (naming the variable, never a value).
func (d *decoder) expand(n *yaml.Node, path string) (string, bool) {
	s := n.Value
	if !strings.Contains(s, "$") {
		return s, true
	}
	var b strings.Builder
	ok := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				d.problem(n, path, "unclosed ${ in the value; write $${ for a literal ${")
				return "", false
			}
			expr := s[i+2 : i+end]
			name, def, hasDef := strings.Cut(expr, ":-")
			if !validEnvName(name) {
				d.problem(n, path, "%q is not an environment variable name", name)
				ok = false
			} else if val, set := d.env(name); set && (val != "" || !hasDef) {
				b.WriteString(val)
			} else if hasDef {
				b.WriteString(def)
			} else {
				d.problem(n, path, "environment variable %s is not set", name)
				ok = false
			}
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ok
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on":
		return true, nil
	case "false", "no", "off":
		return false, nil
	}
	return false, errors.New("not a boolean")
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "section"
	case yaml.SequenceNode:
		return "list"
	default:
		return "value"
	}
}
