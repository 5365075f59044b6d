package main

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// The schema is read as YAML nodes, not into a struct, to keep the order in
// which schema.yaml lists inputs and types: the reference follows it.

// property is one input, output or nested-type property.
type property struct {
	Name     string
	Type     string // string, integer, number, boolean, array, object ("" for a $ref)
	Ref      string // "#/types/<token>" or "pulumi.json#/Any"
	Desc     string
	Default  string // the schema's `default`, rendered
	Secret   bool
	Required bool
	Items    *property // array element
	Values   *property // additionalProperties (a map's values)
	Enum     []enumValue
}

type enumValue struct{ Name, Value, Desc string }

// objectType is an entry of `types:` (an object or an enum).
type objectType struct {
	Token string
	Name  string // the token's last part
	Type  string // "object" or the enum's base type
	Desc  string
	Props []*property
	Enum  []enumValue
}

type schema struct {
	Name     string
	Resource string
	ResDesc  string
	Inputs   []*property
	Outputs  []*property
	Types    map[string]*objectType
	order    []string // type tokens in schema order
}

// Generate renders docs/inputs.md from schema.yaml's bytes. The output depends
// on the schema only.
func Generate(raw []byte) ([]byte, error) {
	s, err := parse(raw)
	if err != nil {
		return nil, err
	}
	return render(s), nil
}

func parse(raw []byte) (*schema, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("empty schema")
	}
	root := doc.Content[0]
	s := &schema{Name: scalar(get(root, "name")), Types: map[string]*objectType{}}
	resources := get(root, "resources")
	if resources == nil || len(resources.Content) < 2 {
		return nil, errors.New("no resource in the schema")
	}
	var comp *yaml.Node
	for _, kv := range pairs(resources) {
		if scalar(get(kv[1], "isComponent")) == "true" {
			s.Resource, comp = kv[0].Value, kv[1]
			break
		}
	}
	if comp == nil {
		s.Resource, comp = resources.Content[0].Value, resources.Content[1]
	}
	s.ResDesc = strings.TrimSpace(scalar(get(comp, "description")))
	s.Inputs = props(get(comp, "inputProperties"), get(comp, "requiredInputs"))
	s.Outputs = props(get(comp, "properties"), get(comp, "required"))
	for _, kv := range pairs(get(root, "types")) {
		t := &objectType{Token: kv[0].Value, Name: lastPart(kv[0].Value), Type: scalar(get(kv[1], "type")), Desc: strings.TrimSpace(scalar(get(kv[1], "description")))}
		t.Props = props(get(kv[1], "properties"), get(kv[1], "required"))
		t.Enum = enums(get(kv[1], "enum"))
		s.Types[t.Token] = t
		s.order = append(s.order, t.Token)
	}
	for _, p := range s.Inputs {
		if err := s.check(p, p.Name); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// check fails on a reference to a type the schema does not define.
func (s *schema) check(p *property, path string) error {
	if tok, ok := strings.CutPrefix(p.Ref, "#/types/"); ok {
		if s.Types[tok] == nil {
			return fmt.Errorf("%s: unknown type %q", path, tok)
		}
	}
	for _, sub := range []*property{p.Items, p.Values} {
		if sub != nil {
			if err := s.check(sub, path+"[]"); err != nil {
				return err
			}
		}
	}
	return nil
}

func props(m, required *yaml.Node) []*property {
	req := map[string]bool{}
	if required != nil {
		for _, r := range required.Content {
			req[r.Value] = true
		}
	}
	var out []*property
	for _, kv := range pairs(m) {
		p := prop(kv[1])
		p.Name = kv[0].Value
		p.Required = req[p.Name]
		out = append(out, p)
	}
	return out
}

func prop(n *yaml.Node) *property {
	p := &property{
		Type:   scalar(get(n, "type")),
		Ref:    scalar(get(n, "$ref")),
		Desc:   strings.TrimSpace(scalar(get(n, "description"))),
		Secret: scalar(get(n, "secret")) == "true",
		Enum:   enums(get(n, "enum")),
	}
	if d := get(n, "default"); d != nil {
		p.Default = "`" + yamlValue(d) + "`"
	}
	if it := get(n, "items"); it != nil {
		p.Items = prop(it)
	}
	if ap := get(n, "additionalProperties"); ap != nil && ap.Kind == yaml.MappingNode {
		p.Values = prop(ap)
	}
	return p
}

func enums(n *yaml.Node) []enumValue {
	if n == nil {
		return nil
	}
	var out []enumValue
	for _, e := range n.Content {
		if e.Kind == yaml.ScalarNode {
			out = append(out, enumValue{Value: e.Value})
			continue
		}
		out = append(out, enumValue{Name: scalar(get(e, "name")), Value: yamlValue(get(e, "value")), Desc: strings.TrimSpace(scalar(get(e, "description")))})
	}
	return out
}

func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func pairs(m *yaml.Node) [][2]*yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		out = append(out, [2]*yaml.Node{m.Content[i], m.Content[i+1]})
	}
	return out
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func yamlValue(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	b, _ := yaml.Marshal(n)
	return strings.TrimSpace(string(b))
}

