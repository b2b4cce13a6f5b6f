// Package guide holds the investigation guides: short checklists, in
// pcaplens' report fields, of what to look at for one kind of question.
// They are the one source of the page's "Copy for AI" guides (build/tsgen
// writes them to web/src/gen/guides.ts) and of the MCP server's prompts
// (a guide with a Prompt is served under that name, the name the seed
// server gave the same investigation).
//
// Each guide is a Markdown file in guides/, named NN-id.md (NN orders
// them): a "# Title" line, then "key: value" lines (prompt, suggest: the
// tools whose presence makes it a good default), a blank line, and the
// steps as "- " list items, one per line.
package guide

import (
	"embed"
	"fmt"
	"path"
	"strings"
	"sync"
)

//go:embed guides/*.md
var files embed.FS

// Guide is one investigation checklist.
type Guide struct {
	// ID names the guide on the page ("dns-security").
	ID string `json:"id"`
	// Title is its heading.
	Title string `json:"title"`
	// Prompt is the MCP prompt name it is served under ("" for none).
	Prompt string `json:"prompt"`
	// SuggestFor are the tools whose presence makes the guide a good
	// default (first match wins).
	SuggestFor []string `json:"suggestFor"`
	// Steps are Markdown list items (no leading dash).
	Steps []string `json:"steps"`
}

var (
	once   sync.Once
	all    []Guide
	parseE error
)

// All returns the guides in order. It panics if an embedded file is
// malformed (a test checks they are not).
func All() []Guide {
	once.Do(func() { all, parseE = load() })
	if parseE != nil {
		panic(parseE)
	}
	return append([]Guide(nil), all...)
}

// ByPrompt returns the guide served as MCP prompt name.
func ByPrompt(name string) (Guide, bool) {
	for _, g := range All() {
		if g.Prompt == name {
			return g, true
		}
	}
	return Guide{}, false
}

// Markdown renders a guide as a Markdown section of checkboxes, as the
// page's "Copy for AI" ends with it.
func (g Guide) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Investigation guide: %s\n\n", g.Title)
	for i, s := range g.Steps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("- [ ] ")
		b.WriteString(s)
	}
	b.WriteByte('\n')
	return b.String()
}

func load() ([]Guide, error) {
	names, err := files.ReadDir("guides")
	if err != nil {
		return nil, err
	}
	var out []Guide
	for _, n := range names {
		b, err := files.ReadFile(path.Join("guides", n.Name()))
		if err != nil {
			return nil, err
		}
		g, err := parse(n.Name(), string(b))
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// parse reads one guide file.
func parse(name, text string) (Guide, error) {
	id := strings.TrimSuffix(name, ".md")
	if i := strings.IndexByte(id, '-'); i > 0 {
		id = id[i+1:]
	}
	g := Guide{ID: id, SuggestFor: []string{}}
	for i, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		switch {
		case i == 0:
			t, ok := strings.CutPrefix(line, "# ")
			if !ok {
				return g, fmt.Errorf("guide: %s: line 1 is not a \"# Title\"", name)
			}
			g.Title = t
		case line == "":
		case strings.HasPrefix(line, "- "):
			g.Steps = append(g.Steps, line[2:])
		default:
			k, v, ok := strings.Cut(line, ": ")
			if !ok || len(g.Steps) > 0 {
				return g, fmt.Errorf("guide: %s: line %d is neither \"key: value\" nor a \"- \" step", name, i+1)
			}
			switch k {
			case "prompt":
				g.Prompt = v
			case "suggest":
				for _, t := range strings.Split(v, ",") {
					g.SuggestFor = append(g.SuggestFor, strings.TrimSpace(t))
				}
			default:
				return g, fmt.Errorf("guide: %s: line %d: unknown key %q", name, i+1, k)
			}
		}
	}
	if len(g.Steps) == 0 {
		return g, fmt.Errorf("guide: %s: no steps", name)
	}
	return g, nil
}
