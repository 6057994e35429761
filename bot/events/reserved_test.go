package events

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// Every event type herald records (each EventType constant of package
// bot) is reserved: the event API cannot post one, so a recipe or a nudge
// that triggers on herald's own event cannot be set off from outside.
func TestEveryOwnEventTypeIsReserved(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../event.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		spec, ok := node.(*ast.ValueSpec)
		if !ok {
			return true
		}
		if id, ok := spec.Type.(*ast.Ident); !ok || id.Name != "EventType" {
			return true
		}
		for _, v := range spec.Values {
			lit, ok := v.(*ast.BasicLit)
			if !ok {
				continue
			}
			name, _ := strconv.Unquote(lit.Value)
			n++
			if !reserved[name] {
				t.Errorf("herald's event type %q is not reserved: the event API would take it", name)
			}
		}
		return true
	})
	if n < 10 {
		t.Fatalf("found %d event types in bot/event.go: the test reads the wrong file", n)
	}
}
