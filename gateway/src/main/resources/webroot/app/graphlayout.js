// A layered layout for the graph view, top to bottom: a coto's layer is its distance from the
// nearest coto nothing points to (breadth first, so a cycle is entered once), and each layer is
// ordered by the mean place of its cotos' sources (barycentres), which keeps edges short.

export const NODE = { width: 170, height: 56, gapX: 40, gapY: 80 };

/** {positions: Map id -> {x, y}, width, height} for `ids` linked by `edges` [{sourceId, targetId}]. */
export function layout(ids, edges) {
  const known = new Set(ids);
  const out = new Map(ids.map((id) => [id, []]));
  const incoming = new Map(ids.map((id) => [id, []]));
  for (const edge of edges) {
    if (!known.has(edge.sourceId) || !known.has(edge.targetId) || edge.sourceId === edge.targetId) continue;
    out.get(edge.sourceId).push(edge.targetId);
    incoming.get(edge.targetId).push(edge.sourceId);
  }
  const layer = new Map();
  const visit = (roots) => {
    const queue = roots.filter((id) => !layer.has(id));
    queue.forEach((id) => layer.set(id, 0));
    while (queue.length) {
      const id = queue.shift();
      for (const next of out.get(id)) {
        if (!layer.has(next)) {
          layer.set(next, layer.get(id) + 1);
          queue.push(next);
        }
      }
    }
  };
  visit(ids.filter((id) => incoming.get(id).length === 0));
  for (const id of ids) visit([id]); // what only a cycle reaches

  const layers = [];
  for (const id of ids) {
    const l = layer.get(id);
    (layers[l] = layers[l] || []).push(id);
  }
  const place = new Map();
  layers.forEach((row, l) => {
    if (l > 0) {
      const centre = (id) => {
        const from = incoming.get(id).filter((source) => place.has(source));
        return from.length ? from.reduce((sum, source) => sum + place.get(source), 0) / from.length : Infinity;
      };
      row.sort((a, b) => centre(a) - centre(b));
    }
    row.forEach((id, i) => place.set(id, i));
  });

  const widest = Math.max(1, ...layers.map((row) => row.length));
  const positions = new Map();
  layers.forEach((row, l) => {
    const offset = ((widest - row.length) * (NODE.width + NODE.gapX)) / 2;
    row.forEach((id, i) => positions.set(id, {
      x: offset + i * (NODE.width + NODE.gapX),
      y: l * (NODE.height + NODE.gapY),
    }));
  });
  return {
    positions,
    width: widest * (NODE.width + NODE.gapX) - NODE.gapX,
    height: Math.max(1, layers.length) * (NODE.height + NODE.gapY) - NODE.gapY,
  };
}
