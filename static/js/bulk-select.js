// "Select all shown" and a live count of the rows ticked for a bulk action (enrolment review,
// at-risk pairs). The page marks the place for the select-all box with [data-select-all-slot]
// (data-label: its name; data-label-visible: show the name beside it, else only to screen
// readers), each row's box with [data-bulk-select], and the counter with [data-selected-count]
// (data-one / data-many: "%s" is the number). Without this script each box still works and the
// form still submits.
document.addEventListener("DOMContentLoaded", () => {
  const slot = document.querySelector("[data-select-all-slot]");
  const boxes = Array.from(document.querySelectorAll("[data-bulk-select]"));
  const counter = document.querySelector("[data-selected-count]");
  if (!slot || !counter || !boxes.length) return;
  const all = document.createElement("input");
  all.type = "checkbox";
  all.id = "select-all";
  const label = document.createElement("label");
  label.htmlFor = all.id;
  const name = slot.dataset.label || "Select all shown";
  if ("labelVisible" in slot.dataset) {
    label.className = "choice";
    label.append(all, " ", name);
    slot.replaceChildren(label);
  } else {
    label.className = "visually-hidden";
    label.textContent = name;
    slot.replaceChildren(all, label);
  }
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
