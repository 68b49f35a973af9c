// The Showreel API client (contract: /api/, JSON, `Authorization: Bearer <session token>`).
//
// Inside the Shopify admin the session token comes from App Bridge (`shopify.idToken()`,
// https://shopify.dev/docs/api/app-bridge-library/apis/id-token). Without App Bridge (development, tests:
// the CDN can't be reached) the page takes one from the Shopify emulator's dev-session endpoint, which the
// server only advertises (meta showreel-dev-session-url) when SHOPIFY_DEV_SESSION is on outside production.

export class ApiError extends Error {
  // `fields`: the messages for each bad field; `extra`: any other key of the error (e.g. a running job's id).
  constructor(status, code, message, { retryable = false, fields = null, extra = {} } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryable = retryable;
    this.fields = fields;
    this.extra = extra;
  }
}

let devToken = null; // {token, expiresAt}

async function fromDevSession(url) {
  if (devToken && devToken.expiresAt - Date.now() > 10_000) return devToken.token;
  let response;
  try {
    response = await fetch(url, { credentials: "omit" });
  } catch {
    throw new ApiError(0, "no_session", "The development store could not be reached. Is the emulator running?", { retryable: true });
  }
  if (!response.ok) throw new ApiError(response.status, "no_session", "The development store refused a session. Reload the page.");
  const body = await response.json();
  devToken = { token: body.token, expiresAt: Date.now() + (Number(body.expires_in) || 60) * 1000 };
  return devToken.token;
}

export async function sessionToken() {
  if (window.shopify && typeof window.shopify.idToken === "function") return window.shopify.idToken();
  const url = document.querySelector('meta[name="showreel-dev-session-url"]')?.content;
  if (url) return fromDevSession(url);
  throw new ApiError(0, "no_session", "Open Showreel from your Shopify admin (Apps → Showreel) to sign in.");
}

// Every API error is {"error": {code, message, retryable?, fields?}} (the schema's Error, /api/schema/).
// Anything else (no body, a proxy's page) is described by its status alone.
function errorFrom(status, data) {
  const error = data?.error;
  if (error && typeof error.message === "string") {
    const { code = "error", message, retryable = false, fields = null, ...extra } = error;
    return new ApiError(status, code, message, { retryable: Boolean(retryable), fields, extra });
  }
  if (status >= 500) return new ApiError(status, "server", "Showreel had a problem on its side. Try again in a moment.", { retryable: true });
  return new ApiError(status, "error", `The request failed (${status}).`);
}

export async function request(method, path, { body, form, signal } = {}) {
  const headers = { Accept: "application/json", Authorization: `Bearer ${await sessionToken()}` };
  let payload;
  if (form) payload = form; // multipart: the browser sets the boundary
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api${path}`, { method, headers, body: payload, signal, credentials: "same-origin" });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, "network", "Showreel could not be reached. Check your connection and try again.", { retryable: true });
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw errorFrom(response.status, data);
  return data;
}

export const api = {
  get: (path, opts) => request("GET", path, opts),
  post: (path, body, opts = {}) => request("POST", path, { ...opts, body }),
  put: (path, body, opts = {}) => request("PUT", path, { ...opts, body }),
  upload: (path, form, opts = {}) => request("POST", path, { ...opts, form }),
};

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.append(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

// Lists may come as a bare array or as a page ({results|products|templates|music: [...]}).
export function listOf(data, key) {
  if (Array.isArray(data)) return data;
  return data?.[key] || data?.results || [];
}

export const isAbort = (err) => err?.name === "AbortError";