func lastPart(token string) string {
	if i := strings.LastIndex(token, ":"); i >= 0 {
		return token[i+1:]
	}
	return token
}

// anchor is GitHub's heading anchor for a type's heading (its name).
func anchor(name string) string { return strings.ToLower(name) }

// typeOf renders a property's type: `string[]`, `map of string`, a link to a
// nested type.
func (s *schema) typeOf(p *property) string {
	switch {
	case p.Ref == "pulumi.json#/Any":
		return "any"
	case strings.HasPrefix(p.Ref, "#/types/"):
		t := s.Types[strings.TrimPrefix(p.Ref, "#/types/")]
		if len(t.Enum) > 0 {
			return fmt.Sprintf("[%s](#%s) (%s enum)", t.Name, anchor(t.Name), t.Type)
		}
		return fmt.Sprintf("[%s](#%s)", t.Name, anchor(t.Name))
	case p.Ref != "":
		return "`" + p.Ref + "`"
	case p.Type == "array" && p.Items != nil:
		return s.typeOf(p.Items) + "[]"
	case p.Type == "object" && p.Values != nil:
		return "map of " + s.typeOf(p.Values)
	case p.Type == "":
		return "any"
	}
	if len(p.Enum) > 0 {
		return p.Type + " (enum)"
	}
	return p.Type
}

// describedDefault is the default a property's schema or description states:
// "Defaults to X.", "`X` (default)", "Enabled/Disabled by default", or "".
func describedDefault(p *property) string {
	if p.Default != "" {
		return p.Default
	}
	d := p.Desc
	if i := strings.Index(d, "Defaults to "); i >= 0 {
		return sentence(d[i+len("Defaults to "):])
	}
	if m := defaultMark.FindStringSubmatch(d); m != nil {
		return "`" + m[1] + "`"
	}
	switch {
	case strings.Contains(d, "Enabled by default"):
		return "enabled"
	case strings.Contains(d, "Disabled by default"):
		return "disabled"
	}
	return ""
}

var defaultMark = regexp.MustCompile("`([^`]+)` \\(default[):]")

