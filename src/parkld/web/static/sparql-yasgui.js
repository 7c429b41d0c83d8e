/* parkld query page with YASGUI. Loaded only when the server has YASGUI's built files
   (PARKLD_YASGUI_DIR); yasgui.min.js comes from this site, like everything else. Without it,
   or without scripts, the page's plain form is the editor.

   YASGUI is pointed at this endpoint only: no endpoint catalogue of other services, and the
   completers that would ask prefix.cc and LOV over the network are replaced by ones that use
   the page's prefixes and this dataset's own classes and properties. Queries go by GET while
   short (shareable links), by POST above data-post-above bytes (the server refuses long GETs). */
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  var Yasgui = window.Yasgui;
  if (!root || typeof Yasgui !== "function") { return; }
  var form = document.getElementById("sparql-form");
  var postAbove = Number(root.getAttribute("data-post-above"));
  var endpoint = new URL(root.getAttribute("data-endpoint"), window.location.href).href;

  // The page's prefix buttons say "PREFIX name: <iri>".
  var prefixes = [];
  document.querySelectorAll("button.prefix").forEach(function (button) {
    var found = /^PREFIX\s+([^:\s]*):\s*<([^>]*)>$/.exec(button.getAttribute("data-prefix"));
    if (found) { prefixes.push(found[1] + ": <" + found[2] + ">"); }
  });

  // Each list is asked for once per page, whatever the number of tabs. YASQE asks with a
  // token when completion is wanted before the list has arrived: then only matching terms.
  function terms(query) {
    var asked = null;
    return function (yasqe, token) {
      asked = asked || fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/sparql-results+json" },
        body: "query=" + encodeURIComponent(query)
      }).then(function (answer) {
        if (!answer.ok) { return []; }
        return answer.json().then(function (doc) {
          return doc.results.bindings.map(function (b) { return b.term.value; });
        });
      });
      var start = token ? (token.autocompletionString || "") : "";
      return asked.then(function (all) {
        return all.filter(function (term) { return term.indexOf(start) === 0; });
      });
    };
  }
  var Yasqe = Yasgui.Yasqe;
  Yasqe.forkAutocompleter("prefixes", {
    name: "parkld-prefixes", persistenceId: null,
    get: function () { return Promise.resolve(prefixes.slice().sort()); }
  }, false);
  Yasqe.forkAutocompleter("class", {
    name: "parkld-classes", bulk: true, persistenceId: null,
    get: terms("SELECT DISTINCT ?term WHERE { ?s a ?term FILTER isIRI(?term) } LIMIT 5000")
  }, false);
  Yasqe.forkAutocompleter("property", {
    name: "parkld-properties", bulk: true, persistenceId: null,
    get: terms("SELECT DISTINCT ?term WHERE { ?s ?term ?o } LIMIT 5000")
  }, false);
  // Set before any editor exists: YASGUI merges arrays index by index, so a list in the
  // options below would be mixed with the defaults (which fetch from the network).
  Yasqe.defaults.autocompleters = ["variables", "parkld-prefixes", "parkld-classes",
                                   "parkld-properties"];

  // parkld's pictures of results (static/viz/results.js) as two more YASR views, offered
  // when the results fit them (coordinates; two IRI columns), as on the form's page.
  function picturePlugin(kind, label, pictures) {
    function Picture(yasr) {
      this.yasr = yasr;
      this.priority = 1;  // the table (10) stays the first view
      this.label = label;
    }
    Picture.prototype.results = function () {
      var results = this.yasr.results;
      var json = results && results.getAsJson ? results.getAsJson() : null;
      return json && json.head && json.results ? json : null;
    };
    Picture.prototype.canHandleResults = function () {
      var json = this.results();
      return !!json && pictures.pictureKinds(json).indexOf(kind) !== -1;
    };
    Picture.prototype.draw = function () {
      var figure = document.createElement("figure");
      figure.className = "viz sparql-picture";
      figure.setAttribute("data-picture", kind);
      var canvas = document.createElement("div");
      canvas.className = "viz-canvas";
      figure.appendChild(canvas);
      this.yasr.resultsEl.appendChild(figure);
      var draw = kind === "map" ? pictures.drawResultMap : pictures.drawResultNetwork;
      var options = { base: root.getAttribute("data-base"),
                      world: root.getAttribute("data-world") };
      return Promise.resolve(draw(canvas, this.results(), options)).then(function () {
        figure.setAttribute("data-state", "ready");
      });
    };
    Picture.prototype.getIcon = function () {
      var icon = document.createElement("span");
      icon.textContent = label;
      return icon;
    };
    return Picture;
  }

  var pictures = import(root.getAttribute("data-module")).then(function (module) {
    Yasgui.Yasr.registerPlugin("parkldMap", picturePlugin("map", "Map", module));
    Yasgui.Yasr.registerPlugin("parkldNetwork", picturePlugin("network", "Network", module));
  }, function (error) {
    console.warn("parkld: result pictures unavailable", error);
  });
  pictures.then(start);

  function start() {
    var yasgui = new Yasgui(root, {
      requestConfig: {
        endpoint: endpoint,
        method: function (instance) {
          var tab = instance.getTab();
          var text = tab ? tab.getQuery() : "";
          return encodeURIComponent(text).length > postAbove ? "POST" : "GET";
        }
      },
      copyEndpointOnNewTab: true,
      // YASGUI's share links carry the query after "#": open it in a tab (and run it), on this
      // endpoint whatever the link says. A "?query=" link is the server's: it has already
      // answered it on the page, so it only fills the editor (below), not run twice.
      populateFromUrl: window.location.hash.length > 1 ? function (config) {
        config.requestConfig = config.requestConfig || {};
        config.requestConfig.endpoint = endpoint;
        return config;
      } : false,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      persistenceId: "parkld-yasgui",
      yasqe: { resizeable: true, editorHeight: "320px" }
    });
    window.parkldYasgui = yasgui;  // for the browser tests and the curious

    // As in the form's table, this dataset's IRIs open their page on this site (root-relative),
    // not the canonical address, which may name another deployment.
    var base = root.getAttribute("data-base");
    var localise = function () {
      root.querySelectorAll("a.iri:not([data-local])").forEach(function (link) {
        var href = link.getAttribute("href") || "";
        link.setAttribute("data-local", "");
        if (base && href.indexOf(base) === 0) {
          link.setAttribute("href", "/" + href.slice(base.length));
        }
      });
    };
    new MutationObserver(localise).observe(root, { childList: true, subtree: true });
    var initial = root.getAttribute("data-query");
    if (initial) { yasgui.getTab().setQuery(initial); }
    if (form) { form.hidden = true; }
    root.setAttribute("data-state", "ready");

    // An example opens in a tab of its own; the tab already showing it, when there is one
    // (also from an earlier visit: YASGUI keeps its tabs in this browser's local storage).
    document.querySelectorAll("a.example").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        event.stopImmediatePropagation();
        var name = link.textContent.trim();
        var short = name.length > 40 ? name.slice(0, 39) + "…" : name;
        yasgui.addTab(true, { name: short, yasqe: { value: link.getAttribute("data-query") } },
                      { avoidDuplicateTabs: true });
      }, true);
    });
  }
})();
