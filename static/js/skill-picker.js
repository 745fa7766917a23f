// Skill picker: turns the server-rendered "add a skill" select into a searchable combobox
// (WAI-ARIA APG combobox with a listbox popup, list autocomplete with manual selection) and the
// chosen skills into removable chips. Without this script the form still works: the select adds
// one skill per save and a "Remove" box drops a chip. Both post <direction>_skill/_level pairs.
import Combobox from "../vendor/combobox-nav/index.js";

const MAX_SHOWN = 60; // enough to scan; typing narrows the rest

function enhance(picker) {
  const direction = picker.dataset.direction;
  const text = (key, value) => picker.dataset[key].replace("%s", value);
  const chips = picker.querySelector("[data-chips]");
  const empty = picker.querySelector("[data-chips-empty]");
  const addRow = picker.querySelector("[data-skill-add]");
  const source = addRow.querySelector("[data-skill-source]");
  const levelSource = addRow.querySelector("[data-level-source]");
  const label = addRow.querySelector(`label[for="${source.id}"]`);
  const skills = Array.from(source.querySelectorAll("option"))
    .filter((option) => option.value)
    .map((option) => ({ id: option.value, name: option.textContent, category: option.parentElement.label || "" }));

  // The combobox replaces the select and its level: new chips start at the default level.
  const defaultLevel = levelSource.value;
  const input = document.createElement("input");
  input.type = "text";
  input.id = source.id;
  input.autocomplete = "off";
  input.spellcheck = false;
  input.className = "skill-search";
  const list = document.createElement("ul");
  list.id = `${direction}-skill-options`;
  list.className = "skill-options";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", label.textContent);
  list.hidden = true;
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  const hint = document.createElement("p");
  hint.className = "help";
  hint.id = `${direction}-skill-hint`;
  hint.textContent = picker.dataset.textHint;
  input.setAttribute("aria-describedby", hint.id);
  addRow.querySelectorAll("[data-no-js]").forEach((node) => node.remove());
  source.closest(".row").replaceWith(input);
  input.after(list, hint, status);

  const combobox = new Combobox(input, list, { tabInsertsSuggestions: false });

  const chosenIds = () => new Set(Array.from(chips.querySelectorAll("[data-skill-id]"), (chip) => chip.dataset.skillId));
  const announce = (message) => { status.textContent = message; };
  const refreshEmpty = () => { empty.hidden = chips.children.length > 0; };

  function render() {
    const query = input.value.trim().toLowerCase();
    const taken = chosenIds();
    const matches = skills.filter((skill) => !taken.has(skill.id)
      && (!query || skill.name.toLowerCase().includes(query) || skill.category.toLowerCase().includes(query)));
    // Names that start with the query come first ("Negotiation" before "Contract negotiation").
    const starts = (skill) => (skill.name.toLowerCase().startsWith(query) ? 0 : 1);
    matches.sort((a, b) => starts(a) - starts(b));
    list.replaceChildren(...matches.slice(0, MAX_SHOWN).map((skill) => {
      const option = document.createElement("li");
      option.setAttribute("role", "option");
      option.id = `${direction}-option-${skill.id}`;
      option.dataset.value = skill.id;
      option.dataset.name = skill.name;
      const name = document.createElement("span");
      name.textContent = skill.name;
      const category = document.createElement("span");
      category.className = "muted skill-category";
      category.textContent = skill.category;
      option.append(name, " ", category);
      return option;
    }));
    if (!matches.length) {
      const none = document.createElement("li");
      none.className = "muted skill-none";
      none.textContent = text("textNone", input.value.trim());
      list.append(none);
    }
    return matches.length;
  }

  function open() {
    const count = render();
    if (list.hidden) {
      list.hidden = false;
      combobox.start();
    } else {
      combobox.clearSelection();
    }
    announce(text("textFound", count));
  }

  function close() {
    if (list.hidden) return;
    combobox.stop();
    list.hidden = true;
  }

  function addChip(id, name) {
    const chip = document.createElement("li");
    chip.className = "chip";
    chip.dataset.skillId = id;
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = `${direction}_skill`;
    hidden.value = id;
    const nameText = document.createElement("span");
    nameText.className = "chip-name";
    nameText.textContent = name;
    const level = levelSource.cloneNode(true);
    level.id = `${direction}-level-${id}`;
    level.className = "chip-level";
    level.removeAttribute("data-level-source");
    level.value = defaultLevel;
    const levelLabel = document.createElement("label");
    levelLabel.className = "visually-hidden";
    levelLabel.htmlFor = level.id;
    levelLabel.textContent = text("textLevel", name);
    chip.append(hidden, nameText, levelLabel, level);
    chips.append(chip);
    addRemoveButton(chip);
    refreshEmpty();
  }

  function addRemoveButton(chip) {
    const name = chip.querySelector(".chip-name").textContent;
    chip.querySelector("[data-no-js]")?.remove();
    const button = document.createElement("button");
    button.type = "button";
    button.className = "chip-remove";
    button.setAttribute("aria-label", text("textRemove", name));
    button.textContent = "×";
    button.addEventListener("click", () => {
      const next = chip.nextElementSibling || chip.previousElementSibling;
      chip.remove();
      refreshEmpty();
      announce(text("textRemoved", name));
      (next?.querySelector(".chip-remove") || input).focus();
    });
    chip.append(button);
  }

  chips.querySelectorAll(".chip").forEach(addRemoveButton);
  levelSource.remove();

  list.addEventListener("combobox-commit", (event) => {
    const option = event.target.closest("[role=option]");
    addChip(option.dataset.value, option.dataset.name);
    input.value = "";
    close();
    input.focus();
    announce(text("textAdded", option.dataset.name));
  });
  // Keep focus in the input while an option is clicked (the click then commits it).
  list.addEventListener("mousedown", (event) => event.preventDefault());
  input.addEventListener("input", open);
  input.addEventListener("click", () => { if (list.hidden) open(); });
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      if (!list.hidden) close();
      else input.value = "";
      event.preventDefault();
    } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && list.hidden) {
      open();
      combobox.navigate(event.key === "ArrowDown" ? 1 : -1);
      event.preventDefault();
    } else if (event.key === "Enter" && !list.querySelector("[aria-selected=true]")) {
      // Enter without a highlighted option must not submit the whole profile form.
      event.preventDefault();
    }
  });
}

document.querySelectorAll("[data-skill-picker]").forEach(enhance);
