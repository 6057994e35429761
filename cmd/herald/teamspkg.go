package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/heraldchat/herald/adapters/teams"
)

// teamsCommands are the commands the Teams app package lists in the
// compose box.
var teamsCommands = []teams.Command{
	{Title: "help", Description: "What herald can do, and how to type it"},
	{Title: "campaigns", Description: "The campaigns, by state"},
	{Title: "campaign new", Description: "A new campaign, as a draft"},
	{Title: "survey new", Description: "A new survey, as a draft"},
	{Title: "campaign stats", Description: "A campaign's engagement and a survey's answers"},
	{Title: "lists", Description: "The saved recipient lists"},
	{Title: "status", Description: "How herald is doing, platform by platform"},
}

// teamsPackage writes the Teams app package for the config's app id.
func (m *Main) teamsPackage(path, out string) error {
	if path == "" {
		return usageErrorf("teams package needs --config FILE: the package names teams.app_id")
	}
	cfg, err := m.loadConfig(path)
	if err != nil {
		return err
	}
	v, _, _ := buildInfo()
	zip, err := teams.Package(teams.PackageInfo{AppID: cfg.Teams.AppID, Version: strings.TrimPrefix(v, "v"), Commands: teamsCommands})
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if err := os.WriteFile(out, zip, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %s: upload it in Teams (Apps › Manage your apps › Upload an app)\n", out)
	return nil
}
