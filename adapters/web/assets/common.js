"use strict";
// Rendering of herald's neutral messages: kind, title, text with a small
// markup (*bold*, _italic_, `code`, [label](https://link)), image, fields,
// buttons, files.
function esc(s) {
  return String(s || "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}
// markup renders text: ``` fenced blocks as preformatted text, then in
// the rest `code` (left as written), *bold*, _italic_ and links.
function markup(s) {
  return String(s || "").split("```").map((p, i) => i % 2
    ? "<pre><code>" + esc(p.replace(/^[a-z]*\n/, "")) + "</code></pre>"
    : inline(p)).join("");
}
function inline(s) {
  const codes = [];
  return esc(s)
    .replace(/`([^`\n]+)`/g, (_, c) => { codes.push(c); return "\u0000" + (codes.length - 1) + "\u0000"; })
    .replace(/\*([^*\n]+)\*/g, "<b>$1</b>")
    .replace(/(^|\s)_([^_\n]+)_/g, "$1<i>$2</i>")
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s"]+)\)/g, '<a href="$2" target="_blank" rel="noopener">$1</a>')
    .replace(/\n/g, "<br>")
    .replace(/\u0000(\d+)\u0000/g, (_, i) => "<code>" + codes[i] + "</code>");
}
function el(tag, cls, html) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (html !== undefined) e.innerHTML = html;
  return e;
}
// renderMessage returns an element for m; onButton(button) is called when
// a reply or command button is pressed; files kept with a post link to
// filesPath + their id.
function renderMessage(m, onButton, filesPath) {
  const box = el("div", "msg kind-" + (m.kind || "message"));
  if (m.title) box.appendChild(el("div", "title", markup(m.title)));
  if (m.image_url && /^https?:\/\//.test(m.image_url)) {
    const img = el("img", "image");
    img.src = m.image_url;
    img.alt = "";
    box.appendChild(img);
  }
  if (m.text) box.appendChild(el("div", "text", markup(m.text)));
  if (m.fields && m.fields.length) {
    const dl = el("dl", "fields");
    for (const f of m.fields) {
      dl.appendChild(el("dt", "", esc(f.label)));
      dl.appendChild(el("dd", "", markup(f.value)));
    }
    box.appendChild(dl);
  }
  if (m.buttons && m.buttons.length) {
    const bar = el("div", "buttons");
    for (const b of m.buttons) {
      if (b.action.kind === "link" && /^https?:\/\//.test(b.action.url)) {
        const a = el("a", "button " + (b.style || ""), esc(b.label));
        a.href = b.action.url;
        a.target = "_blank";
        a.rel = "noopener";
        bar.appendChild(a);
      } else {
        const btn = el("button", "button " + (b.style || ""), esc(b.label));
        btn.type = "button";
        btn.addEventListener("click", () => onButton(b, btn));
        bar.appendChild(btn);
      }
    }
    box.appendChild(bar);
  }
  if (filesPath && m.files && m.files.length) {
    const list = el("div", "files");
    for (const f of m.files) {
      if (!f.id) continue;
      const a = el("a", "file", esc(f.name || "file"));
      a.href = filesPath + encodeURIComponent(f.id);
      a.download = f.name || "";
      list.appendChild(a);
    }
    box.appendChild(list);
  }
  return box;
}
function socketURL(path, csrf) {
  return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path + "?csrf=" + encodeURIComponent(csrf);
}
// showNotice shows text in the page's notice line ("" hides it); with ms,
// a hint, it goes by itself after that long unless another replaced it.
let noticeTimer = 0;
function showNotice(text, ms) {
  const n = document.getElementById("notice");
  clearTimeout(noticeTimer);
  n.textContent = text;
  n.hidden = !text;
  if (text && ms) noticeTimer = setTimeout(() => showNotice(""), ms);
}
