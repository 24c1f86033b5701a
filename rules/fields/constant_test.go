package fields

import (
	"errors"
	"testing"
)

func TestParseInt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		typ  Type
		want int64
		err  error
	}{
		{"0", Int, 0, nil},
		{"-1", Int, -1, nil},
		{"+7", Int, 7, nil},
		{"0x1F", Int, 31, nil},
		{"-0x10", Int, -16, nil},
		{"18446744073709551615", Int, -1, nil}, // unsigned fields wrap
		{"65535", Port, 65535, nil},
		{"65536", Port, 0, ErrPortRange},
		{"-1", Port, 0, ErrPortRange},
		{"1.5", Int, 0, ErrNotInteger},
		{"0b1", Int, 0, ErrNotInteger},
		{"", Int, 0, ErrNotInteger},
		{"ten", Int, 0, ErrNotInteger},
	} {
		got, err := ParseInt(tc.in, tc.typ)
		if !errors.Is(err, tc.err) || (err == nil && got != tc.want) {
			t.Errorf("ParseInt(%q, %s) = %d, %v; want %d, %v", tc.in, tc.typ, got, err, tc.want, tc.err)
		}
	}
}
