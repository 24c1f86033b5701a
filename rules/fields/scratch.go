package fields

import "unsafe"

// Scratch is working memory for one evaluation: values that have to be
// composed (joined, case-folded, decoded, rendered from numbers) are built in
// B instead of being allocated. Use it stack-wise: take a Mark, let accessors
// append, read the result, then Release the mark. A string returned by String
// aliases B and stays valid until B is released below its start; appending
// may move B, but never changes bytes already handed out.
//
// A Scratch is not safe for concurrent use; evaluators keep one per goroutine
// (a sync.Pool).
type Scratch struct {
	B []byte
	// Memo is per-event memory an evaluator may use to remember results it
	// shares between rules; accessors never touch it.
	Memo []uint8
}

// Mark returns the current end of the buffer.
func (s *Scratch) Mark() int { return len(s.B) }

// Release drops everything appended after mark.
func (s *Scratch) Release(mark int) { s.B = s.B[:mark] }

// String returns the bytes appended since mark as a string, without copying.
func (s *Scratch) String(mark int) string {
	if len(s.B) == mark {
		return ""
	}
	return unsafe.String(&s.B[mark], len(s.B)-mark)
}

// Bytes returns the bytes appended since mark.
func (s *Scratch) Bytes(mark int) []byte { return s.B[mark:len(s.B):len(s.B)] }
