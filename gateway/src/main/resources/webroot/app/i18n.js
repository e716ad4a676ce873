// UI text in English and Japanese, chosen from the browser's preferred languages.

const TEXT = {
  en: {
    skipToPost: 'Skip to the post box', home: 'Home', members: 'Members', cotonoma: 'Cotonoma',
    newCotonoma: 'New cotonoma', postLabel: 'Write a coto', postPlaceholder: 'Write a coto (markdown)…',
    postHint: 'Ctrl+Enter to post', post: 'Post', empty: 'Nothing here yet. Post the first coto!',
    older: 'Older cotos', signIn: 'Sign in', signOut: 'Sign out',
    signinExplain: 'We will mail you a sign-in link. No password, no registration.',
    email: 'Email', saveAnonymous: 'Save the anonymous cotos into your account',
    cancel: 'Cancel', sendLink: 'Send me a link', close: 'Close', name: 'Name', create: 'Create',
    checkInbox: 'Check your inbox: open the link we sent to sign in.',
    anonymousNote: 'You are anonymous: your cotos stay in this browser only. Sign in to keep them.',
    addMember: 'Add a member by email', add: 'Add', remove: 'Remove', owner: 'owner',
    noMembers: 'Only you so far.', reconnecting: 'Reconnecting…', posting: 'Posting…',
    typingOne: '{name} is typing…', typingMany: '{names} are typing…', viewing: 'Here now', moreViewers: '+{n} more',
    breadcrumbs: 'Breadcrumbs', timeline: 'Timeline',
    errorNetwork: 'Could not reach Cotoami. Check your connection; your text is kept.',
    errorTooLong: 'That is too long (2,500 characters at most).',
    errorGeneric: 'That did not work: {detail}', errorNameTaken: 'You already have a cotonoma with that name.',
    errorEmail: 'Please enter a valid email address.', errorTooMany: 'Too many requests; try again in a minute.',
    errorNotFound: 'This cotonoma does not exist or is not shared with you.',
    errorSignInFirst: 'Sign in to see this cotonoma.',
    myCotonomas: 'My cotonomas', shared: 'shared', unread: 'new', noCotonomas: 'No cotonomas yet.',
    summaryPlaceholder: 'Summary (optional)', summaryLabel: 'Summary',
    edit: 'Edit', delete: 'Delete', cotonomatize: 'Make it a cotonoma', reposted: '↻ Reposted', exportMarkdown: 'Export (Markdown)', repost: 'Repost', repostTitle: 'Repost into a cotonoma', repostInto: 'Cotonoma', errorTooLongForAName: 'A cotonoma name is one line of at most 50 characters: shorten the coto first.', save: 'Save', rename: 'Rename', renameCotonoma: 'Rename the cotonoma',
    deleteCotonoma: 'Delete the cotonoma', confirmDeleteCoto: 'Delete this coto?',
    confirmDeleteCotonoma: 'Delete the cotonoma "{name}"?', errorNotEmpty: 'Delete the cotos in it first: only an empty cotonoma can be deleted.',
    errorForbidden: 'You are not allowed to do that.', yourName: 'Your name', changeName: 'Change your name',
    editHint: 'Ctrl+Enter saves, Escape cancels', edited: 'edited',
    liveRefused: 'The live connection was refused: open Cotoami at its usual address. Live updates are paused.',
    retry: 'Retry', welcomeName: 'Welcome! What should people call you?', skip: 'Skip',
    tokens: 'Tokens', accessTokens: 'Access tokens',
    tokensExplain: 'For scripts and integrations: send a token as "Authorization: Bearer <token>".',
    tokenName: 'What it is for', tokenScope: 'Scope', scopeRead: 'Read only', scopeReadWrite: 'Read and write',
    tokenExpires: 'Expires (optional)', createToken: 'Create token', yourToken: 'Your new token',
    tokenOnce: 'Copy it now: you will not see it again.', copy: 'Copy', copied: 'Copied.',
    yourTokens: 'Your tokens', noTokens: 'No tokens yet.', tokenCreated: 'Created {at}',
    tokenExpiresAt: 'Expires {at}', tokenNeverExpires: 'Never expires', tokenLastUsed: 'Last used {at}',
    tokenNeverUsed: 'Not used yet', revoke: 'Revoke', revokeNamed: 'Revoke "{name}"',
    exchange: 'Export / import', exchangeTitle: 'Export and import',
    exportExplain: 'Everything you made - cotonomas, cotos, pins and connections - as one JSON file.',
    exportDownload: 'Download my data (JSON)', importTitle: 'Import a file',
    importExplain: 'An exported file comes into your account. Importing the same file again adds nothing twice.',
    importFile: 'Exported file', importStart: 'Import', importChooseFile: 'Choose an exported file first.',
    importSending: 'Sending the file…', importProgress: 'Importing: {done} of {total} records',
    importDone: 'Imported {cotonomas} cotonomas, {cotos} cotos, {pins} pins and {connections} connections ({skipped} already there).',
    importInvalid: 'This file cannot be imported, and nothing of it was: {detail} (at {pointer})',
    confirmRevoke: 'Revoke the token "{name}"? Scripts using it will stop working.',
    search: 'Search', searchPlaceholder: 'Search…', searchTitle: 'Search', searchResults: 'Results for "{q}"',
    searching: 'Searching…', searchFound: '{n} found, newest first', searchNothing: 'Nothing found.', moreResults: 'More results',
    stock: 'Stock', graph: 'Graph', stockHint: 'Drag ⠿, or press Alt+↑ / Alt+↓ on a pin or a connection, to reorder.',
    stockEmpty: 'Nothing pinned yet: use "Pin" on a coto.', zoomIn: 'Zoom in', zoomOut: 'Zoom out', fitGraph: 'Fit',
    graphHint: 'Drag or arrow keys to pan, wheel or +/− to zoom, Enter on a coto to open it.',
    graphEmpty: 'No connections here yet: use "Connect" on a coto.', connectTitle: 'Connect', connectFrom: 'From',
    connectTo: 'To', connectNone: 'No other coto on this page to connect to.', linkingPhrase: 'Linking phrase (optional)',
    linkingPhrasePlaceholder: 'because, for example…', connect: 'Connect', pin: 'Pin', pinned: 'Pinned ✓', moveUp: 'Move up',
    moveDown: 'Move down', unpin: 'Unpin', disconnect: 'Remove the connection', dragToMove: 'Drag to move',
    editPhrase: 'Edit the phrase', phraseLabel: 'Linking phrase', phraseNone: 'No phrase',
    phraseHint: 'Enter saves, Escape cancels; empty removes the phrase',
    showInTimeline: 'Show in the timeline', errorAlreadyPinned: 'It is already pinned here.',
    errorAlreadyConnected: 'These two cotos are already connected.', errorGraphLimit: 'That is the most this place can hold.',
  },
  ja: {
    skipToPost: '投稿欄へ移動', home: 'ホーム', members: 'メンバー', cotonoma: 'コトノマ',
    newCotonoma: '新しいコトノマ', postLabel: 'コトを書く', postPlaceholder: 'コトを書く（Markdown）…',
    postHint: 'Ctrl+Enter で投稿', post: '投稿', empty: 'まだ何もありません。最初のコトを投稿しましょう！',
    older: '以前のコト', signIn: 'サインイン', signOut: 'サインアウト',
    signinExplain: 'サインイン用のリンクをメールで送ります。パスワードも登録も不要です。',
    email: 'メールアドレス', saveAnonymous: '匿名のコトをアカウントに保存する',
    cancel: 'キャンセル', sendLink: 'リンクを送る', close: '閉じる', name: '名前', create: '作成',
    checkInbox: 'メールを確認してください。届いたリンクを開くとサインインできます。',
    anonymousNote: '匿名で利用中です。コトはこのブラウザにだけ残ります。サインインすると保存できます。',
    addMember: 'メールアドレスでメンバーを追加', add: '追加', remove: '削除', owner: 'オーナー',
    noMembers: 'まだあなただけです。', reconnecting: '再接続中…', posting: '投稿中…',
    typingOne: '{name} さんが入力中…', typingMany: '{names} さんが入力中…', viewing: '閲覧中', moreViewers: 'ほか{n}人',
    breadcrumbs: 'パンくずリスト', timeline: 'タイムライン',
    errorNetwork: 'Cotoami に接続できません。接続を確認してください（入力は残っています）。',
    errorTooLong: '長すぎます（2,500 文字まで）。',
    errorGeneric: 'うまくいきませんでした: {detail}', errorNameTaken: '同じ名前のコトノマがすでにあります。',
    errorEmail: '正しいメールアドレスを入力してください。', errorTooMany: 'リクエストが多すぎます。1 分後にもう一度どうぞ。',
    errorNotFound: 'このコトノマは存在しないか、共有されていません。',
    errorSignInFirst: 'このコトノマを見るにはサインインしてください。',
    myCotonomas: 'マイコトノマ', shared: '共有', unread: '新着', noCotonomas: 'まだコトノマがありません。',
    summaryPlaceholder: '要約（任意）', summaryLabel: '要約',
    edit: '編集', delete: '削除', cotonomatize: 'コトノマにする', reposted: '↻ リポスト', exportMarkdown: 'エクスポート（Markdown）', repost: 'リポスト', repostTitle: 'コトノマにリポスト', repostInto: 'コトノマ', errorTooLongForAName: 'コトノマの名前は1行50文字までです。先にコトを短くしてください。', save: '保存', rename: '名前を変更', renameCotonoma: 'コトノマの名前を変更',
    deleteCotonoma: 'コトノマを削除', confirmDeleteCoto: 'このコトを削除しますか？',
    confirmDeleteCotonoma: 'コトノマ「{name}」を削除しますか？', errorNotEmpty: '先に中のコトを削除してください。空のコトノマだけが削除できます。',
    errorForbidden: 'その操作は許可されていません。', yourName: 'あなたの名前', changeName: '名前を変更',
    editHint: 'Ctrl+Enter で保存、Escape で取り消し', edited: '編集済み',
    liveRefused: 'ライブ接続が拒否されました。いつものアドレスで Cotoami を開いてください。ライブ更新は停止中です。',
    retry: '再試行', welcomeName: 'ようこそ！ 表示する名前を決めてください。', skip: 'スキップ',
    tokens: 'トークン', accessTokens: 'アクセストークン',
    tokensExplain: 'スクリプトや連携用です。"Authorization: Bearer <トークン>" として送ってください。',
    tokenName: '用途', tokenScope: '権限', scopeRead: '読み取りのみ', scopeReadWrite: '読み書き',
    tokenExpires: '有効期限（任意）', createToken: 'トークンを作成', yourToken: '新しいトークン',
    tokenOnce: '今すぐコピーしてください。二度と表示されません。', copy: 'コピー', copied: 'コピーしました。',
    yourTokens: 'あなたのトークン', noTokens: 'まだトークンはありません。', tokenCreated: '作成 {at}',
    tokenExpiresAt: '期限 {at}', tokenNeverExpires: '無期限', tokenLastUsed: '最終使用 {at}',
    tokenNeverUsed: '未使用', revoke: '無効化', revokeNamed: '「{name}」を無効化',
    exchange: 'エクスポート／インポート', exchangeTitle: 'エクスポートとインポート',
    exportExplain: 'あなたが作ったもの（コトノマ、コト、ピン、つながり）をひとつの JSON ファイルにします。',
    exportDownload: 'データをダウンロード（JSON）', importTitle: 'ファイルをインポート',
    importExplain: 'エクスポートしたファイルをあなたのアカウントに取り込みます。同じファイルをもう一度取り込んでも重複しません。',
    importFile: 'エクスポートしたファイル', importStart: 'インポート', importChooseFile: '先にエクスポートしたファイルを選んでください。',
    importSending: 'ファイルを送信中…', importProgress: 'インポート中: {total} 件中 {done} 件',
    importDone: 'コトノマ {cotonomas} 件、コト {cotos} 件、ピン {pins} 件、つながり {connections} 件を取り込みました（既存 {skipped} 件）。',
    importInvalid: 'このファイルは取り込めません（何も書き込まれていません）: {detail}（{pointer}）',
    confirmRevoke: 'トークン「{name}」を無効にしますか？ 使っているスクリプトは動かなくなります。',
    search: '検索', searchPlaceholder: '検索…', searchTitle: '検索', searchResults: '「{q}」の検索結果',
    searching: '検索中…', searchFound: '{n} 件（新しい順）', searchNothing: '見つかりませんでした。', moreResults: 'さらに表示',
    stock: 'ストック', graph: 'グラフ', stockHint: '⠿ をドラッグするか、ピンやつながりの上で Alt+↑ / Alt+↓ を押すと並べ替えられます。',
    stockEmpty: 'まだピンはありません。コトの「ピン」を使ってください。', zoomIn: '拡大', zoomOut: '縮小', fitGraph: '全体',
    graphHint: 'ドラッグか矢印キーで移動、ホイールか +/− で拡大縮小、コトの上で Enter で開きます。',
    graphEmpty: 'まだつながりはありません。コトの「つなぐ」を使ってください。', connectTitle: 'つなぐ', connectFrom: 'つなぐコト',
    connectTo: 'つなぎ先', connectNone: 'このページにつなげるコトがほかにありません。', linkingPhrase: 'つなぎの言葉（任意）',
    linkingPhrasePlaceholder: 'なぜなら、例えば…', connect: 'つなぐ', pin: 'ピン', pinned: 'ピン留め済み ✓', moveUp: '上へ',
    moveDown: '下へ', unpin: 'ピンを外す', disconnect: 'つながりを削除', dragToMove: 'ドラッグで移動',
    editPhrase: 'つなぎの言葉を編集', phraseLabel: 'つなぎの言葉', phraseNone: 'つなぎの言葉なし',
    phraseHint: 'Enter で保存、Escape で取り消し。空にするとつなぎの言葉を外します',
    showInTimeline: 'タイムラインで表示', errorAlreadyPinned: 'すでにここにピン留めされています。',
    errorAlreadyConnected: 'この二つのコトはすでにつながっています。', errorGraphLimit: 'ここに置ける数の上限です。',
  },
};

export function chooseLanguage(preferred) {
  for (const tag of preferred || []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (base in TEXT) return base;
  }
  return 'en';
}

export const lang = chooseLanguage(navigator.languages && navigator.languages.length
  ? navigator.languages : [navigator.language]);

export function t(key, params = {}) {
  const text = TEXT[lang][key] ?? TEXT.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

/** Fills the static page's text (data-i18n, data-i18n-placeholder, data-i18n-label). */
export function translatePage(root = document) {
  document.documentElement.lang = lang;
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  for (const node of root.querySelectorAll('[data-i18n-label]')) {
    node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  }
}

export const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
