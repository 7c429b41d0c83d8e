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

  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.submit();
    }
  });

  var download = document.getElementById("download");
  var chosen = document.getElementById("download-format");
  if (download && chosen) {
    download.addEventListener("click", function () {
      var url = form.getAttribute("action") + "?query=" + encodeURIComponent(editor.value) +
        "&format=" + encodeURIComponent(chosen.value);
      window.location.href = url;
    });
  }
})();
