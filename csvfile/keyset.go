package csvfile

import "math/bits"

// keySet remembers the hashes of the keys seen so far and the line of each,
// to find repeated keys with one probe sequence per row. It is an
// open-addressing table with linear probing, kept at most three quarters
// full, of any size (a slot is chosen by multiplying the hash by the size,
// not by masking), so that a table reserved for a file fits it closely.
//
// The probed table holds a 32-bit tag per slot (5 MiB at a million keys, so
// that probes stay within the processor's caches and TLB); a parallel
// table with the other 64 bits of hash is read only when a tag matches,
// and the line only for a repeat. A slot costs 16 bytes: 21 MiB for a
// million keys. Two keys are taken for the same only when all 96 bits
// match (odds about 1 in 10^17 for a million keys).
type keySet struct {
	tags  []uint32
	h2s   []uint64
	lines []int32
	n     int
}

// minSlots is the smallest table.
const minSlots = 4096

// reserve sizes the table for about n keys, to spare the growing.
func (s *keySet) reserve(n int) {
	size := max(minSlots, min(n, 1<<26)*4/3+1)
	if size > len(s.tags) {
		s.resize(size)
	}
}

// insert records the key hashed to (h1, h2) at line, or returns the line
// where it was first seen. The high 32 bits of h1 are the tag; h2 chooses
// the slot.
func (s *keySet) insert(h1, h2 uint64, line int32) (first int32, dup bool) {
	tag := uint32(h1>>32) | 1 // zero marks an empty slot
	if 4*(s.n+1) > 3*len(s.tags) {
		s.resize(max(2*len(s.tags), minSlots))
	}
	for i := home(h2, len(s.tags)); ; {
		switch s.tags[i] {
		case 0:
			s.tags[i], s.h2s[i], s.lines[i] = tag, h2, line
			s.n++
			return 0, false
		case tag:
			if s.h2s[i] == h2 {
				return s.lines[i], true
			}
		}
		if i++; i == len(s.tags) {
			i = 0
		}
	}
}

// home is the first slot probed for hash h in a table of size slots: the
// high word of h·size, uniform over the slots for any size.
func home(h uint64, size int) int {
	hi, _ := bits.Mul64(h, uint64(size))
	return int(hi)
}

// resize moves every entry into a table of size slots.
func (s *keySet) resize(size int) {
	oldTags, oldH2s, oldLines := s.tags, s.h2s, s.lines
	s.tags, s.h2s, s.lines = make([]uint32, size), make([]uint64, size), make([]int32, size)
	for j, tag := range oldTags {
		if tag == 0 {
			continue
		}
		i := home(oldH2s[j], size)
		for s.tags[i] != 0 {
			if i++; i == size {
				i = 0
			}
		}
		s.tags[i], s.h2s[i], s.lines[i] = tag, oldH2s[j], oldLines[j]
	}
}
