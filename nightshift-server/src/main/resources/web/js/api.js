// The JSON API with this tab's token. Every failure becomes an ApiError carrying the server's own
// message (which says what went wrong and what to do); a 401 also tells the app to sign in again.

import { auth } from './auth.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let onUnauthorized = () => {};

/** Called with the ApiError whenever the server refuses this tab's token. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

export async function api(method, path, body, { token = auth.token, quiet401 = false } = {}) {
  const headers = { 'X-Nightshift-Source': 'web' };
  if (token) headers.Authorization = `Bearer ${token}`;
  // a form (a prompt with files) goes as multipart/form-data, its boundary set by the browser
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined || form ? body : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'Nightshift cannot be reached. Check that the server is running, then try again.');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json?.error?.code ?? `http_${response.status}`,
      json?.error?.message ?? `the server answered ${response.status} ${response.statusText}`);
    if (response.status === 401 && !quiet401) onUnauthorized(error);
    throw error;
  }
  return json;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body ?? {}, options);
export const put = (path, body, options) => api('PUT', path, body ?? {}, options);
export const patch = (path, body, options) => api('PATCH', path, body ?? {}, options);
export const del = (path, options) => api('DELETE', path, undefined, options);

/** Fetches a file the API serves (an attachment) with this tab's token, as a Blob. */
export async function fetchBlob(path, { token = auth.token } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { headers });
  if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, `the file could not be loaded (${response.status})`);
  return response.blob();
}

/** A Blob as a data: URL, which the page's Content-Security-Policy allows as an image source. */
export function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
