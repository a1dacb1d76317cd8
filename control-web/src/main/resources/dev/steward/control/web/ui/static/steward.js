// Progressive enhancement only: every record is selectable text without this script.
// Adds a copy button next to each element marked data-copy.
document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("[data-copy]").forEach(function (target) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = target.getAttribute("data-copy-label") || "Copy";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = target.getAttribute("data-copied-label") || "Copied";
      });
    });
    target.insertAdjacentElement("afterend", button);
  });
});
