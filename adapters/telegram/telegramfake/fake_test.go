package telegramfake_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/telegram/telegramfake"
)

func call(t *testing.T, f *telegramfake.Server, method string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(f.URL()+"/bot"+f.Token+"/"+method, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// TestGroupLimitCountsEveryPost: in a group, messages, edits and new
// forum topics all count towards the 20 posts a minute, and the 21st gets
// a 429 with retry_after; with Scale the minute is shorter and
// retry_after is in scaled seconds.
func TestGroupLimitCountsEveryPost(t *testing.T) {
	f, err := telegramfake.Start("1:t")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Scale = 10 // a minute is 6 s, a second 100 ms
	const group = "-1001"
	f.Forum(-1001)
	posts := 0
	for posts < 20 {
		var code int
		switch posts % 3 {
		case 0:
			code, _ = call(t, f, "sendMessage", url.Values{"chat_id": {group}, "text": {"hi"}})
		case 1:
			code, _ = call(t, f, "createForumTopic", url.Values{"chat_id": {group}, "name": {"Ana"}})
		case 2:
			code, _ = call(t, f, "editMessageText", url.Values{"chat_id": {group}, "message_id": {"1"}, "text": {"edited"}})
		}
		switch code {
		case 200:
			posts++
		case 429: // the one-a-second chat limit: wait a scaled second
			time.Sleep(100 * time.Millisecond)
		default:
			t.Fatalf("post %d: status %d", posts, code)
		}
	}
	refused := 0
	for range 5 {
		code, body := call(t, f, "sendMessage", url.Values{"chat_id": {group}, "text": {"one too many"}})
		if code == 429 {
			refused++
			params, _ := body["parameters"].(map[string]any)
			if ra, _ := params["retry_after"].(float64); ra < 1 {
				t.Fatalf("429 without retry_after: %v", body)
			}
		}
	}
	if refused == 0 {
		t.Fatal("the group took more than 20 posts within a (scaled) minute")
	}
}