// sentence cuts s at the end of its first sentence (a '.' or ';' outside
// backticks followed by a space or the end), without the final '.'.
func sentence(s string) string {
	code := false
	for i, r := range s {
		switch {
		case r == '`':
			code = !code
		case !code && (r == '.' || r == ';') && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\n'):
			return strings.TrimSpace(s[:i])
		}
	}
	return strings.TrimSpace(s)
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// typeOrder lists nested types in the order a reader meets them walking the
// inputs depth first, then any other type in schema order; uses maps each
// type to the input paths where it appears.
func (s *schema) typeOrder() (order []string, uses map[string][]string) {
	uses = map[string][]string{}
	seen := map[string]bool{}
	var walkProps func(ps []*property, prefix string)
	var walk func(p *property, path string)
	walk = func(p *property, path string) {
		switch {
		case strings.HasPrefix(p.Ref, "#/types/"):
			tok := strings.TrimPrefix(p.Ref, "#/types/")
			uses[tok] = append(uses[tok], path)
			if !seen[tok] {
				seen[tok] = true
				order = append(order, tok)
				walkProps(s.Types[tok].Props, path+".")
			}
		case p.Items != nil:
			walk(p.Items, path+"[]")
		case p.Values != nil:
			walk(p.Values, path+".<key>")
		}
	}
	walkProps = func(ps []*property, prefix string) {
		for _, p := range ps {
			walk(p, prefix+p.Name)
		}
	}
	walkProps(s.Inputs, "")
	for _, tok := range s.order {
		if !seen[tok] {
			order = append(order, tok)
		}
	}
	return order, uses
}

func render(s *schema) []byte {
	var b bytes.Buffer
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	title := "EksPlatform"
	if s.Resource != "" {
		title = lastPart(s.Resource)
	}
	w("# %s inputs\n\n", title)
	w("<!-- Generated from schema.yaml by `make docs` (tools/cmd/gendocs). Do not edit: CI fails when this file is stale. -->\n\n")
	w("The reference of every input of `%s`, generated from [`schema.yaml`](../schema.yaml), the source of truth of the SDKs. ", s.Resource)
	w("Names are the schema's (camelCase); the Python SDK spells them in snake_case. ")
	w("[reference.md](reference.md) explains how the inputs fit together; this page lists them all.\n\n")
	if s.ResDesc != "" {
		w("%s\n\n", cell(s.ResDesc))
	}
	order, uses := s.typeOrder()
	w("Contents: [inputs](#inputs), [outputs](#outputs), nested types: ")
	var links []string
	for _, tok := range order {
		t := s.Types[tok]
		links = append(links, fmt.Sprintf("[%s](#%s)", t.Name, anchor(t.Name)))
	}
	w("%s.\n\n", strings.Join(links, ", "))

	w("## Inputs\n\n")
	var req []string
	for _, p := range s.Inputs {
		if p.Required {
			req = append(req, "`"+p.Name+"`")
		}
	}
	if len(req) > 0 {
		w("Required: %s; every other input is optional.\n\n", strings.Join(req, ", "))
	}
	s.table(&b, "input", s.Inputs)

	w("## Outputs\n\n")
	w("| output | type | description |\n|---|---|---|\n")
	for _, p := range s.Outputs {
		typ := s.typeOf(p)
		if p.Secret {
			typ += ", **secret**"
		}
		w("| `%s` | %s | %s |\n", p.Name, typ, cell(p.Desc))
	}
	w("\n## Nested types\n\n")
	for _, tok := range order {
		t := s.Types[tok]
		w("### %s\n\n", t.Name)
		if t.Desc != "" {
			w("%s\n\n", cell(t.Desc))
		}
		if u := uses[tok]; len(u) > 0 {
			var us []string
			for _, x := range u {
				us = append(us, "`"+x+"`")
			}
			w("Used at %s.\n\n", strings.Join(us, ", "))
		} else {
			w("Not used by any input.\n\n")
		}
		if len(t.Enum) > 0 {
			w("A `%s` enum:\n\n| value | name | description |\n|---|---|---|\n", t.Type)
			for _, e := range t.Enum {
				w("| `%s` | %s | %s |\n", e.Value, e.Name, cell(e.Desc))
			}
			w("\n")
			continue
		}
		if len(t.Props) > 0 {
			s.table(&b, "property", t.Props)
		}
	}
	return b.Bytes()
}

func (s *schema) table(b *bytes.Buffer, what string, ps []*property) {
	fmt.Fprintf(b, "| %s | type | default | description |\n|---|---|---|---|\n", what)
	for _, p := range ps {
		def := describedDefault(p)
		if p.Required {
			def = "**required**"
		} else if def == "" {
			def = "—"
		}
		desc := cell(p.Desc)
		if ev := enumOf(p); len(ev) > 0 {
			desc += " One of " + strings.Join(ev, ", ") + "."
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", p.Name, s.typeOf(p), cell(def), desc)
	}
	b.WriteString("\n")
}

// enumOf lists the allowed values of an inline enum property.
func enumOf(p *property) []string {
	for p.Items != nil && len(p.Enum) == 0 {
		p = p.Items
	}
	var out []string
	for _, e := range p.Enum {
		out = append(out, "`"+e.Value+"`")
	}
	sort.Strings(out)
	return out
}
