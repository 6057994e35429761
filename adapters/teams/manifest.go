package teams

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"regexp"
)

// Command is one command the app package lists for Teams' compose box.
type Command struct {
	Title, Description string
}

// PackageInfo is what the app package says of herald.
type PackageInfo struct {
	// AppID is the bot's Microsoft App ID (teams.app_id): the app's and
	// the bot's id.
	AppID string
	// Name is the app's short name (herald when empty); Developer and
	// Website name who runs it (required by the manifest).
	Name, Developer, Website string
	Version                  string
	Commands                 []Command
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Package returns the app package an admin uploads to Teams: a zip of
// manifest.json (the bot, in personal and team scopes, its commands) and
// two icons it draws (a 192-pixel colour one, a 32-pixel white outline).
func Package(p PackageInfo) ([]byte, error) {
	if !uuidRE.MatchString(p.AppID) {
		return nil, fmt.Errorf("teams.app_id %q is not a Microsoft App ID (a GUID like 00000000-0000-0000-0000-000000000000)", p.AppID)
	}
	if p.Name == "" {
		p.Name = "herald"
	}
	if p.Developer == "" {
		p.Developer = p.Name
	}
	if p.Website == "" {
		p.Website = "https://github.com/heraldchat/herald"
	}
	if p.Version == "" || !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(p.Version) {
		p.Version = "1.0.0"
	}
	var cmds []map[string]string
	for _, c := range p.Commands {
		if len(cmds) == 10 { // Teams lists ten per scope
			break
		}
		cmds = append(cmds, map[string]string{"title": clip(c.Title, 32), "description": clip(c.Description, 128)})
	}
	manifest := map[string]any{
		"$schema":         "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json",
		"manifestVersion": "1.17", "version": p.Version, "id": p.AppID,
		"developer": map[string]string{"name": p.Developer, "websiteUrl": p.Website, "privacyUrl": p.Website, "termsOfUseUrl": p.Website},
		"name":      map[string]string{"short": clip(p.Name, 30), "full": clip(p.Name+": campaigns and participant conversations", 100)},
		"description": map[string]string{"short": "Campaigns, surveys and participant threads",
			"full": "herald sends campaigns and surveys to people in their personal chats, and gives each participant who writes a thread in the moderators' channel."},
		"icons":       map[string]string{"color": "color.png", "outline": "outline.png"},
		"accentColor": "#2D5BE3",
		"bots": []map[string]any{{"botId": p.AppID, "scopes": []string{"personal", "team"}, "supportsFiles": false, "isNotificationOnly": false,
			"commandLists": []map[string]any{{"scopes": []string{"personal", "team"}, "commands": cmds}}}},
		"permissions":  []string{"identity", "messageTeamMembers"},
		"validDomains": []string{},
	}
	mj, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		data func() ([]byte, error)
	}{
		{"manifest.json", func() ([]byte, error) { return mj, nil }},
		{"color.png", func() ([]byte, error) {
			return icon(192, color.RGBA{0x2d, 0x5b, 0xe3, 0xff}, color.RGBA{0xff, 0xff, 0xff, 0xff})
		}},
		{"outline.png", func() ([]byte, error) { return icon(32, color.RGBA{}, color.RGBA{0xff, 0xff, 0xff, 0xff}) }},
	} {
		data, err := f.data()
		if err != nil {
			return nil, err
		}
		w, err := z.Create(f.name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// icon draws herald's mark, an "h", in fg on a square of size pixels of
// bg (transparent for the outline icon).
func icon(size int, bg, fg color.RGBA) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			img.Set(x, y, bg)
		}
	}
	u := float64(size) / 32
	in := func(x0, y0, x1, y1 float64, x, y int) bool {
		fx, fy := float64(x)/u, float64(y)/u
		return fx >= x0 && fx < x1 && fy >= y0 && fy < y1
	}
	for y := range size {
		for x := range size {
			// an "h": a stem, an arch, a leg
			if in(8, 6, 12, 26, x, y) || in(12, 14, 22, 18, x, y) || in(20, 14, 24, 26, x, y) {
				img.Set(x, y, fg)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
