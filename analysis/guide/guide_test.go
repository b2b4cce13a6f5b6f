package guide

import (
	"strings"
	"testing"
)

// seedPrompts are the prompt names of the server pcaplens grew from: each
// must be served by one guide.
var seedPrompts = []string{
	"security_analysis", "network_troubleshooting", "forensic_investigation",
	"dhcp_network_analysis", "dhcp_security_analysis", "dhcp_forensic_investigation",
	"icmp_network_diagnostics", "icmp_security_analysis", "icmp_forensic_investigation",
	"tcp_connection_troubleshooting", "tcp_security_analysis",
	"sip_security_analysis", "sip_troubleshooting_analysis", "sip_forensic_investigation",
}

func TestGuides(t *testing.T) {
	gs := All()
	if len(gs) == 0 || gs[0].ID != "general" {
		t.Fatalf("the first guide must be the general one: %v", gs)
	}
	ids, prompts := map[string]bool{}, map[string]bool{}
	for _, g := range gs {
		if ids[g.ID] || g.Title == "" || len(g.Steps) < 3 {
			t.Errorf("guide %q: duplicate id, no title or fewer than 3 steps", g.ID)
		}
		ids[g.ID] = true
		if g.Prompt != "" {
			if prompts[g.Prompt] {
				t.Errorf("prompt %s served by two guides", g.Prompt)
			}
			prompts[g.Prompt] = true
		}
		for _, s := range g.Steps {
			if strings.HasPrefix(s, "-") || strings.TrimSpace(s) != s {
				t.Errorf("guide %s: step %q", g.ID, s)
			}
		}
	}
	for _, p := range seedPrompts {
		if _, ok := ByPrompt(p); !ok {
			t.Errorf("no guide for the seed's prompt %s", p)
		}
	}
	if len(prompts) != len(seedPrompts) {
		t.Errorf("%d prompts, want the seed's %d", len(prompts), len(seedPrompts))
	}
}

func TestParseErrors(t *testing.T) {
	for _, text := range []string{
		"no title\n\n- a\n",
		"# T\n\nwhat: x\n\n- a\n",
		"# T\n\nprompt: x\n",
		"# T\n\n- a\nprompt: late\n",
	} {
		if _, err := parse("01-x.md", text); err == nil {
			t.Errorf("%q: no error", text)
		}
	}
	g, err := parse("03-tcp-x.md", "# Title\n\nprompt: p\nsuggest: a, b\n\n- one\n- two\n")
	if err != nil || g.ID != "tcp-x" || g.Prompt != "p" || len(g.SuggestFor) != 2 || len(g.Steps) != 2 {
		t.Errorf("parse: %+v %v", g, err)
	}
	if md := g.Markdown(); md != "## Investigation guide: Title\n\n- [ ] one\n- [ ] two\n" {
		t.Errorf("markdown %q", md)
	}
}
