// goeswell's shared script: conveniences only. Every form and page works
// without it.
document.addEventListener("DOMContentLoaded", function () {
  // A table box that scrolls sideways must be reachable by keyboard
  // (WCAG 2.1.1): it takes focus, named after its table's caption or the
  // heading before it, only while its table is wider than the screen.
  function scrollers() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          var cap = box.querySelector("caption"), h = box.previousElementSibling;
          while (h && !/^H[1-6]$/.test(h.tagName)) { h = h.previousElementSibling; }
          var name = cap ? cap.textContent : (h ? h.textContent : document.title);
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name.trim());
        }
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  scrollers();
  window.addEventListener("resize", scrollers);
  document.querySelectorAll("details").forEach(function (d) { d.addEventListener("toggle", scrollers); });
  // On a phone the collaborative's menu starts folded, so the page's
  // content begins on the first screen; without script it stays open.
  // A window widened past a phone's opens it again: there the summary
  // that would open it is hidden.
  var menu = document.querySelector("details.collab-menu"), narrow = window.matchMedia("(max-width: 40rem)");
  if (menu) {
    if (narrow.matches) { menu.open = false; }
    narrow.addEventListener("change", function (e) { menu.open = !e.matches; });
  }
  // Account settings: someone who has not chosen a time zone is offered
  // the browser's, when the list has it. Nothing is chosen for them, and
  // without script the list alone does the job.
  var tz = document.querySelector("select[data-browser-zone]");
  if (tz && tz.value === "" && window.Intl) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone, opt = null;
    tz.querySelectorAll("option").forEach(function (o) { if (o.value === zone) { opt = o; } });
    if (opt) {
      var use = document.createElement("button");
      use.type = "button";
      use.className = "secondary";
      use.id = "use-browser-zone";
      use.textContent = tz.getAttribute("data-browser-zone").replace("%s", opt.textContent);
      use.addEventListener("click", function () { tz.value = zone; use.remove(); tz.focus(); });
      tz.parentNode.insertBefore(use, tz.nextSibling);
    }
  }
  document.querySelectorAll("input.copy").forEach(function (el) {
    el.addEventListener("focus", function () { el.select(); });
  });
  // "Download as PNG": the browser draws the chart's SVG on a canvas at
  // twice its size and saves the picture. The link stays hidden without
  // JavaScript, where the SVG download serves.
  document.querySelectorAll("a[data-png]").forEach(function (a) {
    a.hidden = false;
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      fetch(a.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (svg) {
        var img = new Image();
        img.onload = function () {
          var scale = 2, c = document.createElement("canvas");
          c.width = img.naturalWidth * scale;
          c.height = img.naturalHeight * scale;
          var g = c.getContext("2d");
          g.fillStyle = "#fff";
          g.fillRect(0, 0, c.width, c.height);
          g.drawImage(img, 0, 0, c.width, c.height);
          var link = document.createElement("a");
          link.download = a.getAttribute("data-png");
          link.href = c.toDataURL("image/png");
          document.body.appendChild(link);
          link.click();
          link.remove();
        };
        img.src = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(svg)));
      });
    });
  });
  // A long picker (framework nodes: hundreds, grouped by framework) gets
  // a box that shortens it to the options containing what is typed.
  document.querySelectorAll("select[data-filter]").forEach(function (sel) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-filter";
    box.setAttribute("aria-label", sel.getAttribute("data-filter"));
    box.placeholder = sel.getAttribute("data-filter");
    box.setAttribute("aria-controls", sel.id);
    sel.parentNode.insertBefore(box, sel);
    box.addEventListener("input", function () {
      var q = box.value.trim().toLowerCase();
      sel.querySelectorAll("optgroup").forEach(function (g) {
        var any = false;
        g.querySelectorAll("option").forEach(function (o) {
          var show = q === "" || o.selected || o.textContent.toLowerCase().indexOf(q) >= 0 || g.label.toLowerCase().indexOf(q) >= 0;
          o.hidden = !show;
          any = any || show;
        });
        g.hidden = !any;
      });
    });
  });
});
