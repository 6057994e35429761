package telegram

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heraldchat/herald/bot"
)

// commandPrefix is how callback data names a command button; a reply
// value that starts the same way is sent behind replyPrefix.
const (
	commandPrefix = "c:"
	replyPrefix   = "r:"
)

// herald returns the command in "/herald TEXT" (or "/herald@bot TEXT").
func (a *Adapter) herald(text string) (string, bool) {
	first, rest, _ := strings.Cut(strings.TrimSpace(text), " ")
	if first != "/herald" && !strings.EqualFold(first, "/herald@"+a.username) {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// groupMessage serves the moderators' group: /herald commands (with a CSV
// document when one is attached), and a document sent alone (a waiting
// `list import`, or an offer to import it).
func (a *Adapter) groupMessage(ctx context.Context, m *models.Message) {
	who := bot.Actor{Address: bot.Address{Platform: bot.PlatformTelegram, ID: strconv.FormatInt(m.From.ID, 10)},
		Name: strings.TrimSpace(m.From.FirstName + " " + m.From.LastName)}
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	cmd, isCommand := a.herald(text)
	topic := m.MessageThreadID
	if m.Document != nil && (isCommand || strings.TrimSpace(text) == "" && a.threadOf(m) == "") {
		var msg bot.Message
		a.attach(ctx, &msg, m.Document.FileID, m.Document.FileName, m.Document.MimeType, m.Document.FileSize)
		if len(msg.Files) == 0 {
			a.answer(ctx, topic, bot.CommandReply{Private: true, Messages: []bot.Message{{Kind: bot.KindImportant, Text: msg.Text}}})
			return
		}
		in := bot.Inbound{Kind: bot.InboundFile, From: who, Files: msg.Files[:1]}
		if isCommand {
			in = bot.Inbound{Kind: bot.InboundCommand, From: who, Text: cmd, Files: msg.Files}
		}
		a.answerAll(ctx, topic, a.handle(ctx, in).Replies)
		return
	}
	if isCommand {
		a.answerAll(ctx, topic, a.handle(ctx, bot.Inbound{Kind: bot.InboundCommand, From: who, Text: cmd}).Replies)
		return
	}
	a.threadMessage(ctx, m, who, text)
}

// answerAll answers with each reply in turn (see answer).
func (a *Adapter) answerAll(ctx context.Context, topic int, rs []bot.CommandReply) {
	for _, r := range rs {
		a.answer(ctx, topic, r)
	}
}

// answer posts a command's reply in the moderators' group, in the topic it
// was asked in. Telegram has no message only one member sees: private
// replies go to the group too.
func (a *Adapter) answer(ctx context.Context, topic int, r bot.CommandReply) {
	for _, m := range r.Messages {
		id, err := a.paced(ctx, a.group, topic, 0, m)
		if err != nil {
			a.log.Error("telegram: answering a command", "err", err)
			continue
		}
		if m.Campaign != 0 && a.OnCard != nil {
			a.OnCard(m.Campaign, bot.MessageRef{Channel: bot.Address{Platform: bot.PlatformTelegram, ID: strconv.FormatInt(a.group, 10)}, ID: strconv.Itoa(id)})
		}
	}
}

// paced posts m (see sendTo) within herald's budget: an answer waits for
// its turn in the group like any post, and a 429 pauses the budget and is
// tried again, maxAnswerTries times at most. Its text and each of its files are
// posts of their own, each waiting for its turn (a report with two charts
// is three posts), so that a 429 repeats only the post it stopped.
func (a *Adapter) paced(ctx context.Context, chat int64, topic, replyTo int, m bot.Message) (int, error) {
	if a.budget == nil {
		return a.sendTo(ctx, chat, topic, replyTo, m)
	}
	if len(m.Files) == 0 {
		return a.pacedOne(ctx, chat, topic, replyTo, m)
	}
	files := m.Files
	m.Files = nil
	id := 0
	if strings.TrimSpace(Render(m)) != "" {
		var err error
		if id, err = a.pacedOne(ctx, chat, topic, replyTo, m); err != nil {
			return id, err
		}
	}
	for _, f := range files {
		fid, err := a.pacedOne(ctx, chat, topic, replyTo, bot.Message{Files: []bot.File{f}})
		if err != nil {
			return id, err
		}
		if id == 0 {
			id = fid
		}
	}
	return id, nil
}

// maxAnswerTries bounds the tries of one answer's post: a 429 is waited
// out (the group is shared with the relays and the topics they open), not
// a failure, unless Telegram keeps refusing.
const maxAnswerTries = 10

// pacedOne is paced for one post.
func (a *Adapter) pacedOne(ctx context.Context, chat int64, topic, replyTo int, m bot.Message) (int, error) {
	to := bot.Address{Platform: bot.PlatformTelegram, ID: strconv.FormatInt(chat, 10)}
	for try := 0; ; try++ {
		if err := a.budget.Wait(ctx, bot.ClassInteractive, to); err != nil {
			return 0, err
		}
		id, err := a.sendTo(ctx, chat, topic, replyTo, m)
		d, slow := bot.ErrorRetryAfter(err)
		if !slow || try == maxAnswerTries-1 {
			return id, err
		}
		a.budget.Pause(bot.PlatformTelegram, d)
	}
}

// EditMessage replaces a message herald sent (a campaign card kept up to
// date), buttons included.
func (a *Adapter) EditMessage(ctx context.Context, ref bot.MessageRef, m bot.Message) error {
	chat, err1 := strconv.ParseInt(ref.Channel.ID, 10, 64)
	id, err2 := strconv.Atoi(ref.ID)
	if err1 != nil || err2 != nil {
		return bot.Errorf(bot.EINVALID, "%s/%s is not a Telegram message", ref.Channel.ID, ref.ID)
	}
	_, err := a.bot.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: chat, MessageID: id, Text: Render(m), ParseMode: models.ParseModeHTML, ReplyMarkup: a.keyboard(m)})
	if err != nil && !strings.Contains(err.Error(), "message is not modified") {
		return a.classify(err)
	}
	return nil
}

