// Package all imports every analyzer so that it registers with the engine.
package all

import (
	// Each analyzer registers itself in init.
	_ "pcaplens/analysis/capinfos"
	_ "pcaplens/analysis/dhcp"
	_ "pcaplens/analysis/dns"
	_ "pcaplens/analysis/http"
	_ "pcaplens/analysis/icmp"
	_ "pcaplens/analysis/overview"
	_ "pcaplens/analysis/sip"
	_ "pcaplens/analysis/tcp"
	_ "pcaplens/analysis/tls"
)
