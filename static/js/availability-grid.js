// Weekly availability grid: each cell is a checkbox (the page works without this script).
// Enhancements:
// - press on a cell and drag (mouse, pen or touch, via pointer events): every cell passed over,
//   the first one included, takes the first cell's new state;
// - one Tab stop for the grid (roving tabindex); arrows move, Home/End go to the row's ends,
//   Space (native) or Enter toggles the focused cell.
document.querySelectorAll("[data-avail-grid]").forEach((grid) => {
  const rows = Array.from(grid.querySelectorAll("tbody tr"), (row) => Array.from(row.querySelectorAll("input[type=checkbox]")));
  const boxes = rows.flat();
  if (!boxes.length) return;
  let painting = null; // the state being painted while a pointer is down, else null
  let suppressClick = false; // the click that ends a press must not toggle the cell back

  const cellAt = (x, y) => document.elementFromPoint(x, y)?.closest(".avail-cell")?.querySelector("input");
  const paint = (box) => {
    if (box && box.checked !== painting) {
      box.checked = painting;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
  };

  grid.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const box = event.target.closest(".avail-cell")?.querySelector("input");
    if (!box) return;
    painting = !box.checked;
    suppressClick = true;
    paint(box);
    focusCell(box);
    // Touch pointers are captured by the pressed element; release so moves reach other cells.
    if (event.target.hasPointerCapture?.(event.pointerId)) event.target.releasePointerCapture(event.pointerId);
    event.preventDefault(); // no text selection while dragging
  });
  grid.addEventListener("pointermove", (event) => {
    if (painting === null) return;
    paint(cellAt(event.clientX, event.clientY));
  });
  const stop = () => {
    painting = null;
    // A press released over another cell fires no click on a cell: forget the suppression after
    // this event turn, so the next keyboard or tap click is not swallowed.
    setTimeout(() => { suppressClick = false; });
  };
  document.addEventListener("pointerup", stop);
  document.addEventListener("pointercancel", stop);
  // Capture phase: runs before the label/checkbox default action, which it cancels.
  grid.addEventListener("click", (event) => {
    if (!suppressClick || !event.target.closest(".avail-cell")) return;
    if (event.target.matches("input")) suppressClick = false; // the label's click is followed by the input's
    event.preventDefault();
  }, true);

  function focusCell(box) {
    boxes.forEach((other) => { other.tabIndex = other === box ? 0 : -1; });
    box.focus();
  }
  const start = boxes.find((box) => box.checked) || boxes[0];
  boxes.forEach((box) => { box.tabIndex = box === start ? 0 : -1; });

  grid.addEventListener("keydown", (event) => {
    const box = event.target.closest("input[type=checkbox]");
    if (!box) return;
    const r = rows.findIndex((row) => row.includes(box));
    const c = rows[r].indexOf(box);
    const moves = {
      ArrowRight: [r, c + 1], ArrowLeft: [r, c - 1], ArrowDown: [r + 1, c], ArrowUp: [r - 1, c],
      Home: [r, 0], End: [r, rows[r].length - 1],
    };
    if (event.key === "Enter") {
      box.click();
      event.preventDefault(); // Enter on a checkbox would submit the form
    } else if (event.key in moves) {
      const [nr, nc] = moves[event.key];
      const target = rows[nr]?.[nc];
      if (target) focusCell(target);
      event.preventDefault();
    }
  });
});
