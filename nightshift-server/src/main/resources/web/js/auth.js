// Who this tab is. A signed-in person's token lives in localStorage (every tab shares it); a share
// link's token only in this tab's sessionStorage, so opening a link never signs anyone out.

const PERSON_KEY = 'nightshift.token';
const SHARE_KEY = 'nightshift.shareToken';

export const auth = {
  /** The bearer secret this tab uses. */
  token: null,
  /** GET /api/me: {user, tokenKind, sessionId?}. */
  me: null,
  get isShareLink() { return this.me?.tokenKind === 'share'; },
  get login() { return this.me?.user?.login ?? (this.isShareLink ? 'guest' : null); },
  get userId() { return this.me?.user?.id ?? null; },
  get isAdmin() { return Boolean(this.me?.user?.admin); },
};

export function loadToken() {
  auth.token = sessionStorage.getItem(SHARE_KEY) ?? localStorage.getItem(PERSON_KEY);
  return auth.token;
}

export function keepToken(token, me) {
  auth.token = token;
  auth.me = me;
  if (me.tokenKind === 'share') {
    sessionStorage.setItem(SHARE_KEY, token);
  } else {
    sessionStorage.removeItem(SHARE_KEY);
    localStorage.setItem(PERSON_KEY, token);
  }
}

export function forgetToken() {
  if (sessionStorage.getItem(SHARE_KEY)) sessionStorage.removeItem(SHARE_KEY);
  else localStorage.removeItem(PERSON_KEY);
  auth.token = null;
  auth.me = null;
}
