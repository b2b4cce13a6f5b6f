//go:build !webdist

package web

import "io/fs"

// FS returns ErrNotBuilt: this binary was built without the tag "webdist".
func FS() (fs.FS, error) {
	return nil, ErrNotBuilt
}
