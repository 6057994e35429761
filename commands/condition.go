package commands

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/suggest"
)

// ParseCondition reads a recipe's condition as a moderator types it, in
// English or French, and returns the expression it means (compiled by
// the recipes' compiler, package exprfilter):
//
//	message contains "refund"          message contient "remboursement"
//	message matches "re(fund|mb)"      message correspond "…"
//	platform is slack                  plateforme est slack      (is not / n'est pas)
//	status is pending                  statut est en_attente
//	tag vip                            étiquette vip
//	source is webinar · assigned · unassigned
//	plan = gold · age > 30 · country in fr,be · event.course = go101
//	priority is high · language = fr · category = billing   (the conversation's properties)
//	rating < 3                         note < 3     (the last survey answer; none: false)
//	and / et · or / ou · not / non · ( … )
//	expr: …                            (expr-lang itself)
//
// "" and "all" (tout) mean every conversation (""). A leading "when",
// "if", "quand" or "si" is read as nothing ("when message contains
// …"). An unknown word is refused with what it may have meant.
func ParseCondition(typed string) (string, error) {
	typed = strings.TrimSpace(typed)
	for _, lead := range []string{"when ", "if ", "quand ", "si "} {
		if len(typed) > len(lead) && strings.EqualFold(typed[:len(lead)], lead) {
			typed = strings.TrimSpace(typed[len(lead):])
			break
		}
	}
	if raw, ok := strings.CutPrefix(typed, "expr:"); ok {
		return strings.TrimSpace(raw), nil
	}
	if typed == "" || strings.EqualFold(typed, "all") || strings.EqualFold(typed, "tout") {
		return "", nil
	}
	toks, err := condTokens(typed)
	if err != nil {
		return "", err
	}
	p := &condParser{toks: toks}
	out, err := p.or()
	if err != nil {
		return "", err
	}
	if p.i < len(p.toks) {
		return "", argErrorT(TextErrCondJoin, p.toks[p.i].s)
	}
	return out, nil
}

type condToken struct {
	s      string
	quoted bool
}

// condTokens splits a condition into words, quoted texts, parentheses and
// comparison signs.
func condTokens(s string) ([]condToken, error) {
	var out []condToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(' || c == ')':
			out = append(out, condToken{s: string(c)})
			i++
		case c == '"' || strings.HasPrefix(s[i:], "“"):
			open, close := "\"", "\""
			if c != '"' {
				open, close = "“", "”"
			}
			end := strings.Index(s[i+len(open):], close)
			if end < 0 {
				return nil, argErrorT(TextErrCondQuote)
			}
			out = append(out, condToken{s: s[i+len(open) : i+len(open)+end], quoted: true})
			i += len(open) + end + len(close)
		case strings.ContainsRune("=!<>≠", rune(c)) || strings.HasPrefix(s[i:], "≠"):
			if strings.HasPrefix(s[i:], "≠") {
				out = append(out, condToken{s: "!="})
				i += len("≠")
				continue
			}
			j := i + 1
			if j < len(s) && s[j] == '=' {
				j++
			}
			out = append(out, condToken{s: s[i:j]})
			i = j
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t()\"=!<>", rune(s[j])) && !strings.HasPrefix(s[j:], "≠") && !strings.HasPrefix(s[j:], "“") {
				j++
			}
			out = append(out, condToken{s: s[i:j]})
			i = j
		}
	}
	return out, nil
}

type condParser struct {
	toks []condToken
	i    int
}

func (p *condParser) peek() string {
	if p.i < len(p.toks) && !p.toks[p.i].quoted {
		return strings.ToLower(p.toks[p.i].s)
	}
	return ""
}

func (p *condParser) accept(words ...string) bool {
	w := p.peek()
	for _, x := range words {
		if w == x {
			p.i++
			return true
		}
	}
	return false
}

func (p *condParser) or() (string, error) {
	left, err := p.and()
	for err == nil && p.accept("or", "ou") {
		var right string
		if right, err = p.and(); err == nil {
			left = left + " || " + right
		}
	}
	return left, err
}

func (p *condParser) and() (string, error) {
	left, err := p.unary()
	for err == nil && p.accept("and", "et") {
		var right string
		if right, err = p.unary(); err == nil {
			left = left + " && " + right
		}
	}
	return left, err
}

func (p *condParser) unary() (string, error) {
	switch {
	case p.accept("not", "non"):
		x, err := p.unary()
		return "!(" + x + ")", err
	case p.accept("("):
		x, err := p.or()
		if err == nil && !p.accept(")") {
			err = argErrorT(TextErrCondParen)
		}
		return "(" + x + ")", err
	}
	return p.cond()
}

// value reads the next word or quoted text.
func (p *condParser) value(what string) (string, error) {
	if p.i >= len(p.toks) {
		return "", argErrorT(TextErrCondEnds, what)
	}
	t := p.toks[p.i]
	p.i++
	return t.s, nil
}

// is reads "is", "is not", "est", "n'est pas".
func (p *condParser) is() (not bool, err error) {
	switch {
	case p.accept("is", "est", "="):
		not = p.accept("not", "pas")
	case p.accept("n'est", "n’est"):
		p.accept("pas")
		not = true
	case p.accept("!="):
		not = true
	default:
		return false, argErrorT(TextErrCondIs, p.toks[p.i-1].s)
	}
	return not, nil
}

