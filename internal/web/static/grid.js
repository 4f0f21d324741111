// Spreads a block pasted from a spreadsheet across a data grid's cells,
// starting at the cell pasted into. Without this script the grid still
// works cell by cell, and the paste box below it takes whole blocks.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.grid").forEach(function (grid) {
    grid.addEventListener("paste", function (ev) {
      var target = ev.target;
      if (!target || target.tagName !== "INPUT") { return; }
      var text = (ev.clipboardData || window.clipboardData).getData("text");
      if (text.indexOf("\t") < 0 && text.indexOf("\n") < 0) { return; }
      ev.preventDefault();
      var rows = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
      var td = target.parentNode, tr = td.parentNode;
      var col = Array.prototype.indexOf.call(tr.children, td);
      var trs = Array.prototype.slice.call(tr.parentNode.children);
      var r0 = trs.indexOf(tr);
      // The grid shows its newest month first, a spreadsheet its oldest:
      // a row pasted from one runs towards the newer months (leftwards).
      var step = grid.dataset.order === "newest-first" ? -1 : 1;
      rows.forEach(function (line, i) {
        var row = trs[r0 + i];
        if (!row) { return; }
        line.split("\t").forEach(function (v, j) {
          var cell = col + step * j >= 1 ? row.children[col + step * j] : null;
          var input = cell && cell.querySelector("input");
          if (input && !input.readOnly) { input.value = v.trim(); }
        });
      });
    });
  });
});
