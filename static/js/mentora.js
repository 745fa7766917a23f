// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Availability grid: drag across cells to tick several at once.
  document.querySelectorAll("[data-avail-grid]").forEach((grid) => {
    let painting = null;
    grid.addEventListener("mousedown", (event) => {
      const box = event.target.closest(".avail-cell")?.querySelector("input");
      if (!box) return;
      painting = !box.checked;
    });
    grid.addEventListener("mouseover", (event) => {
      if (painting === null || event.buttons !== 1) return;
      const box = event.target.closest(".avail-cell")?.querySelector("input");
      if (box) box.checked = painting;
    });
    document.addEventListener("mouseup", () => { painting = null; });
  });
  // Program form: picking a purpose template pre-fills the settings.
  const purpose = document.querySelector("[data-purpose-presets]");
  if (purpose) {
    const presets = JSON.parse(document.getElementById("purpose-presets").textContent);
    purpose.addEventListener("change", () => {
      const preset = presets[purpose.value];
      if (!preset) return;
      for (const [name, value] of Object.entries(preset)) {
        const fields = document.querySelectorAll(`[name="${name}"]`);
        fields.forEach((field) => {
          if (field.type === "checkbox") field.checked = Array.isArray(value) ? value.includes(field.value) : !!value;
          else if (field.type === "radio") field.checked = field.value === String(value);
          else field.value = value;
        });
      }
    });
  }
});
