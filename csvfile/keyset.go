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
// table with the other 64 bits of hash and the line is read only when a
// tag matches, and written beside the tag. A slot costs 16 bytes: 21 MB
// for a table reserved for a million keys, 32 MiB for one grown to them
// (48 MiB for a moment while it copies itself). Two keys are taken for the
// same only when all 95 bits match (the tag's lowest bit is always set):
// odds about 1 in 10^16 for a million keys.
type keySet struct {
	tags []uint32
	rest []keyRest
	n    int
}

// keyRest is a slot's hash beyond its tag, in two halves so that the
// struct packs into 12 bytes, and the line of the key's first row.
type keyRest struct {
	lo, hi uint32
	line   int32
}

func (k keyRest) h2() uint64 { return uint64(k.hi)<<32 | uint64(k.lo) }

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
			s.tags[i], s.rest[i] = tag, keyRest{lo: uint32(h2), hi: uint32(h2 >> 32), line: line}
			s.n++
			return 0, false
		case tag:
			if s.rest[i].h2() == h2 {
				return s.rest[i].line, true
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
	oldTags, oldRest := s.tags, s.rest
	s.tags, s.rest = make([]uint32, size), make([]keyRest, size)
	for j, tag := range oldTags {
		if tag == 0 {
			continue
		}
		i := home(oldRest[j].h2(), size)
		for s.tags[i] != 0 {
			if i++; i == size {
				i = 0
			}
		}
		s.tags[i], s.rest[i] = tag, oldRest[j]
	}
}
