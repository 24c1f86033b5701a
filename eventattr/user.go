package eventattr

// On the Resource, with the process: the user and group of the process.
const (
	UserUID       = "process.user.id" // effective uid
	UserName      = "process.user.name"
	UserHome      = "vigil.user.homedir"
	UserShell     = "vigil.user.shell"
	UserLoginUID  = "vigil.user.loginuid" // -1 when unset
	UserLoginName = "vigil.user.loginname"
	GroupGID      = "vigil.group.gid"
	GroupName     = "vigil.group.name"
)
