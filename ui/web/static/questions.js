// Guildhall: the duplicate finder on the ask form. Without JavaScript the "Check for similar
// questions" button does the same on the server; with it, answered questions like the one being
// typed are listed as the title is typed, through /questions/similar.
(function () {
  "use strict";
  var form = document.querySelector("form.ask-form[data-similar]");
  var title = document.getElementById("question-title");
  var region = document.getElementById("similar-questions");
  if (!form || !title || !region || !window.fetch) return;
  var timer = null, last = "";

  function render(list) {
    var old = region.querySelector("ul.questions, p.empty");
    if (old) old.remove();
    var el;
    if (!list.length) {
      el = document.createElement("p");
      el.className = "empty";
      el.textContent = "No answered question like it yet.";
    } else {
      el = document.createElement("ul");
      el.className = "questions";
      list.forEach(function (q) {
        var li = document.createElement("li");
        li.className = "question-item";
        var h = document.createElement("h3");
        var a = document.createElement("a");
        a.href = q.href;
        a.textContent = q.title;
        h.appendChild(a);
        var meta = document.createElement("p");
        meta.className = "question-meta";
        meta.textContent = "✅ Answered · " + q.answers_count + (q.answers_count === 1 ? " answer" : " answers");
        li.appendChild(h);
        li.appendChild(meta);
        el.appendChild(li);
      });
    }
    region.appendChild(el);
  }

  function lookup() {
    var q = title.value.trim();
    if (q === last) return;
    last = q;
    if (q.length < 4) return;
    fetch(form.getAttribute("data-similar") + "?limit=5&q=" + encodeURIComponent(q), {
      headers: { Accept: "application/json" }, credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (list) { if (list && title.value.trim() === q) render(list); })
      .catch(function () { /* the button still works */ });
  }

  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 400);
  });
})();