// sendTo sends m to chat (in topic, or as a reply to replyTo), then its
// files.
func (a *Adapter) sendTo(ctx context.Context, chat int64, topic, replyTo int, m bot.Message) (int, error) {
	id := 0
	if text := Render(m); strings.TrimSpace(text) != "" || len(m.Files) == 0 {
		params := &tg.SendMessageParams{ChatID: chat, Text: text, ParseMode: models.ParseModeHTML, MessageThreadID: topic}
		if m.Tracking != nil && m.Tracking.Links {
			// herald's own link address would be previewed: none
			off := true
			params.LinkPreviewOptions = &models.LinkPreviewOptions{IsDisabled: &off}
		}
		if replyTo != 0 {
			params.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
		}
		if kb := a.keyboard(m); kb != nil {
			params.ReplyMarkup = kb
		}
		sent, err := a.bot.SendMessage(ctx, params)
		if err != nil {
			return 0, a.classify(err)
		}
		id = sent.ID
	}
	for _, f := range m.Files {
		var sent *models.Message
		var err error
		if isPhoto(f) {
			// A chart shows as a picture in the chat, not a file to open.
			sent, err = a.bot.SendPhoto(ctx, &tg.SendPhotoParams{ChatID: chat, MessageThreadID: topic,
				Photo: &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}})
		} else {
			sent, err = a.bot.SendDocument(ctx, &tg.SendDocumentParams{ChatID: chat, MessageThreadID: topic,
				Document: &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}})
		}
		if err != nil {
			return id, a.classify(err)
		}
		if id == 0 {
			id = sent.ID
		}
	}
	return id, nil
}

