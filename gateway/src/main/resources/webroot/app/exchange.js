// Export and import of one's whole account (issue 20, item 6): the "Export / import" button of the
// signed-in account bar. Export is a plain download of GET /api/export (the browser streams it to a
// file). Import sends the chosen file as it is to POST /api/import, then follows the job with a
// progress bar until it is done or failed; a bad file is refused whole, naming its first bad record.

import { ApiError, api } from './api.js';
import { $, show } from './dom.js';
import { t } from './i18n.js';
import { showError } from './problems.js';

const POLL_MS = 400;

export class ExchangeDialog {
  /** `imported` is called once an import is done, to show what it brought. */
  constructor(imported) {
    this.imported = imported;
    this.dialog = $('exchange-dialog');
    this.polling = null;
    $('exchange-form').addEventListener('submit', (event) => this.start(event));
    this.dialog.addEventListener('close', () => this.stop());
  }

  open() {
    this.stop();
    $('import-file').value = '';
    show($('import-progress-row'), false);
    $('import-status').textContent = '';
    showError($('import-error'), null);
    $('import-start').disabled = false;
    this.dialog.showModal();
    $('export-download').focus();
  }

  async start(event) {
    event.preventDefault();
    const file = $('import-file').files[0];
    showError($('import-error'), null);
    if (!file) {
      $('import-error').textContent = t('importChooseFile');
      show($('import-error'), true);
      $('import-file').focus();
      return;
    }
    $('import-start').disabled = true;
    $('import-status').textContent = t('importSending');
    try {
      const job = await api.importDocument(file);
      this.follow(job);
    } catch (error) {
      $('import-start').disabled = false;
      $('import-status').textContent = '';
      this.failed(error);
    }
  }

  follow(job) {
    this.render(job);
    if (job.state !== 'running') {
      this.ended(job);
      return;
    }
    this.polling = setTimeout(async () => {
      try {
        this.follow(await api.importJob(job.id));
      } catch (error) {
        this.failed(error);
        $('import-start').disabled = false;
      }
    }, POLL_MS);
  }

  render(job) {
    const bar = $('import-progress');
    bar.max = Math.max(1, job.total);
    bar.value = job.done;
    show($('import-progress-row'), true);
    $('import-status').textContent = t('importProgress', { done: job.done, total: job.total });
  }

  ended(job) {
    $('import-start').disabled = false;
    if (job.state === 'done') {
      const made = job.result.created;
      $('import-status').textContent = t('importDone', {
        cotonomas: made.cotonomas, cotos: made.cotos + made.reposts, pins: made.pins,
        connections: made.connections, skipped: job.result.skipped,
      });
      this.imported();
      return;
    }
    const problem = job.problem || {};
    const slug = String(problem.type || '').replace('urn:cotoami:problem:', '');
    $('import-status').textContent = '';
    this.failed(new ApiError(problem.status || 500, slug, problem.detail));
  }

  failed(error) {
    if (error instanceof ApiError && error.slug === 'invalid-document') {
      // The server names the first bad record: its words, and where.
      $('import-error').textContent = t('importInvalid', { detail: error.message, pointer: error.pointer || '/' });
      show($('import-error'), true);
      return;
    }
    showError($('import-error'), error);
  }

  stop() {
    clearTimeout(this.polling);
    this.polling = null;
  }
}
