"use strict";
(function () {
  const csrf = document.body.dataset.csrf;
  const me = document.body.dataset.respondent;
  const list = document.getElementById("messages");
  let ws;
  function add(p) {
    const mine = p.from && p.from.address && p.from.address.id === me;
    const row = el("div", "post " + (mine ? "mine" : "theirs"));
    row.dataset.id = p.id;
    row.appendChild(renderMessage(p.message, b => send(b.action.value || b.label), "/chat/files/"));
    list.appendChild(row);
    list.scrollTop = list.scrollHeight;
  }
  function send(text) {
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({text}));
  }
  function connect() {
    ws = new WebSocket(socketURL("/chat/ws", csrf));
    ws.onmessage = e => {
      const ev = JSON.parse(e.data);
      if (ev.type === "history") { list.innerHTML = ""; (ev.posts || []).forEach(add); }
      if (ev.type === "post") add(ev.post);
      if (ev.type === "notice") showNotice(ev.notice);
    };
    ws.onopen = () => { document.body.classList.add("online"); showNotice(""); };
    ws.onclose = () => { document.body.classList.remove("online"); setTimeout(connect, 2000); };
  }
  document.getElementById("compose").addEventListener("submit", e => {
    e.preventDefault();
    const t = document.getElementById("text");
    if (t.value.trim()) { send(t.value); t.value = ""; }
  });
  document.getElementById("text").addEventListener("keydown", e => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); document.getElementById("compose").requestSubmit(); }
  });
  document.getElementById("attach").addEventListener("change", async e => {
    const file = e.target.files[0];
    if (!file) return;
    const body = new FormData();
    body.append("file", file);
    body.append("text", document.getElementById("text").value);
    const r = await fetch("/chat/upload", {method: "POST", headers: {"X-CSRF-Token": csrf}, body});
    if (r.ok) document.getElementById("text").value = "";
    showNotice(r.ok ? "" : await r.text());
    e.target.value = "";
  });
  document.getElementById("profile").addEventListener("submit", async e => {
    e.preventDefault();
    const f = new FormData(e.target);
    const r = await fetch("/chat/profile", {method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify({n: f.get("name"), e: f.get("email")})});
    showNotice(r.ok ? "Saved." : await r.text());
    if (r.ok) { ws.close(); }
  });
  connect();
})();