// isPhoto reports whether f goes as a photo: a PNG or JPEG image within
// the 10 MB Telegram takes for one.
func isPhoto(f bot.File) bool {
	return (f.ContentType == "image/png" || f.ContentType == "image/jpeg") && len(f.Data) > 0 && len(f.Data) <= 10<<20
}

// callback serves a pressed inline button: a command button runs its
// signed command (a campaign card in the answer replaces the pressed
// message); a participant's reply button goes to their thread.
func (a *Adapter) callback(ctx context.Context, q *models.CallbackQuery) {
	who := bot.Actor{Address: bot.Address{Platform: bot.PlatformTelegram, ID: strconv.FormatInt(q.From.ID, 10)},
		Name: strings.TrimSpace(q.From.FirstName + " " + q.From.LastName)}
	pressed := q.Message.Message
	if id, ok := strings.CutPrefix(q.Data, commandPrefix); ok {
		signed, known := a.buttons.Get(id)
		if !known {
			// An empty value: the handler says the button is from before a
			// restart; its words show as an alert.
			var text []string
			for _, reply := range a.handle(ctx, bot.Inbound{Kind: bot.InboundButton, From: who}).Replies {
				for _, m := range reply.Messages {
					text = append(text, strings.TrimSpace(m.Title+" "+m.Text))
				}
			}
			a.bot.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: q.ID, ShowAlert: true, Text: strings.Join(text, "\n")})
			return
		}
		a.bot.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: q.ID})
		topic := 0
		if pressed != nil {
			topic = pressed.MessageThreadID
		}
		for _, reply := range a.handle(ctx, bot.Inbound{Kind: bot.InboundButton, From: who, Signed: signed}).Replies {
			for i, m := range reply.Messages {
				if m.Campaign == 0 || pressed == nil {
					continue
				}
				ref := bot.MessageRef{Channel: bot.Address{Platform: bot.PlatformTelegram, ID: strconv.FormatInt(pressed.Chat.ID, 10)}, ID: strconv.Itoa(pressed.ID)}
				if err := a.EditMessage(ctx, ref, m); err == nil {
					reply.Messages = append(reply.Messages[:i:i], reply.Messages[i+1:]...)
					if a.OnCard != nil {
						a.OnCard(m.Campaign, ref)
					}
				}
				break
			}
			a.answer(ctx, topic, reply)
		}
		return
	}
	a.bot.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: q.ID})
	if pressed != nil && pressed.Chat.Type == "private" {
		text := q.Data
		if v, ok := strings.CutPrefix(text, replyPrefix); ok {
			text = v
		}
		a.handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: who, ID: "cb-" + q.ID, Text: text})
	}
}

// IsMember says whether user is an administrator (or the creator) of the
// group chat group: in the moderators' group, its admins are moderators.
// Answers are kept a minute.
func (a *Adapter) IsMember(ctx context.Context, user bot.Address, group string) (bool, error) {
	if user.Platform != bot.PlatformTelegram {
		return false, nil
	}
	chat, err1 := strconv.ParseInt(group, 10, 64)
	uid, err2 := strconv.ParseInt(user.ID, 10, 64)
	if err1 != nil || err2 != nil {
		return false, nil
	}
	key := group + "/" + user.ID
	now := time.Now()
	a.mu.Lock()
	if e, ok := a.admins[key]; ok && now.Sub(e.at) < time.Minute {
		a.mu.Unlock()
		return e.admin, nil
	}
	a.mu.Unlock()
	m, err := a.bot.GetChatMember(ctx, &tg.GetChatMemberParams{ChatID: chat, UserID: uid})
	if err != nil {
		return false, a.classify(err)
	}
	admin := m.Type == models.ChatMemberTypeOwner || m.Type == models.ChatMemberTypeAdministrator
	a.mu.Lock()
	if a.admins == nil {
		a.admins = map[string]adminEntry{}
	}
	a.admins[key] = adminEntry{admin: admin, at: now}
	a.mu.Unlock()
	return admin, nil
}

type adminEntry struct {
	admin bool
	at    time.Time
}
