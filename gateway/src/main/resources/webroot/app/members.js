// The owner's members dialog: the cotonoma's members by email, add and remove.

import { api } from './api.js';
import { $, el } from './dom.js';
import { t } from './i18n.js';
import { showError } from './problems.js';

export class MembersDialog {
  /** @param currentKey () => the key of the cotonoma shown */
  constructor(currentKey) {
    this.currentKey = currentKey;
    $('members-form').addEventListener('submit', (event) => this.add(event));
  }

  async open() {
    showError($('members-error'), null);
    $('member-email').value = '';
    $('members-dialog').showModal();
    $('member-email').focus();
    await this.refresh();
  }

  async refresh() {
    const key = this.currentKey();
    const list = $('members-list');
    try {
      const answer = await api.members(key);
      list.replaceChildren();
      if (answer.members.length === 0) list.append(el('li', { class: 'muted', text: t('noMembers') }));
      for (const member of answer.members) list.append(this.row(key, member));
    } catch (error) {
      showError($('members-error'), error);
    }
  }

  row(key, member) {
    const remove = el('button', { type: 'button', class: 'ghost small', text: t('remove'),
      'aria-label': `${t('remove')} ${member.email}` });
    remove.addEventListener('click', async () => {
      try {
        await api.removeMember(key, member.email);
        await this.refresh();
      } catch (error) {
        showError($('members-error'), error);
      }
    });
    return el('li', { 'data-email': member.email }, el('span', { text: member.email }), remove);
  }

  async add(event) {
    event.preventDefault();
    const email = $('member-email').value.trim();
    if (!email) return;
    try {
      await api.addMember(this.currentKey(), email);
      $('member-email').value = '';
      showError($('members-error'), null);
      await this.refresh();
    } catch (error) {
      showError($('members-error'), error);
    }
  }
}
