// herald chat: add <script src="https://your-herald/chat/embed.js" async></script> to a page.
(function () {
  var src = (document.currentScript && document.currentScript.src) || "";
  var base = src.replace(/\/chat\/embed\.js.*$/, "");
  var open = false;
  var btn = document.createElement("button");
  btn.textContent = "Chat";
  btn.setAttribute("aria-label", "Open the chat");
  btn.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483647;border:0;border-radius:24px;padding:12px 20px;background:#2d5be3;color:#fff;font:600 15px system-ui;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.25)";
  var frame = document.createElement("iframe");
  frame.src = base + "/chat";
  frame.title = "Chat";
  frame.style.cssText = "position:fixed;right:20px;bottom:76px;z-index:2147483647;width:360px;height:520px;max-height:80vh;border:1px solid #ccd;border-radius:12px;background:#fff;display:none;box-shadow:0 4px 16px rgba(0,0,0,.2)";
  btn.onclick = function () { open = !open; frame.style.display = open ? "block" : "none"; };
  document.body.appendChild(frame);
  document.body.appendChild(btn);
})();
