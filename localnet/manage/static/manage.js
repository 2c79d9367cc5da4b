// localnet's key-management page: a small script with no framework that talks only to this server.
// Secrets live in the page only while the "shown only once" box is open: never in storage, never re-fetched.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const state = { csrf: null, exchanges: new Map(), keys: [], dialog: null };

  const OPENSSL = {
    ed25519: "openssl genpkey -algorithm ed25519 -out private.pem; openssl pkey -in private.pem -pubout",
    rsa: "openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out private.pem; openssl pkey -in private.pem -pubout",
    ecdsa: "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out private.pem; openssl pkey -in private.pem -pubout",
  };

  class ApiError extends Error {
    constructor(message, status, code) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  // ---- talking to localnet ------------------------------------------------------------------

  async function request(method, path, body) {
    const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" };
    if (method !== "GET") {
      init.headers["Content-Type"] = "application/json";
      init.headers["X-CSRF-Token"] = state.csrf || "";
      init.body = JSON.stringify(body || {});
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch {
      throw new ApiError("localnet did not answer. Is it still running?", 0, "offline");
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) {
      const message = (data && data.message) || `localnet answered HTTP ${response.status}`;
      throw new ApiError(message, response.status, data && data.error);
    }
    return data;
  }

  async function refreshSession() {
    state.csrf = (await request("GET", "/api/session")).csrf_token;
  }

  async function api(method, path, body) {
    try {
      return await request(method, path, body);
    } catch (err) {
      // A restarted localnet no longer knows this page's token; nothing was changed, so ask again once.
      if (method !== "GET" && err.code === "bad_csrf_token") {
        await refreshSession();
        return request(method, path, body);
      }
      throw err;
    }
  }

  // ---- small DOM helpers (textContent only: labels and paths are never parsed as HTML) ---------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function hiddenText(text) {
    return el("span", { class: "visually-hidden", text });
  }

  function show(node, message) {
    node.textContent = message || "";
    node.hidden = !message;
  }

  function exchangeTitle(name) {
    const exchange = state.exchanges.get(name);
    return exchange ? exchange.title : name;
  }

  function typeInfo(exchangeName, type) {
    const exchange = state.exchanges.get(exchangeName);
    return exchange && exchange.key_types.find((t) => t.type === type);
  }

  function splitList(text) {
    return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  }

  // ---- the create form ----------------------------------------------------------------------

  function fillExchanges() {
    const create = $("create-exchange");
    const filter = $("keys-exchange");
    create.replaceChildren();
    for (const exchange of state.exchanges.values()) {
      create.append(el("option", { value: exchange.name, text: exchange.title }));
      if (!filter.querySelector(`option[value="${exchange.name}"]`)) {
        filter.append(el("option", { value: exchange.name, text: exchange.title }));
      }
    }
  }

  function onExchangeChange() {
    const exchange = state.exchanges.get($("create-exchange").value);
    if (!exchange) return;
    const typeSelect = $("create-type");
    const previous = typeSelect.value;
    typeSelect.replaceChildren();
    for (const t of exchange.key_types) {
      typeSelect.append(el("option", { value: t.type, text: t.title }));
    }
    const kept = exchange.key_types.some((t) => t.type === previous);
    typeSelect.value = kept ? previous : exchange.default_type;

    for (const span of document.querySelectorAll("#create-permissions .native")) {
      span.textContent = `${exchange.title}: ${exchange.permission_names[span.dataset.permission]}`;
    }
    const read = document.querySelector('#create-permissions input[value="read"]');
    if (exchange.always_read) {
      read.checked = true;
      read.disabled = true;
    } else {
      read.disabled = false;
    }
    const notes = [];
    if (exchange.always_read) notes.push(`Every ${exchange.title} key can read, so Read stays on.`);
    if (exchange.uses_passphrase) notes.push(`${exchange.title} keys also need a passphrase.`);
    $("create-notes").textContent = notes.join(" ");
    $("create-passphrase-field").hidden = !exchange.uses_passphrase;
    onTypeChange();
  }

  function pemHint(exchangeName, info, rotating) {
    const title = exchangeTitle(exchangeName);
    if (info.generates_pair) {
      return (rotating ? "Optional: paste your new public key, or leave this empty" : "Optional: paste your own public key, or leave this empty") +
        ` and localnet generates the key pair, as ${title}'s portal does, and shows the private key once.`;
    }
    return `Required: make the pair on your own machine (for example: ${OPENSSL[info.type] || "openssl"}) and paste only ` +
      "the public key. The private key never leaves you.";
  }

  function onTypeChange() {
    const exchangeName = $("create-exchange").value;
    const info = typeInfo(exchangeName, $("create-type").value);
    if (!info) return;
    $("create-pem-field").hidden = !info.public_key;
    $("create-pem-hint").textContent = info.public_key ? pemHint(exchangeName, info, false) : "";
    $("create-type-hint").textContent = info.public_key
      ? "You sign with the private key; localnet keeps only the public key."
      : "localnet generates a shared secret and shows it once; you sign with it, and so could anyone who copies it.";
  }

  function formBody() {
    const exchange = $("create-exchange").value;
    const info = typeInfo(exchange, $("create-type").value);
    const body = {
      exchange,
      type: $("create-type").value,
      label: $("create-label").value,
      permissions: [...document.querySelectorAll('#create-permissions input[type="checkbox"]:checked')].map((c) => c.value),
      ips: splitList($("create-ips").value),
    };
    if (info && info.public_key && $("create-pem").value.trim()) body.public_key_pem = $("create-pem").value;
    if (!$("create-passphrase-field").hidden && $("create-passphrase").value) body.passphrase = $("create-passphrase").value;
    return body;
  }

  async function onCreate(event) {
    event.preventDefault();
    const button = $("create-submit");
    show($("create-error"), "");
    const body = formBody();
    const info = typeInfo(body.exchange, body.type);
    if (info && info.public_key && !info.generates_pair && !body.public_key_pem) {
      show($("create-error"), `Not created: a ${info.title} key needs its public key (PEM). ` +
        "Make the pair on your own machine and paste the public half.");
      $("create-pem").focus();
      return;
    }
    button.disabled = true;
    try {
      const made = await api("POST", "/api/keys", body);
      $("create-label").value = "";
      $("create-pem").value = "";
      $("create-passphrase").value = "";
      const key = made.key;
      showOnce(made, `Key ${key.id} for ${key.exchange_title}${key.label ? ` ("${key.label}")` : ""} is ready: ` +
        `${key.permissions.join(", ") || "no permissions"}, ${key.ips.length ? `only from ${key.ips.join(", ")}` : "from any address"}.`);
      await refreshAll();
    } catch (err) {
      show($("create-error"), `Not created: ${err.message}`);
    } finally {
      button.disabled = false;
    }
  }

  // ---- shown once -----------------------------------------------------------------------------

  function showOnce(made, summary) {
    const list = $("once-values");
    list.replaceChildren();
    const parts = [
      ["API key", made.api_key],
      ["Secret", made.secret],
      ["Passphrase", made.passphrase],
      ["Private key", made.private_key],
    ];
    parts.forEach(([name, value], index) => {
      if (value === null || value === undefined) return;
      const id = `once-value-${index}`;
      const noun = name === "API key" ? name : name.toLowerCase();
      const pre = el("pre", { id, class: "mono", "data-field": name.toLowerCase().replace(" ", "-") }, value);
      const button = el("button", { type: "button", class: "small" }, `Copy ${noun}`);
      button.addEventListener("click", () => copy(value, noun, pre));
      list.append(el("dt", { text: name }), el("dd", null, pre, button));
    });
    $("once-summary").textContent = summary;
    $("copy-status").textContent = "";
    const section = $("once");
    section.hidden = false;
    section.focus();
  }

  function hideOnce() {
    $("once-values").replaceChildren();
    $("once-summary").textContent = "";
    $("copy-status").textContent = "";
    $("once").hidden = true;
    $("create-exchange").focus();
  }

  async function copy(value, name, pre) {
    try {
      await navigator.clipboard.writeText(value);
      $("copy-status").textContent = `The ${name} is on the clipboard.`;
    } catch {
      const range = document.createRange();
      range.selectNodeContents(pre);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      $("copy-status").textContent = `Could not reach the clipboard: the ${name} is selected, press Ctrl+C (or ⌘C).`;
    }
  }

  // ---- the key list -------------------------------------------------------------------------

  async function loadKeys() {
    const exchange = $("keys-exchange").value;
    const data = await api("GET", `/api/keys${exchange ? `?exchange=${encodeURIComponent(exchange)}` : ""}`);
    state.keys = data.keys;
    renderKeys();
    if (!exchange) fillLogKeys(data.keys);
  }

  function renderKeys() {
    const body = document.querySelector("#keys-table tbody");
    body.replaceChildren();
    for (const key of state.keys) {
      const actions = el("div", { class: "row-actions" });
      if (key.status === "active") {
        actions.append(
          el("button", { type: "button", class: "small", onclick: (e) => openConfirm("rotate", key, e.currentTarget) },
            "Rotate", hiddenText(` key ${key.id}`)),
          el("button", { type: "button", class: "small link-danger", onclick: (e) => openConfirm("revoke", key, e.currentTarget) },
            "Revoke", hiddenText(` key ${key.id}`)),
        );
      }
      actions.append(el("button", { type: "button", class: "small", "data-log-key": key.id, onclick: () => showLogOf(key.id) },
        "Log", hiddenText(` of key ${key.id}`)));
      const info = typeInfo(key.exchange, key.type);
      body.append(el("tr", { "data-key-id": key.id },
        el("td", { text: String(key.id) }),
        el("td", { text: key.label || "—" }),
        el("td", { text: key.exchange_title }),
        el("td", { class: "mono", text: key.api_key_masked }),
        el("td", { text: info ? info.title.split(" (")[0] : key.type }),
        el("td", { text: key.permissions.join(", ") || "none" }),
        el("td", { class: "mono", text: key.ips.join(", ") || "any address" }),
        el("td", { class: "nowrap", text: key.created }),
        el("td", { class: "nowrap", text: key.last_used || "never" }),
        el("td", null, el("span", { class: `status-${key.status}`, text: key.status })),
        el("td", null, actions),
      ));
    }
    if (!state.keys.length) {
      body.append(el("tr", null, el("td", { class: "empty", colspan: 11, text: "No keys yet. Create one above." })));
    }
    const active = state.keys.filter((k) => k.status === "active").length;
    $("keys-status").textContent = `${state.keys.length} key${state.keys.length === 1 ? "" : "s"}, ${active} active.`;
  }

  // ---- revoke and rotate ------------------------------------------------------------------

  function openConfirm(kind, key, opener) {
    const info = typeInfo(key.exchange, key.type) || { public_key: key.type !== "hmac", generates_pair: false, type: key.type };
    const name = `key ${key.id}${key.label ? ` ("${key.label}")` : ""} on ${key.exchange_title}`;
    state.dialog = { kind, key, opener, info };
    const ok = $("confirm-ok");
    show($("confirm-error"), "");
    $("confirm-pem").value = "";
    const pemField = $("confirm-pem-field");
    if (kind === "revoke") {
      $("confirm-title").textContent = `Revoke key ${key.id}?`;
      $("confirm-text").textContent = `Every request signed with ${name} is refused from now on. ` +
        "A revoked key cannot be turned back on.";
      ok.textContent = `Revoke key ${key.id}`;
      ok.className = "danger";
      pemField.hidden = true;
    } else {
      $("confirm-title").textContent = `Rotate key ${key.id}?`;
      $("confirm-text").textContent = info.public_key
        ? `The public key registered for ${name} is replaced; the old key pair stops working at once.`
        : `${name} gets a new secret, shown once; the old secret stops working at once, so update your program right after.`;
      ok.textContent = `Rotate key ${key.id}`;
      ok.className = "primary";
      pemField.hidden = !info.public_key;
      $("confirm-pem-hint").textContent = info.public_key ? pemHint(key.exchange, info, true) : "";
    }
    const dialog = $("confirm");
    dialog.showModal();
    (kind === "rotate" && info.public_key ? $("confirm-pem") : $("confirm-cancel")).focus();
  }

  async function onConfirm(event) {
    event.preventDefault();
    const current = state.dialog;
    if (!current) return;
    const ok = $("confirm-ok");
    ok.disabled = true;
    show($("confirm-error"), "");
    try {
      const id = current.key.id;
      if (current.kind === "revoke") {
        await api("POST", `/api/keys/${id}/revoke`, {});
        current.focusAfter = () => document.querySelector(`#keys-table button[data-log-key="${id}"]`);
        closeConfirm();
        await refreshAll();
        $("keys-status").textContent = `Key ${id} is revoked. ${$("keys-status").textContent}`;
      } else {
        const body = {};
        if (current.info.public_key && $("confirm-pem").value.trim()) body.public_key_pem = $("confirm-pem").value;
        const made = await api("POST", `/api/keys/${id}/rotate`, body);
        current.focusAfter = () => $("once");
        closeConfirm();
        showOnce(made, `Key ${id} for ${made.key.exchange_title} is rotated: the old ` +
          `${current.info.public_key ? "key pair" : "secret"} no longer works.` +
          (state.exchanges.get(current.key.exchange)?.uses_passphrase ? " Its passphrase has not changed." : ""));
        await refreshAll();
      }
      const target = current.focusAfter && current.focusAfter();
      if (target) target.focus();
    } catch (err) {
      show($("confirm-error"), err.message);
    } finally {
      ok.disabled = false;
    }
  }

  function closeConfirm() {
    const dialog = $("confirm");
    if (dialog.open) dialog.close();
  }

  function onDialogClose() {
    // "close" is delivered as a queued event: if the dialog was opened again meanwhile (Escape,
    // then Enter on a button at once), this event belongs to the earlier opening; ignore it.
    if ($("confirm").open) return;
    const current = state.dialog;
    state.dialog = null;
    $("confirm-pem").value = "";
    if (current && !current.focusAfter && current.opener && current.opener.isConnected) current.opener.focus();
  }

  // ---- the activity log ---------------------------------------------------------------------

  function fillLogKeys(keys) {
    const select = $("log-key");
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "", text: "All keys" }));
    for (const key of keys) {
      const label = key.label ? `: ${key.label}` : "";
      select.append(el("option", { value: String(key.id), text: `Key ${key.id}${label} (${key.exchange_title}, ${key.status})` }));
    }
    select.value = [...select.options].some((o) => o.value === chosen) ? chosen : "";
  }

  async function loadLog() {
    const key = $("log-key").value;
    const data = await api("GET", `/api/activity${key ? `?key=${encodeURIComponent(key)}` : ""}`);
    const body = document.querySelector("#log-table tbody");
    body.replaceChildren();
    for (const entry of data.entries) {
      const code = entry.error_code === null || entry.error_code === undefined ? "—" : String(entry.error_code);
      body.append(el("tr", null,
        el("td", { class: "nowrap", text: entry.time }),
        el("td", { text: exchangeTitle(entry.exchange) }),
        el("td", { text: entry.key_id === null ? "unknown" : String(entry.key_id) }),
        el("td", { class: "mono", text: entry.method }),
        el("td", { class: "mono", text: entry.path }),
        el("td", { class: "mono", text: entry.client_ip }),
        el("td", { text: String(entry.http_status) }),
        el("td", null, el("span", { class: `outcome-${entry.outcome === "ok" ? "ok" : "error"}`, text: entry.outcome })),
        el("td", { class: "mono", text: code }),
      ));
    }
    if (!data.entries.length) {
      body.append(el("tr", null, el("td", { class: "empty", colspan: 9,
        text: key ? `Key ${key} has made no signed call yet.` : "No signed call yet." })));
    }
    const n = data.entries.length;
    $("log-status").textContent = `${n} entr${n === 1 ? "y" : "ies"}${key ? ` for key ${key}` : ""}, newest first.`;
  }

  async function showLogOf(id) {
    const select = $("log-key");
    if (![...select.options].some((o) => o.value === String(id))) {
      await loadKeysUnfiltered();
    }
    select.value = String(id);
    await guarded(loadLog);
    select.focus();
  }

  async function loadKeysUnfiltered() {
    fillLogKeys((await api("GET", "/api/keys")).keys);
  }

  // ---- wiring -------------------------------------------------------------------------------

  async function guarded(work) {
    try {
      await work();
      show($("page-status"), "");
    } catch (err) {
      show($("page-status"), err.message);
    }
  }

  async function refreshAll() {
    await guarded(async () => {
      await loadKeys();
      if ($("keys-exchange").value) await loadKeysUnfiltered();
      await loadLog();
    });
  }

  async function init() {
    if (document.body.dataset.ready) return;
    document.body.dataset.ready = "starting";
    $("create-exchange").addEventListener("change", onExchangeChange);
    $("create-type").addEventListener("change", onTypeChange);
    $("create-form").addEventListener("submit", onCreate);
    $("once-done").addEventListener("click", hideOnce);
    $("keys-exchange").addEventListener("change", () => guarded(loadKeys));
    $("keys-refresh").addEventListener("click", refreshAll);
    $("log-key").addEventListener("change", () => guarded(loadLog));
    $("log-refresh").addEventListener("click", () => guarded(loadLog));
    $("confirm-form").addEventListener("submit", onConfirm);
    $("confirm-cancel").addEventListener("click", closeConfirm);
    $("confirm").addEventListener("close", onDialogClose);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && document.body.dataset.ready === "yes") refreshAll();
    });
    await guarded(async () => {
      const [, meta] = await Promise.all([refreshSession(), api("GET", "/api/exchanges")]);
      for (const exchange of meta.exchanges) state.exchanges.set(exchange.name, exchange);
      fillExchanges();
      onExchangeChange();
      await loadKeys();
      await loadLog();
      document.body.dataset.ready = "yes";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
