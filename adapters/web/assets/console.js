"use strict";
(function () {
  const csrf = document.body.dataset.csrf;
  const names = (document.body.dataset.commands || "").split("|").filter(Boolean);
  const dl = document.getElementById("command-names");
  names.forEach(n => { const o = document.createElement("option"); o.value = n; dl.appendChild(o); });
  const $ = id => document.getElementById(id);
  // The console's words in the moderators' language (by their English).
  let dict = {};
  try { dict = JSON.parse(document.body.dataset.texts || "{}"); } catch (e) { dict = {}; }
  const T = s => dict[s] || s;
  let ws, current = "", seq = 0;
  let threads = [], campaigns = [], lists = [];
  let panel = "conversations";
  let detail = null; // {kind: "campaign", id} or {kind: "list", name}
  const shown = {}; // campaign id → card element
  const due = {};   // campaign id → refresh pending
  const rates = {}; // campaign id → first sample seen {t, done}
  // When each conversation was last read in this browser, for unread marks.
  let seen = {};
  try { seen = JSON.parse(localStorage.getItem("herald-seen") || "{}"); } catch (e) { seen = {}; }
  function markSeen(t) { if (t && t.last_at) { seen[t.id] = t.last_at; try { localStorage.setItem("herald-seen", JSON.stringify(seen)); } catch (e) {} } }
  function unread(t) { return t.last_at && (!seen[t.id] || seen[t.id] < t.last_at) && t.id !== current; }

  function send(v) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(v)); }
  function press(b) {
    if (b.action.kind === "command") send({type: "press", signed: b.action.value, id: String(++seq)});
  }
  // run sends a command; its reply goes to the detail pane when to is "detail".
  function run(text, to) { send({type: "command", text, id: (to === "detail" ? "d" : "") + String(++seq)}); }

  // ---- panels
  function showPanel(name) {
    panel = name;
    document.querySelectorAll(".tab").forEach(b => b.classList.toggle("current", b.dataset.panel === name));
    ["conversations", "campaigns", "lists"].forEach(p => { $("panel-" + p).hidden = p !== name; });
    if (name === "campaigns") send({type: "campaigns"});
    if (name === "lists") send({type: "lists"});
  }
  document.querySelectorAll(".tab").forEach(b => b.addEventListener("click", () => showPanel(b.dataset.panel)));

  function renderThreads() {
    const ul = $("threads");
    ul.innerHTML = "";
    const q = $("search").value.trim().toLowerCase(), st = $("status-filter").value, tag = $("tag-filter").value;
    const tags = new Set();
    threads.forEach(t => (t.tags || []).forEach(x => tags.add(x)));
    const tf = $("tag-filter"), had = tf.value;
    tf.innerHTML = "<option value=''>Any tag</option>" + [...tags].sort().map(x => "<option>" + esc(x) + "</option>").join("");
    tf.value = tags.has(had) ? had : "";
    const n = threads.filter(unread).length;
    $("unread").hidden = !n;
    $("unread").textContent = n;
    if (!threads.length) { ul.appendChild(el("li", "empty", T("No conversation yet: participants who write on the chat page appear here."))); return; }
    const list = threads.filter(t => (!st || t.status === st) && (!tag || (t.tags || []).includes(tag)) &&
      (!q || [t.name, t.address, (t.tags || []).join(" "), t.assignee].join(" ").toLowerCase().includes(q)));
    if (!list.length) { ul.appendChild(el("li", "empty", T("No conversation matches."))); return; }
    for (const t of list) {
      const li = el("li", "thread-item" + (t.id === current ? " current" : "") + (unread(t) ? " unread" : ""));
      li.dataset.thread = t.id;
      const status = t.status === "pending" ? "<span class='status' title='Pending: waiting for the participant&#39;s answer; it opens again when they write'>pending</span>" : "<span class='status'>" + esc(t.status) + "</span>";
      li.innerHTML = "<b>" + esc(t.name) + "</b> " + status + (unread(t) ? " <span class='badge'>" + T("new") + "</span>" : "") +
        "<br><small>" + esc(t.platform) + (t.last ? " · " + esc(t.last) : "") + ((t.tags || []).length ? " · " + esc(t.tags.join(", ")) : "") + "</small>";
      li.addEventListener("click", () => open(t));
      ul.appendChild(li);
    }
  }
  ["search", "status-filter", "tag-filter"].forEach(id => $(id).addEventListener("input", renderThreads));

  function open(t) {
    current = t.id;
    detail = null;
    $("detail").hidden = true;
    $("thread").hidden = false;
    $("thread-title").textContent = t.name;
    const facts = $("thread-facts");
    facts.innerHTML = "<dt>" + T("Participant") + "</dt><dd><code>" + esc(t.address) + "</code></dd><dt>" + T("Status") + "</dt><dd>" + esc(t.status) + "</dd>" +
      (t.assignee ? "<dt>" + T("Assigned to") + "</dt><dd>" + esc(t.assignee) + "</dd>" : "") + ((t.tags || []).length ? "<dt>" + T("Tags") + "</dt><dd>" + esc(t.tags.join(", ")) + "</dd>" : "");
    $("thread-details").hidden = false;
    $("posts").innerHTML = "";
    $("reply").hidden = false;
    markSeen(t);
    renderThreads();
    send({type: "open", thread: t.id});
  }
  function addPost(p) {
    const fromConsole = p.from && p.from.address && p.from.address.id && p.from.address.id.startsWith("console:");
    const fromParticipant = p.from && p.from.address && p.from.address.id && !fromConsole && !p.internal;
    const row = el("div", "post" + (p.internal ? " internal" : "") + (fromConsole ? " mine" : "") + (fromParticipant ? " theirs" : ""));
    const who = (p.from && (p.from.name || (p.from.address && p.from.address.id))) || "herald";
    const label = p.internal ? " · <span class='label'>" + T("internal note") + "</span>" : "";
    row.appendChild(el("div", "meta", "<b>" + esc(who) + "</b> · " + esc((p.at || "").replace("T", " ").slice(0, 16)) + label));
    row.appendChild(renderMessage(p.message, press, "/console/files/"));
    const posts = $("posts");
    posts.appendChild(row);
    posts.scrollTop = posts.scrollHeight;
  }

  const stateNames = [["running", T("Running")], ["paused", T("Paused")], ["scheduled", T("Scheduled")], ["draft", T("Drafts")], ["done", T("Done")], ["cancelled", T("Cancelled")]];
  function progress(c) {
    const done = c.sent + c.failed + c.skipped;
    const pct = c.total ? Math.round(100 * done / c.total) : 0;
    return {done, pct, bar: "<div class='progress' role='progressbar' aria-valuenow='" + pct + "' aria-valuemin='0' aria-valuemax='100'><span style-width='" + pct + "'></span></div>"};
  }
  function sizeBars(root) { root.querySelectorAll(".progress span").forEach(s => { s.style.width = s.getAttribute("style-width") + "%"; }); }
  function renderCampaigns() {
    const box = $("campaigns");
    box.innerHTML = "";
    if (!campaigns.length) { box.appendChild(el("p", "empty", T("No campaign yet."))); return; }
    for (const [state, title] of stateNames) {
      const cs = campaigns.filter(c => c.state === state);
      if (!cs.length) continue;
      box.appendChild(el("h3", "group", esc(title) + " <span class='count'>" + cs.length + "</span>"));
      const ul = el("ul", "campaign-list");
      for (const c of cs) {
        const p = progress(c);
        const li = el("li", "campaign-item" + (detail && detail.kind === "campaign" && detail.id === c.id ? " current" : ""));
        li.dataset.campaign = c.id;
        li.innerHTML = "<b>" + esc(c.name) + "</b> <small>#" + c.id + "</small>" +
          (c.total ? p.bar + "<small>" + p.done + " / " + c.total + " " + T("done") + " · " + c.sent + " " + T("sent") + (c.failed ? " · " + c.failed + " " + T("failed") : "") + "</small>" : "") +
          (c.start ? "<br><small>" + T("starts") + " " + esc(c.start) + " UTC</small>" : "");
        li.addEventListener("click", () => openCampaign(c.id));
        ul.appendChild(li);
      }
      box.appendChild(ul);
    }
    sizeBars(box);
    if (detail && detail.kind === "campaign") renderCampaignHead();
  }
  function renderLists() {
    const box = $("lists");
    box.innerHTML = "";
    if (!lists.length) { box.appendChild(el("p", "empty", T("No list yet: upload a CSV with “list import NAME”."))); return; }
    const ul = el("ul", "list-list");
    for (const l of lists) {
      const li = el("li", "list-item" + (detail && detail.kind === "list" && detail.name === l.name ? " current" : ""));
      li.innerHTML = "<b>" + esc(l.name) + "</b> <span class='status'>" + l.size + " " + (l.size === 1 ? T("person") : T("people")) + "</span>" +
        "<br><small>" + T("key") + " " + esc(l.key) + (l.columns && l.columns.length ? " · " + esc(l.columns.join(", ")) : "") + "</small>" +
        "<br><small>" + T("created") + " " + esc(l.created) + (l.updated && l.updated !== l.created ? " · " + T("updated") + " " + esc(l.updated) : "") + (l.by ? " " + T("by") + " " + esc(l.by) : "") + "</small>";
      li.addEventListener("click", () => openList(l.name));
      ul.appendChild(li);
    }
    box.appendChild(ul);
    const sel = document.querySelector("#campaign-form select[name=list]"), had = sel.value;
    sel.innerHTML = "<option value=''>Choose a list</option>" + lists.map(l => "<option value='" + esc(l.name) + "'>" + esc(l.name) + " (" + l.size + ")</option>").join("");
    sel.value = had;
  }

  // ---- the detail pane: a campaign's page, a list's page
  function showDetail(title) {
    current = "";
    $("thread").hidden = true;
    $("detail").hidden = false;
    $("detail-title").textContent = title;
    $("detail-body").innerHTML = "";
    $("detail-actions").innerHTML = "";
    $("detail-head").innerHTML = "";
    $("campaign-form").hidden = true;
  }
  function action(label, command) {
    const b = el("button", "button", esc(label));
    b.type = "button";
    b.addEventListener("click", () => run(command, "detail"));
    $("detail-actions").appendChild(b);
  }
  function openCampaign(id) {
    detail = {kind: "campaign", id};
    const c = campaigns.find(x => x.id === id) || {name: "#" + id, state: ""};
    showDetail(c.name + " · #" + id);
    renderCampaignHead();
    $("campaign-form").hidden = c.state !== "draft";
    if (c.state === "draft") send({type: "lists"});
    action(T("Preview"), "campaign preview " + id);
    action(T("Check"), "campaign check " + id);
    action(T("Report"), "campaign report " + id);
    action(T("History"), "campaign history " + id);
    if (c.state !== "draft") action(T("Stats"), "campaign stats " + id);
    run("campaign show " + id, "detail");
    renderCampaigns();
  }
  function renderCampaignHead() {
    const c = campaigns.find(x => x.id === detail.id);
    if (!c) return;
    const p = progress(c);
    let rate = "";
    const now = Date.now();
    if (c.state === "running" && c.total) {
      const r = rates[c.id] || (rates[c.id] = {t: now, done: p.done});
      const per = (p.done - r.done) / Math.max((now - r.t) / 60000, 1e-9);
      if (now - r.t > 5000 && per > 0) {
        const left = (c.total - p.done) / per;
        rate = " · " + Math.round(per) + " " + T("a minute") + " · " + T("about") + " " + (left < 1 ? T("less than a minute") : Math.round(left) + " min") + " " + T("left");
      }
    }
    $("detail-head").innerHTML = "<p class='cstate'>" + esc(c.state) + (c.start ? " · " + T("starts") + " " + esc(c.start) + " UTC" : "") + "</p>" +
      (c.total ? p.bar + "<p><b>" + p.pct + "%</b> · " + c.sent + " " + T("sent") + " · " + c.failed + " " + T("failed") + " · " + c.skipped + " " + T("skipped") + " · " + c.waiting + " " + T("to send") + esc(rate) + "</p>" : "");
    sizeBars($("detail-head"));
  }
  function openList(name) {
    detail = {kind: "list", name};
    showDetail(T("List") + " " + name);
    action(T("Export"), "list export " + name);
    run("list show " + name, "detail");
    renderLists();
  }
  $("new-campaign").addEventListener("submit", e => {
    e.preventDefault();
    const name = new FormData(e.target).get("name").trim();
    if (!name) return;
    showDetail(name);
    detail = {kind: "campaign", id: 0, made: name};
    run("campaign new " + name, "detail");
    e.target.reset();
  });
  $("campaign-form").addEventListener("submit", e => {
    e.preventDefault();
    if (!detail || detail.kind !== "campaign" || !detail.id) return;
    const f = new FormData(e.target), id = detail.id;
    if (f.get("message").trim()) run("campaign message " + id + " " + f.get("message").trim(), "detail");
    if (f.get("list")) run("campaign audience " + id + " list:" + f.get("list"), "detail");
    run("campaign platform " + id + " " + f.get("platform"), "detail");
    if (f.get("schedule").trim()) run("campaign schedule " + id + " " + f.get("schedule").trim(), "detail");
    if (f.get("missing").trim()) run("campaign missing " + id + " " + f.get("missing").trim(), "detail");
    for (const q of f.get("questions").split("\n")) {
      if (q.trim()) run("campaign question " + id + " add " + q.trim(), "detail");
    }
    if (f.get("thanks").trim()) run("campaign thanks " + id + " " + f.get("thanks").trim(), "detail");
    e.target.querySelector("[name=questions]").value = "";
    run("campaign preview " + id, "detail");
    run("campaign check " + id, "detail");
  });

  // ---- command replies
  function cardCampaign(m) {
    return m.campaign ? String(m.campaign) : "";
  }
  function renderReply(r) {
    const inDetail = r.id && r.id.startsWith("d");
    const box = el("div", "reply" + (r.private ? " private" : ""));
    for (const m of r.messages || []) {
      const node = renderMessage(m, press);
      const cid = cardCampaign(m);
      if (cid) { node.dataset.campaign = cid; }
      if (r.replace && cid && shown[cid] && shown[cid].isConnected) { shown[cid].replaceWith(node); shown[cid] = node; continue; }
      if (cid) shown[cid] = node;
      box.appendChild(node);
    }
    for (const f of r.files || []) {
      if (f.image) { // a survey's chart, shown
        const img = el("img", "chart");
        img.src = f.url;
        img.alt = f.name;
        box.appendChild(img);
      }
      const a = el("a", "file", "⬇ " + esc(f.name));
      a.href = f.url;
      a.download = f.name;
      box.appendChild(a);
    }
    if (inDetail && detail && detail.kind === "campaign" && !detail.id) send({type: "campaigns"}); // a campaign just made: find it
    if (box.childNodes.length) {
      const to = inDetail && !$("detail").hidden ? $("detail-body") : $("replies");
      to.appendChild(box);
      to.scrollTop = to.scrollHeight;
    }
  }
  let campaignsDue = false;
  function connect() {
    ws = new WebSocket(socketURL("/console/ws", csrf));
    ws.onmessage = e => {
      const ev = JSON.parse(e.data);
      switch (ev.type) {
        case "threads": if (ev.threads) { threads = ev.threads; renderThreads(); } else send({type: "threads"}); break;
        case "thread":
          if (ev.thread === current) { (ev.posts || []).forEach(addPost); const t = threads.find(x => x.id === current); markSeen(t); }
          break;
        case "post":
          if (ev.thread === current) addPost(ev.post);
          send({type: "threads"});
          break;
        case "campaigns":
          campaigns = ev.campaigns || [];
          if (detail && detail.kind === "campaign" && !detail.id && detail.made) { // the newest of that name is the one just made
            const made = campaigns.filter(c => c.name === detail.made && c.state === "draft").sort((a, b) => b.id - a.id)[0];
            if (made) { openCampaign(made.id); break; }
          }
          renderCampaigns();
          break;
        case "lists": lists = ev.lists || []; renderLists(); break;
        case "reply": renderReply(ev.reply); break;
        case "campaign":
          if (shown[ev.campaign] && shown[ev.campaign].isConnected && !due[ev.campaign]) {
            due[ev.campaign] = true;
            setTimeout(() => { due[ev.campaign] = false; send({type: "command", text: "campaign show " + ev.campaign, replace: ev.campaign}); }, 1000);
          }
          if (!campaignsDue && (panel === "campaigns" || (detail && detail.kind === "campaign"))) {
            campaignsDue = true;
            setTimeout(() => { campaignsDue = false; send({type: "campaigns"}); }, 1000);
          }
          break;
        case "notice": showNotice(ev.notice); break;
      }
    };
    ws.onopen = () => {
      document.body.classList.add("online"); showNotice("");
      if (current) { $("posts").innerHTML = ""; send({type: "open", thread: current}); }
      if (panel !== "conversations" || detail) send({type: panel === "lists" ? "lists" : "campaigns"});
    };
    ws.onclose = () => { document.body.classList.remove("online"); setTimeout(connect, 2000); };
  }
  $("command").addEventListener("submit", e => {
    e.preventDefault();
    const t = $("command-text");
    if (!t.value.trim()) return;
    const echo = el("div", "echo", "› " + esc(t.value));
    $("replies").appendChild(echo);
    send({type: "command", text: t.value, id: String(++seq)});
    t.value = "";
  });
  $("reply").addEventListener("submit", e => {
    e.preventDefault();
    const t = $("reply-text");
    if (t.value.trim() && current) { send({type: "reply", thread: current, text: t.value}); t.value = ""; }
  });
  $("thread-history").addEventListener("click", () => { if (current) send({type: "reply", thread: current, text: "/history"}); });
  $("reply-text").addEventListener("keydown", e => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("reply").requestSubmit(); }
  });
  $("reply-file").addEventListener("change", async e => {
    const file = e.target.files[0];
    if (!file || !current) return;
    const fd = new FormData();
    fd.append("file", file);
    fd.append("thread", current);
    fd.append("text", $("reply-text").value);
    const r = await fetch("/console/upload", {method: "POST", headers: {"X-CSRF-Token": csrf}, body: fd});
    if (r.ok) $("reply-text").value = "";
    showNotice(r.ok ? "" : await r.text());
    e.target.value = "";
  });
  $("file").addEventListener("change", () => showNotice(""));
  $("upload").addEventListener("submit", async e => {
    e.preventDefault();
    const fd = new FormData(e.target);
    if (!$("file").files.length) { showNotice(T("Choose a CSV file first."), 8000); return; }
    const r = await fetch("/console/upload", {method: "POST", headers: {"X-CSRF-Token": csrf}, body: fd});
    if (!r.ok) { showNotice(await r.text()); return; }
    const ev = await r.json();
    renderReply(ev.reply);
    e.target.reset();
    if (panel === "lists") send({type: "lists"});
  });
  connect();
})();
