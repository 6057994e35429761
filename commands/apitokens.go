package commands

import (
	"context"
	"strings"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/apitokens"
)

// tokenCreate makes an API token and shows it once, privately: only its
// hash is kept.
func (h *handlers) tokenCreate(ctx context.Context, w *Reply, r *Request) error {
	if h.deps.Tokens == nil {
		return bot.Errorf(bot.EUNAVAILABLE, "API tokens are not available here")
	}
	if r.Actor.Address.Platform == bot.PlatformTelegram {
		// Telegram's group has no answer only one person sees: the token
		// would stay in its history.
		return bot.Errorf(bot.EFORBIDDEN, "a token is shown once and must stay private, which a Telegram group cannot do: use the console, Slack or Discord, or `herald token create NAME` on the server")
	}
	name := r.Args[0]
	if !apitokens.ValidName(name) {
		return argErrorT(TextErrTokenName, name)
	}
	tok, hash, err := apitokens.New()
	if err != nil {
		return err
	}
	if err := h.deps.Tokens.CreateAPIToken(ctx, &apitokens.Token{Name: name, Hash: hash, CreatedBy: r.Actor}); err != nil {
		return err
	}
	w.Private = true
	w.Text(bot.KindSuccess, h.text.T(TextTokenCreated, name, tok))
	return nil
}

// tokenList lists the API tokens: name, made when and by whom, revoked.
func (h *handlers) tokenList(ctx context.Context, w *Reply, r *Request) error {
	if h.deps.Tokens == nil {
		return bot.Errorf(bot.EUNAVAILABLE, "API tokens are not available here")
	}
	ts, err := h.deps.Tokens.APITokens(ctx)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		w.Text(bot.KindMessage, h.text.T(TextNoTokens))
		return nil
	}
	var lines []string
	for _, t := range ts {
		line := "• *" + t.Name + "* · " + t.CreatedAt.UTC().Format("2006-01-02 15:04")
		if t.CreatedBy.Name != "" {
			line += " · " + t.CreatedBy.Name
		}
		if t.Revoked() {
			line += " · " + h.text.T(TextTokenRevokedOn, t.RevokedAt.UTC().Format("2006-01-02 15:04"))
		}
		lines = append(lines, line)
	}
	w.Say(bot.Message{Kind: bot.KindMessage, Title: h.text.T(TextTokensTitle), Text: strings.Join(lines, "\n")})
	return nil
}

// tokenRevoke revokes an API token by name: requests with it are refused
// (403) from now on.
func (h *handlers) tokenRevoke(ctx context.Context, w *Reply, r *Request) error {
	if h.deps.Tokens == nil {
		return bot.Errorf(bot.EUNAVAILABLE, "API tokens are not available here")
	}
	if _, err := h.deps.Tokens.RevokeAPIToken(ctx, r.Args[0], h.deps.Clock.Now()); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextTokenRevoked, r.Args[0]))
	return nil
}
