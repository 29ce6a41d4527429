// Who this tab is. A signed-in person's token lives in localStorage (every tab shares it); a share
// link's token only in this tab's sessionStorage, so opening a link never signs anyone out.

const PERSON_KEY = 'nightshift.token';
const SHARE_KEY = 'nightshift.shareToken';
// the nonce of a sign-in this tab started; a token arriving in the address bar counts only with it
const SIGNIN_STATE_KEY = 'nightshift.signInState';

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

/** Leaves for a sign-in provider's login route, remembering a fresh nonce the server hands back at the end. */
export function startSignIn(loginUrl) {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const nonce = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  sessionStorage.setItem(SIGNIN_STATE_KEY, nonce);
  location.assign(`${loginUrl}${loginUrl.includes('?') ? '&' : '?'}ui_state=${encodeURIComponent(nonce)}`);
}

/** True once for the nonce of the sign-in this tab started; the nonce is used up either way. */
export function takeSignInState(nonce) {
  const expected = sessionStorage.getItem(SIGNIN_STATE_KEY);
  sessionStorage.removeItem(SIGNIN_STATE_KEY);
  return Boolean(expected) && expected === nonce;
}

/** The person's token kept in this browser, if any (not a share link's). */
export function personToken() {
  return localStorage.getItem(PERSON_KEY);
}
