// The page's script (app.py fills __LANG__, __DIR__, __COOKIE__ and __DRAWN__): the document's
// language and direction; on a phone (below 640 px) the narrow-screen cookie (the page is drawn
// once more when the server drew it for another width), small maps with one keyboard stop, and
// the sidebar menu closed after a tap on one of its links.
// In a function scope of its own: the script runs again on every rerun in the same document, where a
// second top-level `const` would be a SyntaxError and nothing below it would run (the language stayed).
(() => {
  document.documentElement.lang = "__LANG__";
  for (const el of document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]')) el.dir = "__DIR__";
  const narrow = window.matchMedia("(max-width: 639px)").matches ? "1" : "0";
  if (!document.cookie.split("; ").includes("__COOKIE__=" + narrow)) {
    document.cookie = "__COOKIE__=" + narrow + "; path=/; SameSite=Strict";
    if (narrow !== "__DRAWN__" && !sessionStorage.getItem("__COOKIE___redrawn")) {
      sessionStorage.setItem("__COOKIE___redrawn", "1");
      location.reload();
    }
  }
  // A grid of small maps: one keyboard stop for the chart, not one per map (each map's canvas takes
  // the focus to pan with the arrow keys; a single map keeps that).
  if (!window.mc2cmSmallMaps) {
    window.mc2cmSmallMaps = new MutationObserver(() => {
      for (const plot of document.querySelectorAll(".js-plotly-plot")) {
        const canvases = plot.querySelectorAll("canvas.maplibregl-canvas[tabindex]:not([tabindex='-1'])");
        if (plot.querySelectorAll("canvas.maplibregl-canvas").length > 1) for (const c of canvases) c.tabIndex = -1;
      }
    });
    window.mc2cmSmallMaps.observe(document.body, {childList: true, subtree: true});
  }
  if (!window.mc2cmMenuCloses) {
    window.mc2cmMenuCloses = true;
    document.addEventListener("click", (event) => {
      if (!window.matchMedia("(max-width: 639px)").matches) return;
      if (!event.target.closest('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]')) return;
      const close = () => {
        const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
        if (button && button.getAttribute("aria-expanded") !== "false") button.click();
      };
      for (const wait of [0, 400, 1200]) setTimeout(close, wait);  // the next page may draw its sidebar again
    }, true);
  }
})();
