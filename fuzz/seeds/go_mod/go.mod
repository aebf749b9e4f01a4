module example.com/app

go 1.22

require (
	github.com/gin-gonic/gin v1.9.1
	golang.org/x/net v0.17.0 // indirect
)

require github.com/google/uuid v1.6.0

replace golang.org/x/net => golang.org/x/net v0.23.0

replace example.com/local => ../local

exclude github.com/old/thing v0.1.0

retract v1.0.1
