"use strict";
(function () {
  const csrf = document.body.dataset.csrf;
  const names = (document.body.dataset.commands || "").split("|").filter(Boolean);
  const dl = document.getElementById("command-names");
  names.forEach(n => { const o = document.createElement("option"); o.value = n; dl.appendChild(o); });
  let ws, current = "", seq = 0;
  const shown = {}; // campaign id → card element
  const due = {};   // campaign id → refresh pending
  function send(v) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(v)); }
  function press(b) {
    if (b.action.kind === "command") send({type: "press", signed: b.action.value, id: String(++seq)});
  }
  function renderThreads(ts) {
    const ul = document.getElementById("threads");
    ul.innerHTML = "";
    if (!ts || !ts.length) { ul.appendChild(el("li", "empty", "No conversation yet: participants who write on the chat page appear here.")); return; }
    for (const t of ts) {
      const li = el("li", "thread-item" + (t.id === current ? " current" : ""));
      li.dataset.thread = t.id;
      li.innerHTML = "<b>" + esc(t.name) + "</b> <span class='status'>" + esc(t.status) + "</span><br><small>" + esc(t.address) + (t.last ? " · " + esc(t.last) : "") + "</small>";
      li.addEventListener("click", () => open(t.id, t.name));
      ul.appendChild(li);
    }
  }
  function open(id, name) {
    current = id;
    document.getElementById("thread-title").textContent = name;
    document.getElementById("posts").innerHTML = "";
    document.getElementById("reply").hidden = false;
    document.querySelectorAll(".thread-item").forEach(li => li.classList.toggle("current", li.dataset.thread === id));
    send({type: "open", thread: id});
  }
  function addPost(p) {
    const row = el("div", "post" + (p.internal ? " internal" : "") + (p.from && p.from.address && p.from.address.id && p.from.address.id.startsWith("console:") ? " mine" : ""));
    const who = (p.from && (p.from.name || (p.from.address && p.from.address.id))) || "herald";
    row.appendChild(el("div", "meta", esc(who) + " · " + esc((p.at || "").replace("T", " ").slice(0, 16))));
    row.appendChild(renderMessage(p.message, press, "/console/files/"));
    const posts = document.getElementById("posts");
    posts.appendChild(row);
    posts.scrollTop = posts.scrollHeight;
  }
  function cardCampaign(m) {
    return m.campaign ? String(m.campaign) : "";
  }
  function renderReply(r) {
    const box = el("div", "reply" + (r.private ? " private" : ""));
    for (const m of r.messages || []) {
      const node = renderMessage(m, press);
      const cid = cardCampaign(m);
      if (cid) { node.dataset.campaign = cid; }
      if (r.replace && cid && shown[cid]) { shown[cid].replaceWith(node); shown[cid] = node; continue; }
      if (cid) shown[cid] = node;
      box.appendChild(node);
    }
    for (const f of r.files || []) {
      const a = el("a", "file", "⬇ " + esc(f.name));
      a.href = f.url;
      a.download = f.name;
      box.appendChild(a);
    }
    if (box.childNodes.length) {
      const replies = document.getElementById("replies");
      replies.appendChild(box);
      replies.scrollTop = replies.scrollHeight;
    }
  }
  function connect() {
    ws = new WebSocket(socketURL("/console/ws", csrf));
    ws.onmessage = e => {
      const ev = JSON.parse(e.data);
      switch (ev.type) {
        case "threads": if (ev.threads) renderThreads(ev.threads); else send({type: "threads"}); break;
        case "thread": if (ev.thread === current) (ev.posts || []).forEach(addPost); break;
        case "post":
          if (ev.thread === current) addPost(ev.post);
          send({type: "threads"});
          break;
        case "reply": renderReply(ev.reply); break;
        case "campaign":
          if (shown[ev.campaign] && !due[ev.campaign]) {
            due[ev.campaign] = true;
            setTimeout(() => { due[ev.campaign] = false; send({type: "command", text: "campaign show " + ev.campaign, replace: ev.campaign}); }, 1000);
          }
          break;
        case "notice": showNotice(ev.notice); break;
      }
    };
    ws.onopen = () => { document.body.classList.add("online"); showNotice(""); if (current) { document.getElementById("posts").innerHTML = ""; send({type: "open", thread: current}); } };
    ws.onclose = () => { document.body.classList.remove("online"); setTimeout(connect, 2000); };
  }
  document.getElementById("command").addEventListener("submit", e => {
    e.preventDefault();
    const t = document.getElementById("command-text");
    if (!t.value.trim()) return;
    const echo = el("div", "echo", "› " + esc(t.value));
    document.getElementById("replies").appendChild(echo);
    send({type: "command", text: t.value, id: String(++seq)});
    t.value = "";
  });
  document.getElementById("reply").addEventListener("submit", e => {
    e.preventDefault();
    const t = document.getElementById("reply-text");
    if (t.value.trim() && current) { send({type: "reply", thread: current, text: t.value}); t.value = ""; }
  });
  document.getElementById("reply-text").addEventListener("keydown", e => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); document.getElementById("reply").requestSubmit(); }
  });
  document.getElementById("reply-file").addEventListener("change", async e => {
    const file = e.target.files[0];
    if (!file || !current) return;
    const fd = new FormData();
    fd.append("file", file);
    fd.append("thread", current);
    fd.append("text", document.getElementById("reply-text").value);
    const r = await fetch("/console/upload", {method: "POST", headers: {"X-CSRF-Token": csrf}, body: fd});
    if (r.ok) document.getElementById("reply-text").value = "";
    showNotice(r.ok ? "" : await r.text());
    e.target.value = "";
  });
  document.getElementById("file").addEventListener("change", () => showNotice(""));
  document.getElementById("upload").addEventListener("submit", async e => {
    e.preventDefault();
    const fd = new FormData(e.target);
    if (!document.getElementById("file").files.length) { showNotice("Choose a CSV file first.", 8000); return; }
    const r = await fetch("/console/upload", {method: "POST", headers: {"X-CSRF-Token": csrf}, body: fd});
    if (!r.ok) { showNotice(await r.text()); return; }
    const ev = await r.json();
    renderReply(ev.reply);
    e.target.reset();
  });
  connect();
})();
