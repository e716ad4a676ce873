// Problems from the API (see api.js) as sentences for people, in the page's language.

import { ApiError } from './api.js';
import { show } from './dom.js';
import { t } from './i18n.js';

export function problemText(error) {
  if (!(error instanceof ApiError)) return t('errorGeneric', { detail: String(error) });
  switch (error.slug) {
    case 'network': return t('errorNetwork');
    case 'name-taken': return t('errorNameTaken');
    case 'too-many-requests': return t('errorTooMany');
    case 'payload-too-large': return t('errorTooLong');
    case 'not-found': return t('errorNotFound');
    case 'cotonoma-not-empty': return t('errorNotEmpty');
    case 'coto-too-long-for-a-name': return t('errorTooLongForAName');
    case 'forbidden': return t('errorForbidden');
    case 'unauthorized': return t('errorSignInFirst');
    case 'service-unavailable': return t('errorNetwork');
    case 'already-pinned': return t('errorAlreadyPinned');
    case 'already-connected': return t('errorAlreadyConnected');
    case 'graph-limit': return t('errorGraphLimit');
    default: return t('errorGeneric', { detail: error.message });
  }
}

/** Shows the problem in `node` (or hides it when `error` is null). */
export function showError(node, error) {
  node.textContent = error ? problemText(error) : '';
  show(node, Boolean(error));
}
