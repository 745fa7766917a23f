// Enrolment review: "select all shown" and a live count of the people selected for a bulk
// decision. Without this script each row's checkbox still works and the form still submits.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("bulk-form");
  const slot = document.querySelector("[data-select-all-slot]");
  const boxes = Array.from(document.querySelectorAll("[data-bulk-select]"));
  const counter = form?.querySelector("[data-selected-count]");
  if (!form || !slot || !boxes.length) return;
  const all = document.createElement("input");
  all.type = "checkbox";
  all.id = "select-all";
  const label = document.createElement("label");
  label.htmlFor = all.id;
  label.className = "visually-hidden";
  label.textContent = slot.dataset.label || "Select all shown";
  slot.replaceChildren(all, label);
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
