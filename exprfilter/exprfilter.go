// Package exprfilter compiles automation recipes' conditions with
// expr-lang (github.com/expr-lang/expr) against recipes.Env: type-checked
// once, when a recipe is saved, and run on a virtual machine per event.
//
// Besides expr-lang's language, a condition may call num(s), which reads
// a contact attribute or event field as a number (NaN when it is not one,
// so that < and > are false rather than an error).
package exprfilter

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
)

// Compiler compiles conditions (recipes.Compiler). The zero value is
// ready; it is safe for concurrent use.
type Compiler struct{}

var _ recipes.Compiler = Compiler{}

// MaxLength is the longest condition compiled, in bytes.
const MaxLength = 4096

func options() []expr.Option {
	return []expr.Option{
		expr.Env(recipes.Env{}),
		expr.AsBool(),
		expr.Function("num", func(params ...any) (any, error) {
			s, _ := params[0].(string)
			f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return math.NaN(), nil
			}
			return f, nil
		}, new(func(string) float64)),
	}
}

// Compile compiles src, or returns an EINVALID error that says where it
// cannot be read.
func (Compiler) Compile(src string) (recipes.Matcher, error) {
	if len(src) > MaxLength {
		return nil, bot.Errorf(bot.EINVALID, "the condition is longer than %d bytes", MaxLength).Translated("err.condition.long", MaxLength)
	}
	p, err := expr.Compile(src, options()...)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			return nil, bot.Errorf(bot.EINVALID, "the condition cannot be read at %q: %s", near(src, fe.Column), fe.Message).Translated("err.condition.at", near(src, fe.Column), fe.Message)
		}
		return nil, bot.Errorf(bot.EINVALID, "the condition cannot be read: %s", err.Error()).Translated("err.condition", err.Error())
	}
	return &matcher{p: p}, nil
}

// near is the part of src from column col (a few words).
func near(src string, col int) string {
	r := []rune(src)
	if col < 0 || col >= len(r) {
		col = max(0, len(r)-20)
	}
	end := min(len(r), col+24)
	return string(r[col:end])
}

type matcher struct{ p *vm.Program }

// Match runs the program on env.
func (m *matcher) Match(env *recipes.Env) (bool, error) {
	out, err := expr.Run(m.p, env)
	if err != nil {
		return false, bot.Errorf(bot.EINVALID, "the condition failed: %s", err.Error())
	}
	ok, _ := out.(bool)
	return ok, nil
}
