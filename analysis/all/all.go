// Package all imports every analyzer so that it registers with the engine.
package all

import (
	// Each analyzer registers itself in init.
	_ "pcaplens/analysis/capinfos"
)