var condFields = []string{"message", "platform", "status", "tag", "source", "assigned", "unassigned", "plateforme", "statut", "étiquette",
	"priority", "language", "category", "rating", "priorité", "langue", "catégorie"}

// condProps are the words for the conversation's properties, in English
// and French.
var condProps = map[string]string{"priority": "priority", "priorité": "priority", "language": "language", "langue": "language",
	"category": "category", "catégorie": "category"}

var attrName = regexp.MustCompile(`^[\p{L}_][\p{L}0-9_.-]*$`)

func (p *condParser) cond() (string, error) {
	if p.i >= len(p.toks) {
		return "", argErrorT(TextErrCondMissing)
	}
	word := p.peek()
	p.i++
	switch word {
	case "message":
		switch {
		case p.accept("contains", "contient"):
			v, err := p.value("the text to look for")
			return "lower(message) contains " + strconv.Quote(strings.ToLower(v)), err
		case p.accept("matches", "correspond"):
			p.accept("à")
			v, err := p.value("the pattern")
			if err != nil {
				return "", err
			}
			if _, err := regexp.Compile("(?i)" + v); err != nil {
				return "", argErrorT(TextErrCondPattern, v, err)
			}
			return "message matches " + strconv.Quote("(?i)"+v), nil
		}
		return "", argErrorT(TextErrCondMessage)
	case "platform", "plateforme":
		not, err := p.is()
		if err != nil {
			return "", err
		}
		v, err := p.value("the platform")
		if err != nil {
			return "", err
		}
		if !bot.Platform(strings.ToLower(v)).Valid() {
			return "", argErrorT(TextErrCondPlatform, v)
		}
		return eq("platform", not, strings.ToLower(v)), nil
	case "status", "statut":
		not, err := p.is()
		if err != nil {
			return "", err
		}
		v, err := p.value("the status")
		if err != nil {
			return "", err
		}
		st, ok := map[string]string{"open": "open", "ouverte": "open", "ouvert": "open", "pending": "pending", "en_attente": "pending", "attente": "pending",
			"resolved": "resolved", "résolue": "resolved", "résolu": "resolved", "resolue": "resolved"}[strings.ToLower(v)]
		if !ok {
			return "", argErrorT(TextErrCondStatus, v)
		}
		return eq("status", not, st), nil
	case "tag", "étiquette":
		v, err := p.value("the tag")
		return strconv.Quote(strings.ToLower(v)) + " in tags", err
	case "source":
		not, err := p.is()
		if err != nil {
			return "", err
		}
		v, err := p.value("the source")
		return eq("source", not, v), err
	case "assigned", "attribuée":
		return `assignee != ""`, nil
	case "unassigned":
		return `assignee == ""`, nil
	}
	field := p.toks[p.i-1].s
	if !attrName.MatchString(field) || p.i >= len(p.toks) {
		if s := suggest.Closest(field, condFields); s != "" {
			return "", argErrorT(TextErrCondSuggest, field, s)
		}
		return "", argErrorT(TextErrCondStart, field)
	}
	subject := "contact[" + strconv.Quote(field) + "]"
	if prop, ok := condProps[strings.ToLower(field)]; ok {
		subject = "props[" + strconv.Quote(prop) + "]"
	}
	numeric := strings.EqualFold(field, "rating") || strings.EqualFold(field, "note")
	if numeric {
		subject = "rating"
	}
	if name, ok := strings.CutPrefix(field, "event."); ok {
		switch name {
		case "type", "name", "tag", "status", "from":
			subject = "event." + name
		default:
			subject = "event.data[" + strconv.Quote(name) + "]"
		}
	}
	op := p.peek()
	p.i++
	if op == "is" || op == "est" {
		// "plan is gold" is plan = gold; "platfrom is slack" a typo.
		if s := suggest.Closest(field, condFields); s != "" && !slices.Contains(condFields, strings.ToLower(field)) {
			return "", argErrorT(TextErrCondSuggest, field, s)
		}
		op = "="
		if p.accept("not", "pas") {
			op = "!="
		}
	}
	switch op {
	case "=", "==", "!=":
		v, err := p.value("the value")
		if err == nil && numeric {
			if _, err := strconv.Atoi(v); err != nil {
				return "", argErrorT(TextErrCondNumber, v, field)
			}
			return "(rated && " + subject + map[bool]string{true: " != ", false: " == "}[op == "!="] + v + ")", nil
		}
		return eq(subject, op == "!=", v), err
	case "<", ">", "<=", ">=":
		v, err := p.value("the number")
		if err != nil {
			return "", err
		}
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "", argErrorT(TextErrCondNumber, v, field)
		}
		if numeric {
			return "(rated && " + subject + " " + op + " " + v + ")", nil
		}
		return "num(" + subject + ") " + op + " " + v, nil
	case "in", "dans":
		v, err := p.value("the values")
		if err != nil {
			return "", err
		}
		var list []string
		for _, x := range strings.Split(v, ",") {
			if x = strings.TrimSpace(x); x != "" {
				list = append(list, strconv.Quote(x))
			}
		}
		return subject + " in [" + strings.Join(list, ", ") + "]", nil
	}
	return "", argErrorT(TextErrCondOp, field)
}

func eq(subject string, not bool, v string) string {
	op := " == "
	if not {
		op = " != "
	}
	return subject + op + strconv.Quote(v)
}
