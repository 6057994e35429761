module github.com/heraldchat/herald

go 1.26.8

require (
	go.etcd.io/bbolt v1.5.0
	golang.org/x/text v0.43.0
)

require golang.org/x/sys v0.48.0 // indirect
