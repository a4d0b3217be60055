module github.com/selfmfa/selfmfa/redislimit

go 1.26.0

require (
	github.com/gomodule/redigo v1.9.3
	github.com/selfmfa/selfmfa v0.0.0
)

replace github.com/selfmfa/selfmfa => ../
