package tcp

// IdleKept reports whether tr's idle direction states, which the
// connections whose direction 1 has no state of its own read, are still
// those a tracker starts with: they are read, never written.
func IdleKept(tr *Tracker) bool { return tr.idle == NewTracker(1).idle }
