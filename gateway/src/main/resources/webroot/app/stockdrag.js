// Reordering the stock's pins, or a coto's connections among themselves, by dragging their ⠿
// handle, with pointer events (mouse, pen and touch alike; HTML drag and drop does not work with
// touch). The dragged item moves among its siblings (the pins, or the connections of one source)
// as the pointer passes their middles; on release the new order is handed on once, with the list.

export function dragToReorder(root, reordered) {
  let dragging = null; // {item, list, pointerId, before: ids at the start}

  const ids = (list) => [...list.children].map((item) => item.dataset.pinId || item.dataset.connectionId);

  root.addEventListener('pointerdown', (event) => {
    const handle = event.target.closest('.drag-handle');
    if (!handle || event.button !== 0) return;
    const item = handle.closest('li');
    const list = item && item.parentElement;
    if (!list || !root.contains(list)) return;
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    dragging = { item, list, pointerId: event.pointerId, before: ids(list).join(' ') };
    item.classList.add('dragging');
  });

  root.addEventListener('pointermove', (event) => {
    if (!dragging || event.pointerId !== dragging.pointerId) return;
    const { item, list } = dragging;
    for (const other of list.children) {
      if (other === item) continue;
      const box = other.getBoundingClientRect();
      const middle = box.top + box.height / 2;
      const isAbove = other.compareDocumentPosition(item) & Node.DOCUMENT_POSITION_FOLLOWING;
      if (isAbove && event.clientY < middle && event.clientY > box.top) {
        other.before(item);
        return;
      }
      if (!isAbove && event.clientY > middle && event.clientY < box.bottom) {
        other.after(item);
        return;
      }
    }
  });

  const end = (event) => {
    if (!dragging || event.pointerId !== dragging.pointerId) return;
    const { item, list, before } = dragging;
    dragging = null;
    item.classList.remove('dragging');
    const after = ids(list);
    if (after.join(' ') !== before) reordered(list, after);
  };
  root.addEventListener('pointerup', end);
  root.addEventListener('pointercancel', end);
}
