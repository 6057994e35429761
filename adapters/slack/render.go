package slack

import (
	"fmt"
	"regexp"
	"strings"

	slk "github.com/slack-go/slack"

	"github.com/heraldchat/herald/bot"
)

// CommandActionID marks buttons that carry a signed herald command.
const CommandActionID = "herald-command"

// ReplyActionID marks buttons whose value a participant sends back.
const ReplyActionID = "herald-reply"

// SelectActionID, followed by a Select's value, marks its checkboxes.
const SelectActionID = "herald-select:"

var linkRE = regexp.MustCompile(`\[([^\]\n]+)\]\((https?://[^)\s]+)\)`)

// mrkdwn turns herald's markup into Slack's: *bold*, _italic_ and `code`
// are the same; links become <url|label>; &, < and > are escaped.
func mrkdwn(s string) string {
	s = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
	return linkRE.ReplaceAllString(s, "<$2|$1>")
}

var kindEmoji = map[bot.Kind]string{bot.KindIdea: ":bulb: ", bot.KindSuccess: ":white_check_mark: ", bot.KindImportant: ":exclamation: "}

// Blocks renders m in Block Kit: a header for the title, the text as a
// section (with the kind's emoji), fields, the image, and the buttons. The
// second result is the plain-text fallback for notifications.
func Blocks(m bot.Message) ([]slk.Block, string) {
	var blocks []slk.Block
	if m.Title != "" {
		blocks = append(blocks, slk.NewHeaderBlock(slk.NewTextBlockObject(slk.PlainTextType, truncate(m.Title, 150), false, false)))
	}
	text := kindEmoji[m.Kind] + mrkdwn(m.Text)
	if strings.TrimSpace(m.Text) != "" {
		blocks = append(blocks, slk.NewSectionBlock(slk.NewTextBlockObject(slk.MarkdownType, truncate(text, 3000), false, false), nil, nil))
	}
	if len(m.Fields) > 0 {
		var fields []*slk.TextBlockObject
		for _, f := range m.Fields {
			fields = append(fields, slk.NewTextBlockObject(slk.MarkdownType, truncate("*"+mrkdwn(f.Label)+"*\n"+mrkdwn(f.Value), 2000), false, false))
			if len(fields) == 10 { // Slack's limit per section
				blocks = append(blocks, slk.NewSectionBlock(nil, fields, nil))
				fields = nil
			}
		}
		if len(fields) > 0 {
			blocks = append(blocks, slk.NewSectionBlock(nil, fields, nil))
		}
	}
	if m.ImageURL != "" {
		blocks = append(blocks, slk.NewImageBlock(m.ImageURL, m.Title, "", nil))
	}
	if s := m.Select; s != nil && len(s.Options) > 0 && len(s.Options) <= 10 && len(SelectActionID+s.Value) <= 255 {
		// Checkboxes (ten at most) stand for the buttons marked Option.
		var opts []*slk.OptionBlockObject
		for _, o := range s.Options {
			opts = append(opts, slk.NewOptionBlockObject(o.Value, slk.NewTextBlockObject(slk.PlainTextType, truncate(o.Label, 75), false, false), nil))
		}
		blocks = append(blocks, slk.NewActionBlock("herald-select", slk.NewCheckboxGroupsBlockElement(SelectActionID+s.Value, opts...)))
	} else {
		m.Select = nil
	}
	if len(m.Buttons) > 0 {
		var els []slk.BlockElement
		for i, b := range m.Buttons {
			if b.Option && m.Select != nil {
				continue
			}
			var btn *slk.ButtonBlockElement
			label := slk.NewTextBlockObject(slk.PlainTextType, truncate(b.Label, 75), false, false)
			switch b.Action.Kind {
			case bot.ActionLink:
				btn = slk.NewButtonBlockElement(fmt.Sprintf("herald-link-%d", i), "", label)
				btn.URL = b.Action.URL
			case bot.ActionCommand:
				btn = slk.NewButtonBlockElement(fmt.Sprintf("%s-%d", CommandActionID, i), b.Action.Value, label)
			default:
				btn = slk.NewButtonBlockElement(fmt.Sprintf("%s-%d", ReplyActionID, i), b.Action.Value, label)
			}
			switch b.Style {
			case "primary":
				btn.Style = slk.StylePrimary
			case "danger":
				btn.Style = slk.StyleDanger
			}
			els = append(els, btn)
		}
		if len(els) > 0 {
			blocks = append(blocks, slk.NewActionBlock("herald-actions", els...))
		}
	}
	fallback := m.Text
	if m.Title != "" {
		fallback = m.Title + ": " + m.Text
	}
	return blocks, truncate(fallback, 3000)
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
