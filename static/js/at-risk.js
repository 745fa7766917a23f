// At-risk pairs: "select all shown" and a live count of the pairs ticked for a nudge. Without
// this script each card's checkbox still works and the form still submits.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("nudge-form");
  const boxes = Array.from(document.querySelectorAll("[data-bulk-select]"));
  const counter = form?.querySelector("[data-selected-count]");
  const slot = form?.querySelector("[data-select-all-slot]");
  if (!form || !counter || !boxes.length) return;
  const all = document.createElement("input");
  all.type = "checkbox";
  all.id = "select-all-pairs";
  const label = document.createElement("label");
  label.htmlFor = all.id;
  label.className = "choice";
  label.append(all, " ", slot?.dataset.label || "Select all shown");
  slot?.replaceChildren(label);
  const refresh = () => {
    const n = boxes.filter((box) => box.checked).length;
    all.checked = n === boxes.length;
    all.indeterminate = n > 0 && n < boxes.length;
    counter.textContent = n ? (counter.dataset[n === 1 ? "one" : "many"] || "%s selected").replace("%s", n) : "";
  };
  all.addEventListener("change", () => { boxes.forEach((box) => { box.checked = all.checked; }); refresh(); });
  boxes.forEach((box) => box.addEventListener("change", refresh));
  refresh();
});
