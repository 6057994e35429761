package recipes

// Remembered returns how many conversations the loop guard remembers.
func Remembered(r *Runner) int {
	r.gmu.Lock()
	defer r.gmu.Unlock()
	return len(r.recent)
}
