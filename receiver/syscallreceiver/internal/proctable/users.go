package proctable

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"
)

// User is one passwd entry.
type User struct {
	Name, Home, Shell string
}

// Users maps ids to names from the host's passwd and group files. Refresh
// rereads them when they changed; lookups never touch the files.
type Users struct {
	passwdPath, groupPath string
	users                 map[uint32]User
	groups                map[uint32]string
	passwdMod, groupMod   time.Time
}

// NewUsers reads passwdPath and groupPath (missing files give no names).
func NewUsers(passwdPath, groupPath string) *Users {
	u := &Users{passwdPath: passwdPath, groupPath: groupPath}
	u.reload(true)
	return u
}

// Refresh rereads the files if they changed since the last read, and
// reports whether it did.
func (u *Users) Refresh() bool { return u.reload(false) }

func (u *Users) reload(force bool) (changed bool) {
	if st, err := os.Stat(u.passwdPath); err == nil && (force || !st.ModTime().Equal(u.passwdMod)) {
		changed = true
		u.passwdMod = st.ModTime()
		u.users = map[uint32]User{}
		readColon(u.passwdPath, func(f []string) {
			if len(f) >= 7 {
				if id, err := strconv.ParseUint(f[2], 10, 32); err == nil {
					if _, dup := u.users[uint32(id)]; !dup {
						u.users[uint32(id)] = User{Name: f[0], Home: f[5], Shell: f[6]}
					}
				}
			}
		})
	}
	if st, err := os.Stat(u.groupPath); err == nil && (force || !st.ModTime().Equal(u.groupMod)) {
		changed = true
		u.groupMod = st.ModTime()
		u.groups = map[uint32]string{}
		readColon(u.groupPath, func(f []string) {
			if len(f) >= 3 {
				if id, err := strconv.ParseUint(f[2], 10, 32); err == nil {
					if _, dup := u.groups[uint32(id)]; !dup {
						u.groups[uint32(id)] = f[0]
					}
				}
			}
		})
	}
	return changed
}

func readColon(path string, fn func([]string)) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		fn(strings.Split(line, ":"))
	}
}

// User returns uid's entry; uid 0 is "root" even without a passwd file.
func (u *Users) User(uid uint32) (User, bool) {
	e, ok := u.users[uid]
	if !ok && uid == 0 {
		return User{Name: "root", Home: "/root", Shell: "/bin/sh"}, true
	}
	return e, ok
}

// Group returns gid's name.
func (u *Users) Group(gid uint32) (string, bool) {
	g, ok := u.groups[gid]
	if !ok && gid == 0 {
		return "root", true
	}
	return g, ok
}
