// Package observe holds the observation type shared by analyzers whose
// observations carry frame numbers and a free-form evidence map.
package observe

// Observation is something worth a look, with the evidence for it.
type Observation struct {
	// Kind names the observation (each analyzer documents its kinds).
	Kind     string         `json:"kind"`
	Summary  string         `json:"summary"`
	Frames   []int          `json:"frames"`
	Evidence map[string]any `json:"evidence,omitempty"`
}
