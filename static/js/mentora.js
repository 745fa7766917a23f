// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Header: on narrow screens the menu button shows and hides the navigation (without JS the list stays open).
  const navToggle = document.querySelector(".nav-toggle");
  const siteNav = navToggle && document.getElementById(navToggle.getAttribute("aria-controls"));
  if (navToggle && siteNav) {
    navToggle.hidden = false;
    navToggle.setAttribute("aria-expanded", "false");
    navToggle.addEventListener("click", () => {
      const open = navToggle.getAttribute("aria-expanded") !== "true";
      navToggle.setAttribute("aria-expanded", String(open));
      if (open) siteNav.querySelector("a, button")?.focus();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || navToggle.getAttribute("aria-expanded") !== "true") return;
      if (getComputedStyle(navToggle).display === "none") return;  // wide screen: nothing to close
      navToggle.setAttribute("aria-expanded", "false");
      navToggle.focus();
    });
  }

  // Toasts (Django messages): a dismiss button on each.
  document.querySelectorAll("[data-toast] [data-dismiss]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const toast = button.closest("[data-toast]");
      const region = toast.parentElement;
      toast.remove();
      if (region && !region.querySelector("[data-toast]")) {
        region.remove();
        document.getElementById("main")?.focus();
      }
    });
  });

  // Wide tables scroll inside their own region; make that region reachable by keyboard while it overflows
  // (WCAG 2.1.1), named after the table's caption or the nearest heading.
  const scrollRegions = () => document.querySelectorAll(".table-wrap, .table-scroll").forEach((region) => {
    if (region.dataset.staticRegion !== undefined) return;
    const overflows = region.scrollWidth > region.clientWidth + 1;
    if (overflows && !region.hasAttribute("tabindex")) {
      region.tabIndex = 0;
      region.setAttribute("role", "region");
      if (!region.hasAttribute("aria-label") && !region.hasAttribute("aria-labelledby")) {
        const caption = region.querySelector("caption")?.textContent.trim();
        let heading = null;
        for (let el = region; el && !heading; el = el.parentElement) {
          for (let sib = el.previousElementSibling; sib && !heading; sib = sib.previousElementSibling) {
            heading = sib.matches("h1, h2, h3, h4, legend") ? sib : sib.querySelector?.("h1, h2, h3, h4");
          }
        }
        region.setAttribute("aria-label", caption || heading?.textContent.trim() || document.title);
        region.dataset.madeLabel = "";
      }
      region.dataset.madeRegion = "";
    } else if (!overflows && region.dataset.madeRegion !== undefined) {
      region.removeAttribute("tabindex");
      region.removeAttribute("role");
      delete region.dataset.madeRegion;
      if (region.dataset.madeLabel !== undefined) { region.removeAttribute("aria-label"); delete region.dataset.madeLabel; }
    }
  });
  scrollRegions();
  let resizeTimer = null;
  window.addEventListener("resize", () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(scrollRegions, 30); });
  document.body.addEventListener("htmx:afterSettle", scrollRegions);

  // A "Print" button (insights pages): the print stylesheet hides navigation and filters.
  document.querySelectorAll("[data-print]").forEach((button) => { button.hidden = false; button.addEventListener("click", () => window.print()); });

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
