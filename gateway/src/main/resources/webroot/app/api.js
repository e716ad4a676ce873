// The REST API of docs/api.md, same-origin, cookies included. Failures become ApiError with the
// problem+json `type` slug and a message fit to show.

export class ApiError extends Error {
  constructor(status, slug, detail, pointer) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.slug = slug;
    this.pointer = pointer;
  }
}

async function call(method, path, body, raw) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = raw ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', null);
  }
  if (response.status === 204) {
    return null;
  }
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    const slug = json && typeof json.type === 'string' ? json.type.replace('urn:cotoami:problem:', '') : 'http';
    throw new ApiError(response.status, slug, json && json.detail, json && json.pointer);
  }
  return json;
}

const enc = encodeURIComponent;

export const api = {
  session: () => call('GET', '/api/session'),
  signinRequest: (email, saveAnonymousCotos, returnTo) =>
    call('POST', '/api/auth/signin-requests', { email, saveAnonymousCotos, returnTo }),
  signout: () => call('POST', '/api/auth/signout'),
  home: (before) => call('GET', `/api/cotos?limit=20${before ? `&before=${enc(before)}` : ''}`),
  cotonomaTimeline: (key, before) =>
    call('GET', `/api/cotonomas/${enc(key)}/cotos?limit=20${before ? `&before=${enc(before)}` : ''}`),
  post: (coto) => call('POST', '/api/cotos', coto),
  cotonoma: (key) => call('GET', `/api/cotonomas/${enc(key)}`),
  createCotonoma: (name, parentKey) => call('POST', '/api/cotonomas', { name, parentKey }),
  members: (key) => call('GET', `/api/cotonomas/${enc(key)}/members`),
  addMember: (key, email) => call('POST', `/api/cotonomas/${enc(key)}/members`, { email }),
  removeMember: (key, email) => call('DELETE', `/api/cotonomas/${enc(key)}/members/${enc(email)}`),
  myCotonomas: (before) => call('GET', `/api/cotonomas?limit=50${before ? `&before=${enc(before)}` : ''}`),
  markRead: (key) => call('PUT', `/api/cotonomas/${enc(key)}/read`),
  renameCotonoma: (key, name) => call('PUT', `/api/cotonomas/${enc(key)}`, { name }),
  deleteCotonoma: (key) => call('DELETE', `/api/cotonomas/${enc(key)}`),
  editCoto: (id, content, summary) => call('PUT', `/api/cotos/${enc(id)}`, { content, summary }),
  deleteCoto: (id) => call('DELETE', `/api/cotos/${enc(id)}`),
  cotonomatize: (id) => call('POST', `/api/cotos/${enc(id)}/cotonomatize`),
  repost: (id, cotonomaKey) => call('POST', `/api/cotos/${enc(id)}/reposts`, { cotonomaKey }),
  people: (ids) => call('GET', `/api/users?ids=${ids.map(enc).join(',')}`),
  rename: (name) => call('PUT', '/api/users/me', { name }),
  tokens: () => call('GET', '/api/users/me/tokens'),
  createToken: (name, scope, expiresAt) => call('POST', '/api/users/me/tokens', { name, scope, expiresAt }),
  revokeToken: (id) => call('DELETE', `/api/users/me/tokens/${enc(id)}`),
  // An exported document (a File), sent as it is: the page never parses it.
  importDocument: (file) => call('POST', '/api/import', file, true),
  importJob: (id) => call('GET', `/api/import/${enc(id)}`),
  search: (q, before) => call('GET', `/api/search?q=${enc(q)}&limit=20${before ? `&before=${enc(before)}` : ''}`),
  // The graph (docs/api.md): a stock is a cotonoma's (key) or my home's (no key).
  stock: (key) => call('GET', `/api/graph/stock${key ? `?cotonomaKey=${enc(key)}` : ''}`),
  pin: (cotoId, cotonomaKey) => call('POST', '/api/graph/pins', { cotoId, cotonomaKey: cotonomaKey || undefined }),
  unpin: (id) => call('DELETE', `/api/graph/pins/${enc(id)}`),
  orderStock: (cotonomaKey, pinIds) => call('PUT', '/api/graph/stock/order', { cotonomaKey: cotonomaKey || undefined, pinIds }),
  connect: (sourceId, targetId, linkingPhrase, clientId) =>
    call('POST', '/api/graph/connections', { sourceId, targetId, linkingPhrase: linkingPhrase || undefined, clientId }),
  disconnect: (id) => call('DELETE', `/api/graph/connections/${enc(id)}`),
  relabel: (id, linkingPhrase) => call('PUT', `/api/graph/connections/${enc(id)}`, { linkingPhrase }),
  orderConnections: (sourceId, connectionIds) => call('PUT', `/api/graph/cotos/${enc(sourceId)}/order`, { connectionIds }),
  subgraph: (key) => call('GET', `/api/graph/cotonomas/${enc(key)}`),
};
