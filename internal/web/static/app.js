// goeswell's only script: a convenience. Every form works without it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.copy").forEach(function (el) {
    el.addEventListener("focus", function () { el.select(); });
  });
});
