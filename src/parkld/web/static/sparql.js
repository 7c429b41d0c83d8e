/* parkld SPARQL page: small enhancements over a page that works without scripts.
   Examples fill the editor, prefix buttons add declarations, Ctrl+Enter runs the query,
   "Download" fetches the result in the chosen format. No libraries, no network but ours. */
(function () {
  "use strict";
  var form = document.getElementById("sparql-form");
  var editor = document.getElementById("query");
  if (!form || !editor) { return; }

  document.querySelectorAll("a.example").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      editor.value = link.getAttribute("data-query");
      editor.focus();
    });
  });

  document.querySelectorAll("button.prefix").forEach(function (button) {
    button.addEventListener("click", function () {
      var line = button.getAttribute("data-prefix");
      if (editor.value.indexOf(line) === -1) {
        editor.value = line + "\n" + editor.value;
      }
      editor.focus();
    });
  });

  // GET keeps a result's address shareable; a long query goes by POST instead (the server
  // refuses long GET targets: 414), with the same parameters, so the same page comes back.
  var postAbove = Number(form.getAttribute("data-post-above")) || 2000;
  var isLong = function (text) { return encodeURIComponent(text).length > postAbove; };
  var run = function () {
    form.method = isLong(editor.value) ? "post" : "get";
    form.submit();
  };
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });

  // Pictures of SELECT results: the page embeds them as SPARQL JSON; results.js says whether
  // they fit a map (lat/long or WKT points) or a network (two IRI columns) and draws them.
  var views = document.getElementById("sparql-views");
  var embedded = document.getElementById("sparql-results-json");
  if (views && embedded) {
    import(views.getAttribute("data-module")).then(function (pictures) {
      var results = JSON.parse(embedded.textContent);
      var kinds = pictures.pictureKinds(results);
      if (kinds.length === 0) { return; }
      var table = document.querySelector("#results .table-wrap");
      var options = { base: views.getAttribute("data-base"),
                      world: views.getAttribute("data-world") };
      var drawn = {};
      var show = function (name) {
        views.querySelectorAll("button[data-view]").forEach(function (button) {
          button.setAttribute("aria-pressed", String(button.getAttribute("data-view") === name));
        });
        table.hidden = name !== "table";
        document.querySelectorAll("figure[data-picture]").forEach(function (figure) {
          var kind = figure.getAttribute("data-picture");
          figure.hidden = kind !== name;
          if (kind === name && !drawn[kind]) {
            drawn[kind] = true;
            var canvas = figure.querySelector(".viz-canvas");
            var draw = kind === "map" ? pictures.drawResultMap : pictures.drawResultNetwork;
            Promise.resolve(draw(canvas, results, options)).then(function () {
              figure.setAttribute("data-state", "ready");
            });
          }
        });
      };
      kinds.forEach(function (kind) {
        views.querySelector('button[data-view="' + kind + '"]').hidden = false;
      });
      views.querySelectorAll("button[data-view]").forEach(function (button) {
        button.addEventListener("click", function () { show(button.getAttribute("data-view")); });
      });
      views.hidden = false;
    });
  }

  var download = document.getElementById("download");
  var chosen = document.getElementById("download-format");
  if (download && chosen) {
    download.addEventListener("click", function () {
      if (!isLong(editor.value)) {
        window.location.href = form.getAttribute("action") + "?query=" +
          encodeURIComponent(editor.value) + "&format=" + encodeURIComponent(chosen.value);
        return;
      }
      var post = document.createElement("form");
      post.method = "post";
      post.action = form.getAttribute("action");
      post.hidden = true;
      [["query", editor.value], ["format", chosen.value]].forEach(function (pair) {
        var field = document.createElement("textarea");
        field.name = pair[0];
        field.value = pair[1];
        post.appendChild(field);
      });
      document.body.appendChild(post);
      post.submit();
      post.remove();
    });
  }
})();
