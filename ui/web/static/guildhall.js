// Guildhall: small enhancements on top of pages that work without JavaScript. No framework and
// no build step: a character count, posts arriving live, and post buttons that act in place.
(function () {
  "use strict";

  var announcer = document.getElementById("announcer");
  var announceTimer = null;

  // announce speaks a message through the polite live region, after a pause so it does not
  // interrupt what a screen reader is already saying.
  function announce(text, delay) {
    if (!announcer) return;
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () {
      announcer.textContent = "";
      setTimeout(function () { announcer.textContent = text; }, 50);
    }, delay || 0);
  }

  // Character count, as the GOV.UK component does it: the visible count updates at once, the
  // spoken one only when typing pauses.
  function characterCount(area) {
    var max = parseInt(area.getAttribute("data-max"), 10);
    var out = document.getElementById(area.id + "-count");
    if (!max || !out) return;
    function update(speak) {
      var n = Array.from(area.value).length;
      var left = max - n;
      var text = left >= 0
        ? "You have " + left + " character" + (left === 1 ? "" : "s") + " remaining"
        : "You have " + (-left) + " character" + (left === -1 ? "" : "s") + " too many";
      out.textContent = text;
      out.classList.toggle("char-count-over", left < 0);
      if (speak) announce(text, 1000);
    }
    area.addEventListener("input", function () { update(true); });
    update(false);
  }
  document.querySelectorAll("textarea[data-max]").forEach(characterCount);

  // In-place post actions: the form is sent as it would be without JavaScript, and the post's
  // buttons are replaced by the ones in the page that comes back.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains("action-form") || !window.fetch) return;
    ev.preventDefault();
    var id = form.getAttribute("data-post");
    var button = form.querySelector("button");
    var verb = form.action.split("/").pop();
    button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (resp) {
        if (!resp.ok) throw new Error(resp.status);
        return resp.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("#post-" + CSS.escape(id) + " .post-actions");
        var current = document.querySelectorAll("#post-" + CSS.escape(id) + " .post-actions");
        if (!fresh || current.length === 0) { form.submit(); return; }
        current.forEach(function (el) { el.replaceWith(fresh.cloneNode(true)); });
        var again = document.querySelector("#post-" + CSS.escape(id) + " form[action$='/" + verb + "'] button");
        if (again) {
          again.focus();
          var on = { like: "Liked", boost: "Boosted", bookmark: "Bookmarked" };
          var off = { like: "Like removed", boost: "Boost undone", bookmark: "Bookmark removed" };
          announce(again.classList.contains("action-on") ? on[verb] : off[verb], 0);
        }
      })
      .catch(function () { form.submit(); });
  });

  // Live posts: a timeline's first page opens the event stream and new posts are added at the
  // top, announced politely without moving focus.
  var timeline = document.querySelector(".timeline[data-stream]");
  var posts = document.getElementById("posts");
  if (timeline && posts && window.EventSource && !/[?&]max_id=/.test(location.search)) {
    var source = new EventSource("/live?stream=" + encodeURIComponent(timeline.getAttribute("data-stream")));
    source.addEventListener("open", function () { timeline.setAttribute("data-live", "open"); });
    source.addEventListener("error", function () { timeline.setAttribute("data-live", "closed"); });
    source.addEventListener("post", function (ev) {
      var data = JSON.parse(ev.data);
      if (document.getElementById("post-" + data.id)) return;
      var empty = posts.querySelector(".empty");
      if (empty) empty.remove();
      var holder = document.createElement("div");
      holder.innerHTML = data.html;
      var article = holder.querySelector("article");
      if (!article) return;
      article.classList.add("post-new");
      posts.insertBefore(article, posts.firstChild);
      announce("New post from " + data.author, 0);
    });
    source.addEventListener("unread", function (ev) {
      var data = JSON.parse(ev.data);
      var link = document.querySelector("a[href='/notifications']");
      if (!link) return;
      var badge = document.getElementById("unread-count");
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "count";
        badge.id = "unread-count";
        link.appendChild(document.createTextNode(" "));
        link.appendChild(badge);
      }
      badge.innerHTML = "";
      badge.appendChild(document.createTextNode(data.count > 40 ? "40+" : String(data.count)));
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " unread";
      badge.appendChild(hidden);
      badge.hidden = data.count === 0;
    });
  }
})();
