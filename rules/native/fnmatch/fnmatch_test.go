package fnmatch

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"", "", true},
		{"", "a", false},
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"*", "", true},
		{"*", "anything/at/all", true},
		// No FNM_PATHNAME: * and ? cross slashes.
		{"/etc/*", "/etc/ssh/sshd_config", true},
		{"/home/*/.ssh/*", "/home/alice/.ssh/id_rsa", true},
		{"/home/*/.ssh/*", "/home/alice/x/.ssh/id_rsa", true},
		{"a?c", "a/c", true},
		{"*../*../*", "/var/www/../../etc/passwd", true},
		{"*../*../*", "/var/www/../etc/passwd", false},
		// No FNM_PERIOD: leading dots are ordinary.
		{"*", ".bashrc", true},
		{"?bashrc", ".bashrc", true},
		{"*.log", "/var/log/syslog.log", true},
		{"*.log", "/var/log/syslog.log.1", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"**", "abc", true},
		{"a*", "a", true},
		// Bracket expressions.
		{"[abc]", "b", true},
		{"[abc]", "d", false},
		{"[a-c]x", "bx", true},
		{"[!a-c]x", "bx", false},
		{"[^a-c]x", "dx", true},
		{"[]]", "]", true},
		{"[!]]", "a", true},
		{"[a-]", "-", true},
		{"[[:digit:]]*", "7up", true},
		{"[[:alpha:]]", "7", false},
		{"[[:space:]]", "\t", true},
		{"/opt/di[r]/x", "/opt/dir/x", true},
		{"/opt/di[!r]/x", "/opt/dir/x", false},
		// Unterminated bracket is literal.
		{"[abc", "[abc", true},
		{"[abc", "a", false},
		// Escapes.
		{`\*`, "*", true},
		{`\*`, "a", false},
		{`a\?`, "a?", true},
		{`a\?`, "ab", false},
		{`[\]]`, "]", true},
		// Case matters without folding.
		{"ABC", "abc", false},
		// Bytes, not runes.
		{"?", "é", false},
		{"??", "é", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.name); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestMatchFold(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"ABC", "abc", true},
		{"*.JAR", "/opt/app/Lib.jar", true},
		{"[A-C]x", "bX", true},
		{"[a-c]x", "BX", true},
		{"[[:upper:]]", "a", true},
		{"java*", "JAVA", true},
		{"é", "É", false}, // ASCII folding only
	}
	for _, tt := range tests {
		if got := MatchFold(tt.pattern, tt.name); got != tt.want {
			t.Errorf("MatchFold(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestHasMeta(t *testing.T) {
	for s, want := range map[string]bool{"/etc/passwd": false, "/etc/*": true, "a?": true, "[x]": true, `a\b`: true} {
		if HasMeta(s) != want {
			t.Errorf("HasMeta(%q) = %v", s, !want)
		}
	}
}

func FuzzMatch(f *testing.F) {
	for _, s := range []string{"*", "[a-", `\`, "[[:x", "a*b?c[!d]"} {
		f.Add(s, "abc/def")
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		Match(p, s)
		MatchFold(p, s)
		if !HasMeta(p) && Match(p, s) != (p == s) {
			t.Fatalf("literal pattern %q vs %q", p, s)
		}
	})
}
