// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // The availability grid lives in availability-grid.js (loaded by the profile page).
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
