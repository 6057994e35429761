"use strict";
(function () {
  const csrf = document.body.dataset.csrf;
  const me = document.body.dataset.respondent;
  const list = document.getElementById("messages");
  let ws;
  // What the visitor wrote and the server has not yet acknowledged: kept
  // (also across a reload) and sent again on every reconnection, each with
  // its client id, which the server keeps once. Nothing typed is lost.
  const queueKey = "herald-pending-" + me;
  let pending = [];
  try { pending = JSON.parse(sessionStorage.getItem(queueKey) || "[]"); } catch (e) { pending = []; }
  function save() { try { sessionStorage.setItem(queueKey, JSON.stringify(pending)); } catch (e) {} }
  function showPending() {
    list.querySelectorAll(".post.pending").forEach(n => n.remove());
    pending.forEach(q => {
      const row = el("div", "post mine pending");
      row.dataset.cid = q.cid;
      row.appendChild(renderMessage({text: q.shown || q.text}, () => {}, ""));
      list.appendChild(row);
    });
    list.scrollTop = list.scrollHeight;
  }
  function flush() {
    if (!ws || ws.readyState !== 1) return;
    pending.forEach(q => ws.send(JSON.stringify({text: q.text, cid: q.cid})));
  }
  function add(p) {
    const mine = p.from && p.from.address && p.from.address.id === me;
    const row = el("div", "post " + (mine ? "mine" : "theirs"));
    row.dataset.id = p.id;
    row.appendChild(renderMessage(p.message, b => send(b.action.value || b.label, b.label), "/chat/files/"));
    if (p.at) {
      const at = new Date(p.at), t = el("time", "at");
      t.dateTime = p.at;
      const sameDay = at.toDateString() === new Date().toDateString();
      t.textContent = sameDay ? at.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"})
        : at.toLocaleString([], {day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"});
      row.appendChild(t);
    }
    list.appendChild(row);
    list.scrollTop = list.scrollHeight;
  }
  // send queues text; shown, when given, is what the visitor sees of it
  // until the server's copy comes back (a button's label, not its value).
  function send(text, shown) {
    const cid = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    pending.push({cid, text, shown});
    save();
    showPending();
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({text, cid}));
  }
  function setState(online) {
    document.body.classList.toggle("online", online);
    const s = document.getElementById("state");
    if (s) s.textContent = online ? "" : document.body.dataset.offline;
  }
  function connect() {
    ws = new WebSocket(socketURL("/chat/ws", csrf));
    ws.onmessage = e => {
      const ev = JSON.parse(e.data);
      if (ev.type === "history") { list.innerHTML = ""; (ev.posts || []).forEach(add); showPending(); }
      if (ev.type === "post") { add(ev.post); showPending(); }
      if (ev.type === "ack") { pending = pending.filter(q => q.cid !== ev.cid); save(); showPending(); }
      if (ev.type === "refused") {
        const q = pending.find(q => q.cid === ev.cid);
        pending = pending.filter(q => q.cid !== ev.cid); save(); showPending();
        const t = document.getElementById("text");
        if (q && !t.value) t.value = q.text;
        showNotice(ev.notice);
      }
      if (ev.type === "notice") showNotice(ev.notice);
    };
    ws.onopen = () => { setState(true); showNotice(""); flush(); };
    ws.onclose = () => { setState(false); setTimeout(connect, 2000); };
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
    if (!r.ok) { showNotice(await r.text()); return; }
    const res = await r.json();
    showNotice(res.code_sent ? document.body.dataset.codeSent.replace("{email}", res.email) : document.body.dataset.saved, res.code_sent ? 0 : 4000);
    document.getElementById("confirm").hidden = !res.code_sent;
    const name = (f.get("name") || "").trim();
    e.target.closest("details").querySelector("summary").textContent = name || document.body.dataset.who;
    if (!res.code_sent) e.target.closest("details").open = false;
    ws.close();
  });
  document.getElementById("confirm").addEventListener("submit", async e => {
    e.preventDefault();
    const code = new FormData(e.target).get("code");
    const r = await fetch("/chat/confirm", {method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify({code})});
    showNotice(r.ok ? document.body.dataset.confirmed : await r.text());
    if (r.ok) { e.target.hidden = true; e.target.reset(); }
  });
  // What waits (a refused burst, a save that failed) goes again shortly.
  setInterval(() => { if (pending.length) flush(); }, 3000);
  connect();
})();
