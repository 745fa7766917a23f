// Program form: show only the fields that apply to the chosen form of mentoring.
// Without JavaScript every field stays visible, and the server ignores the ones that do not apply.
document.addEventListener("DOMContentLoaded", () => {
  const chooser = document.querySelector('select[name="form"]');
  if (!chooser) return;
  const sync = () => {
    document.querySelectorAll("[data-shown-for]").forEach((field) => {
      field.hidden = !field.dataset.shownFor.split(" ").includes(chooser.value);
    });
  };
  chooser.addEventListener("change", sync);
  sync();
});
