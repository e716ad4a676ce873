// Reordering the stock's pins by dragging their ⠿ handle, with pointer events (mouse, pen and
// touch alike; HTML drag and drop does not work with touch). The dragged pin moves among its
// siblings as the pointer passes their middles; on release the new order is handed on once.

export function dragToReorder(list, reordered) {
  let dragging = null; // {item, pointerId, before: ids at the start}

  const ids = () => [...list.children].map((item) => item.dataset.pinId);

  list.addEventListener('pointerdown', (event) => {
    const handle = event.target.closest('.drag-handle');
    if (!handle || event.button !== 0) return;
    const item = handle.closest('li.pin');
    if (!item || item.parentElement !== list) return;
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    dragging = { item, pointerId: event.pointerId, before: ids().join(' ') };
    item.classList.add('dragging');
  });

  list.addEventListener('pointermove', (event) => {
    if (!dragging || event.pointerId !== dragging.pointerId) return;
    const { item } = dragging;
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
    const { item, before } = dragging;
    dragging = null;
    item.classList.remove('dragging');
    const after = ids();
    if (after.join(' ') !== before) reordered(after);
  };
  list.addEventListener('pointerup', end);
  list.addEventListener('pointercancel', end);
}
