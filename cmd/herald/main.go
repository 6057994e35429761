package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/heraldchat/herald/gctune"
)

func main() {
	gctune.Apply() // a process-wide setting: here, not in Main
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	if err != nil && !silent(err) {
		fmt.Fprintln(os.Stderr, "herald:", err)
	}
	os.Exit(ExitCode(err))
}
