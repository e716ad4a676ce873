// Small DOM helpers. Text always goes in through textContent; the only HTML ever assigned is the
// markdown renderer's output, which escapes everything first.

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

/** An avatar image that falls back to the person's initial when the image cannot load. */
export function avatar(person, size = 32) {
  const name = (person && person.name) || '?';
  const initial = el('span', { class: 'avatar initial', text: name.slice(0, 1).toUpperCase(), title: name });
  initial.style.setProperty('--size', `${size}px`);
  if (!person || !person.avatarUrl) return initial;
  const img = el('img', { class: 'avatar', src: person.avatarUrl, alt: '', title: name, width: size, height: size,
    referrerpolicy: 'no-referrer' });
  img.addEventListener('error', () => img.replaceWith(initial), { once: true });
  return img;
}

export function show(node, visible) {
  node.hidden = !visible;
}
