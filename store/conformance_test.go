package store_test

import (
	"path/filepath"
	"testing"

	"github.com/heraldchat/herald/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		return MustOpenPath(t, filepath.Join(t.TempDir(), "herald.db"))
	})
}
