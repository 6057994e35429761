package csvfile

// keySet remembers the hashes of the keys seen so far and the line of each,
// to find repeated keys with one probe sequence per row. It is an
// open-addressing table with linear probing, kept at most half full. The
// probed table holds a 32-bit tag per slot (8 MiB at a million keys, so
// that probes stay within the processor's caches and TLB); a parallel
// table with the other 64 bits of hash and the line is read only when a
// tag matches. Two keys are taken for the same only when all 96 bits match
// (odds about 1 in 10^16 for a million keys).
type keySet struct {
	tags []uint32
	rest []keyRest
	n    int
}

type keyRest struct {
	h2   uint64
	line int32
}

// reserve sizes the table for about n keys, to spare the rehashing.
func (s *keySet) reserve(n int) {
	size := 1 << 12
	for size < 2*n && size < 1<<26 {
		size *= 2
	}
	if size > len(s.tags) {
		s.resize(size)
	}
}

// insert records the key hashed to (h1, h2) at line, or returns the line
// where it was first seen. The high 32 bits of h1 are the tag and the low
// bits of h2 choose the slot.
func (s *keySet) insert(h1, h2 uint64, line int32) (first int32, dup bool) {
	tag := uint32(h1>>32) | 1 // zero marks an empty slot
	if 2*(s.n+1) > len(s.tags) {
		s.resize(max(2*len(s.tags), 1<<12))
	}
	mask := uint64(len(s.tags) - 1)
	for i := h2 & mask; ; i = (i + 1) & mask {
		switch s.tags[i] {
		case 0:
			s.tags[i], s.rest[i] = tag, keyRest{h2: h2, line: line}
			s.n++
			return 0, false
		case tag:
			if s.rest[i].h2 == h2 {
				return s.rest[i].line, true
			}
		}
	}
}

// resize moves every entry into a table of size slots.
func (s *keySet) resize(size int) {
	oldTags, oldRest := s.tags, s.rest
	s.tags, s.rest = make([]uint32, size), make([]keyRest, size)
	mask := uint64(size - 1)
	for j, tag := range oldTags {
		if tag == 0 {
			continue
		}
		i := oldRest[j].h2 & mask
		for s.tags[i] != 0 {
			i = (i + 1) & mask
		}
		s.tags[i], s.rest[i] = tag, oldRest[j]
	}
}
