package dhcp_test

import (
	"path/filepath"
	"pcaplens/analysis/internal/testrun"
	"reflect"
	"strings"
	"testing"

	"pcaplens/analysis/dhcp"
	"pcaplens/analysis/golden"
)

// expected is what testdata/tshark/dhcp.sh writes.
type expected struct {
	Capture       string         `json:"capture"`
	Packets       int            `json:"packets"`
	MessageTypes  map[string]int `json:"message_types"`
	Transactions  int            `json:"transactions"`
	UniqueClients int            `json:"unique_clients"`
	UniqueServers int            `json:"unique_servers"`
	DHCPv6        struct {
		Packets      int            `json:"packets"`
		MessageTypes map[string]int `json:"message_types"`
		Transactions int            `json:"transactions"`
	} `json:"dhcpv6"`
}

func run(t testing.TB, path string) *dhcp.Report {
	t.Helper()
	return testrun.Report[*dhcp.Report](t, path, nil, "dhcp")
}

// TestTshark compares the figures with tshark's (testdata/expected/dhcp).
func TestTshark(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/expected/dhcp/*.json")
	if len(files) == 0 {
		t.Fatal("no expectations in testdata/expected/dhcp")
	}
	for _, ef := range files {
		var want expected
		golden.Load(t, ef, &want)
		t.Run(want.Capture, func(t *testing.T) {
			r := run(t, filepath.Join("../../testdata/captures", want.Capture))
			st := r.Statistics
			if got := r.DHCPPacketsFound - st.TooShort; got != want.Packets {
				t.Errorf("packets: got %d, tshark %d", got, want.Packets)
			}
			if !reflect.DeepEqual(st.MessageTypes, want.MessageTypes) {
				t.Errorf("message_types: got %v, tshark %v", st.MessageTypes, want.MessageTypes)
			}
			if st.Transactions != want.Transactions {
				t.Errorf("transactions: got %d, tshark %d", st.Transactions, want.Transactions)
			}
			if st.UniqueClients != want.UniqueClients {
				t.Errorf("unique_clients: got %d, tshark %d", st.UniqueClients, want.UniqueClients)
			}
			if st.UniqueServers != want.UniqueServers {
				t.Errorf("unique_servers: got %d, tshark %d", st.UniqueServers, want.UniqueServers)
			}
			v6 := r.DHCPv6
			if v6.PacketsFound != want.DHCPv6.Packets || v6.Transactions != want.DHCPv6.Transactions ||
				!reflect.DeepEqual(v6.MessageTypes, want.DHCPv6.MessageTypes) {
				t.Errorf("dhcpv6: got packets %d transactions %d types %v; tshark %d %d %v",
					v6.PacketsFound, v6.Transactions, v6.MessageTypes,
					want.DHCPv6.Packets, want.DHCPv6.Transactions, want.DHCPv6.MessageTypes)
			}
			golden.Check(t, filepath.Join("testdata", strings.TrimSuffix(want.Capture, filepath.Ext(want.Capture))+".golden.json"), r)
		})
	}
}
