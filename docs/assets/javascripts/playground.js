/* Signing playground (docs/tools/playground.md).
 *
 * Builds, in the browser, the exact string each exchange signs, signs it with WebCrypto
 * (HMAC-SHA256/-SHA512, Ed25519, ECDSA P-256, RSA PKCS#1 v1.5) and shows the request as curl and
 * as HTTP. Compare mode tries the usual mistakes (encoding, swapped key and secret, a missing
 * part, a stray newline, ...) to explain why a pasted signature differs.
 *
 * Nothing here makes a network request: no fetch, no XMLHttpRequest, no storage of what is typed.
 * Material's instant navigation re-runs this file on every visit, so the first run keeps one
 * init() on window and later runs only call it; init() does nothing on a root it already built. */
(function () {
  "use strict";
  if (window.klPlayground) {
    window.klPlayground.init();
    return;
  }

  /* ---------- bytes and encodings ---------- */

  const encoder = new TextEncoder();
  const utf8 = (text) => encoder.encode(text);
  const subtle = window.crypto && window.crypto.subtle;

  function concat(...arrays) {
    const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of arrays) {
      out.set(a, at);
      at += a.length;
    }
    return out;
  }
  const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  function toB64(bytes) {
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }
  const toB64url = (bytes) => toB64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const b64urlText = (text) => toB64url(utf8(text));

  /* Strict base64 (standard or url alphabet, padding optional, whitespace ignored); null if not. */
  function fromB64(text) {
    const t = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
    if (!/^[A-Za-z0-9+/]*$/.test(t) || t.length % 4 === 1) {
      return null;
    }
    const bin = atob(t + "=".repeat((4 - (t.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  }
  function fromHex(text) {
    if (!/^([0-9a-fA-F]{2})*$/.test(text)) {
      return null;
    }
    return Uint8Array.from(text.match(/../g) || [], (h) => parseInt(h, 16));
  }
  const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

  /* The ways a signature is commonly written. */
  function spellings(bytes) {
    const hex = toHex(bytes);
    const b64 = toB64(bytes);
    const url = toB64url(bytes);
    return [
      ["hex", "lowercase hex", hex],
      ["HEX", "uppercase hex", hex.toUpperCase()],
      ["b64", "base64", b64],
      ["b64-nopad", "base64 without its = padding", b64.replace(/=+$/, "")],
      ["b64url", "base64url", url],
      ["b64url-pad", "base64url with = padding", url + "=".repeat((4 - (url.length % 4)) % 4)],
    ];
  }

  /* ---------- keys: PEM, PKCS#8 and a little DER ---------- */

  function derLength(n) {
    if (n < 128) {
      return [n];
    }
    const bytes = [];
    for (; n > 0; n >>= 8) {
      bytes.unshift(n & 255);
    }
    return [0x80 | bytes.length, ...bytes];
  }
  const der = (tag, body) => concat(Uint8Array.from([tag, ...derLength(body.length)]), body);
  const OID = {
    ed25519: [0x06, 0x03, 0x2b, 0x65, 0x70],
    rsa: [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
    ec: [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
    p256: [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
  };
  /* PKCS#8 = SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING { the key } } */
  const pkcs8 = (algorithm, key) =>
    der(0x30, concat(Uint8Array.of(2, 1, 0), der(0x30, Uint8Array.from(algorithm)), der(0x04, key)));

  function contains(haystack, needle) {
    outer: for (let i = 0; i + needle.length <= Math.min(haystack.length, 64); i++) {
      for (let j = 0; j < needle.length; j++) {
        if (haystack[i + j] !== needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  function parsePem(text) {
    const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
    if (!m) {
      throw new Error("The PEM block is incomplete: it needs its -----BEGIN …----- and -----END …----- lines.");
    }
    const body = fromB64(m[2]);
    if (!body) {
      throw new Error("The PEM block's body is not base64.");
    }
    return { label: m[1], der: body };
  }
  const looksLikePem = (text) => text.trimStart().startsWith("-----BEGIN");

  const keyCache = new Map();
  async function cached(id, make) {
    if (!keyCache.has(id)) {
      if (keyCache.size > 60) {
        keyCache.clear();
      }
      keyCache.set(id, make().catch((error) => {
        keyCache.delete(id);
        throw error;
      }));
    }
    return keyCache.get(id);
  }

  /* A private key from a PEM block: Ed25519, RSA or ECDSA P-256, as PKCS#8, PKCS#1 or SEC1. */
  function importPem(text, allowed) {
    return cached("pem|" + allowed.join(",") + "|" + text, async () => {
      const { label, der: body } = parsePem(text);
      let kind;
      let data = body;
      if (label === "RSA PRIVATE KEY") {
        kind = "rsa";
        data = pkcs8([...OID.rsa, 0x05, 0x00], body);
      } else if (label === "EC PRIVATE KEY") {
        kind = "es256";
        data = pkcs8([...OID.ec, ...OID.p256], body);
      } else if (label === "PRIVATE KEY") {
        kind = contains(body, OID.ed25519) ? "ed25519" : contains(body, OID.rsa) ? "rsa" : contains(body, OID.ec) ? "es256" : null;
      } else {
        throw new Error("This is a " + label + " block. Signing needs the PRIVATE key.");
      }
      if (!kind) {
        throw new Error("This PRIVATE KEY is neither Ed25519, RSA nor ECDSA P-256.");
      }
      if (!allowed.includes(kind)) {
        throw new Error("This is " + KIND_NAMES[kind] + " key; this exchange signs with " +
          allowed.map((k) => KIND_NAMES[k].replace(/^an? /, "")).join(" or ") + " keys.");
      }
      const algorithm = {
        ed25519: { name: "Ed25519" },
        rsa: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
        es256: { name: "ECDSA", namedCurve: "P-256" },
      }[kind];
      const key = await subtle.importKey("pkcs8", data, algorithm, true, ["sign"]);
      return { kind, key, publicKey: await publicHalf(kind, key) };
    });
  }

  async function publicHalf(kind, key) {
    if (kind === "rsa") {
      return null;
    }
    const jwk = await subtle.exportKey("jwk", key);
    delete jwk.d;
    jwk.key_ops = ["verify"];
    const algorithm = kind === "ed25519" ? { name: "Ed25519" } : { name: "ECDSA", namedCurve: "P-256" };
    return subtle.importKey("jwk", jwk, algorithm, true, ["verify"]);
  }

  /* A Coinbase Ed25519 secret: base64 of the 32-byte seed, or of seed followed by public key. */
  function importEd25519Seed(text) {
    return cached("seed|" + text, async () => {
      const raw = fromB64(text);
      if (!raw || (raw.length !== 32 && raw.length !== 64)) {
        throw new Error("An Ed25519 secret is base64 of 32 bytes (the seed) or 64 bytes (seed, then public key)" +
          (raw ? "; this one is " + raw.length + " bytes." : "; this one is not base64."));
      }
      const key = await subtle.importKey("pkcs8", pkcs8(OID.ed25519, der(0x04, raw.subarray(0, 32))),
        { name: "Ed25519" }, true, ["sign"]);
      const publicKey = await publicHalf("ed25519", key);
      let note = "";
      if (raw.length === 64) {
        const pub = new Uint8Array(await subtle.exportKey("raw", publicKey));
        note = sameBytes(pub, raw.subarray(32)) ? "" :
          "The second half of this secret is not the public key of its first half: the secret is damaged.";
      }
      return { kind: "ed25519", key, publicKey, note };
    });
  }

  function hmacKey(bytes, hash) {
    if (!bytes.length) {
      return Promise.reject(new Error("The secret is empty."));
    }
    return cached("hmac|" + hash + "|" + toHex(bytes), () =>
      subtle.importKey("raw", bytes, { name: "HMAC", hash }, false, ["sign"]));
  }
  async function hmac(hash, keyBytes, message) {
    return new Uint8Array(await subtle.sign("HMAC", await hmacKey(keyBytes, hash), message));
  }
  const sha256 = async (bytes) => new Uint8Array(await subtle.digest("SHA-256", bytes));

  const SIGN_ALGORITHMS = {
    ed25519: { name: "Ed25519" },
    rsa: { name: "RSASSA-PKCS1-v1_5" },
    es256: { name: "ECDSA", hash: "SHA-256" },
  };
  const KIND_NAMES = { hmac: "an HMAC", ed25519: "an Ed25519", rsa: "an RSA", es256: "an ECDSA P-256" };

  /* ---------- small text helpers ---------- */

  const join = (...parts) => parts.filter((p) => p !== "").join("&");
  const sortQuery = (q) => q.split("&").filter(Boolean).sort().join("&");
  const shellQuote = (text) => "'" + text.replace(/'/g, "'\\''") + "'";
  function pythonJson(value) {
    /* json.dumps() with Python's default separators (", " and ": "). */
    if (Array.isArray(value)) {
      return "[" + value.map(pythonJson).join(", ") + "]";
    }
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).map((k) => JSON.stringify(k) + ": " + pythonJson(value[k])).join(", ") + "}";
    }
    return JSON.stringify(value);
  }
  function parseJson(text) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      return { ok: false };
    }
  }
  function percentVariant(payload) {
    /* The same payload with values percent-encoded (if it has raw characters) or decoded (if encoded). */
    try {
      if (/%[0-9A-Fa-f]{2}/.test(payload)) {
        return payload.split("&").map((pair) => pair.split("=").map((s) => decodeURIComponent(s)).join("=")).join("&");
      }
      return payload.split("&").map((pair) => pair.split("=").map((s) => encodeURIComponent(s)).join("=")).join("&");
    } catch (error) {
      return payload;
    }
  }
  function isoToMs(iso) {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? null : String(t);
  }
  function nowFor(exchange) {
    const ms = Date.now();
    if (exchange === "okx") {
      return new Date(ms).toISOString();
    }
    if (exchange === "coinbase") {
      return String(Math.floor(ms / 1000));
    }
    return String(ms);
  }

  /* Parts of a string to sign, for display: text segments, some numbered and explained. */
  function Parts() {
    const segments = [];
    const legend = [];
    return {
      segments,
      legend,
      part(text, label, explain) {
        legend.push({ label, value: text, explain });
        segments.push({ text, n: legend.length });
      },
      bytes(hex, label, explain) {
        legend.push({ label, value: hex, explain, bytes: true });
        segments.push({ text: hex, n: legend.length, bytes: true });
      },
      glue(text) {
        segments.push({ text });
      },
      text() {
        return segments.filter((s) => !s.bytes).map((s) => s.text).join("");
      },
    };
  }

  /* ---------- the examples every exchange starts with ---------- */

  const FAKE_SECRET = "TEST_SECRET_DO_NOT_USE_0123456789abcd";
  const BINANCE_DOC_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
  const BINANCE_DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
  const RFC8032_PEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----";
  const BINANCE_RSA_DEMO_PEM = [
    "-----BEGIN PRIVATE KEY-----",
    "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDPrfWMr2yqxJgJ",
    "cIyA5TDFpZBlB9E3RMbbEcPZijmPDiciZjuRiD1Q6oQzi1MFGTZ523HwSXe9XG3R",
    "NQaLCjxi+VkLsvCoxzgurkWXoQr0VHJyEDxnyRaCzTyvvHQgt0LKCWfqalYNz0ue",
    "doxnYnde3DH/tFFXX0/rTkJyK6LpOyKOAqE0G7OhuQWkLvlUO8mqwtGNqdrtOgzv",
    "kTN5rhb5VeWB4JGWDcAYFb9CQI9wD7/JJU1XQGIOJEY3L/PjGLcjDEiROt57/RS3",
    "i6OVTiAgDcgA405tNLgS326hfbEchI5tKeOxqrFYVfvOK8+4o+rrUBnMhrBg0tJv",
    "1feQKeAnAgMBAAECggEAUdB8PZIWQyfzpTRbhaPElPhmbAaqWxWTKVZUS2zyw/KV",
    "ZC3WJb0AOtJIhm3KpOWL2nGi70BiFY1GDfbPvxKnO25zr/IscLEa5vjsnZFp2Vsz",
    "QtA2m8RSQ/FKiQi6zvCjNSiDcYu2nvYdGi4lnczirdIdOFj2+m6n81D/SC78nNhj",
    "P/JLbSPFw+XOfVqOVelXHw7XGtMH9dgFjWDdB317HcJjZyPDahpQQ7s6PcecDwuv",
    "Qucs+Hi4sAWiHOiwKusx3sT/NL5Og/jAvC5aMy1QswWFnPr90T3qFE4MN1GZszzX",
    "DmDkWaGaRwuwdpi/ocIZF3R9XX3m+WOVdEZRfzzcEQKBgQDt11achN666/j1kgQM",
    "xPdzo06eUUZb/JUtEXz8hU+AzRsN/eso/47pjaPq7nrXFYE4aEx7Je2I9S52Y+b/",
    "SLrctuza25VOxvqIpDynlvM/Iatg9WuTEIuOk7gkBFanDNjDjZDKFuDYSEfN+sX+",
    "UakFT7cm+xu12PWR8HlZmFZL5QKBgQDfiRrC8zADSIE74uFBJ5K88t6cwrktqdPH",
    "9QT69j+VpRXssyUoCfR4/zchKbEyTwSASvL1saJR14Opmvn6Le+0DKq+EV7Z1UM6",
    "svVIzd9pWWMhRh9G83CC5Krx9Ie+34QHNRxBf+rya5if/aBCDtBFedRGbR6Le8MB",
    "yvrpT5hzGwKBgQCU2+QPjnHA2BQ3zq3OODEQJTP9jqzUwd+0F2/8tIsv+C9osHXQ",
    "cTLHJqljTuN/XqxD27OSmAh1Yc80tg5L1P9vSOYxjKGEbrE7eF+mHKod5zrWMoSj",
    "xQUztWzYzgZWA4pfymjGs08Czypx1vS42e9JrbzaHuwXArWgI7wvwVKxqQKBgQCS",
    "ByIZav7Zljr+oUdf5fdBQjPVGowYXZJBVTpMrCN7od4BxEIotuAjTy53lqHwaJhb",
    "KxsvED0m0/BqExjsq6ek6oV8JyLckSobJZ+BUSR60O8mZIW4Nv4wNCvMZl9rfN7m",
    "SnbL/0G/3jRViD1yCfVa/ayD2XMT0eThvfVOBzZjMwKBgB5jasP9TcDAyaEKta+g",
    "6glTM0MKUWfhZzYRbvDXdnatjjMEdixWm9aXwc0Nw+aN0KkdLBwvnDiVMtX+Xl2n",
    "BU2Gxxe3H8qrvkoi8zmzh3VWpqzfB+L3sXAq+6VNNYLEFLBR6D2u4DD86FvY+DsU",
    "miJlY6JEKpSxvkrS04XrbvHk",
    "-----END PRIVATE KEY-----",
  ].join("\n");
  /* RFC 6979 A.2.5: the P-256 test key, public test data. */
  const RFC6979_P256_PEM = [
    "-----BEGIN EC PRIVATE KEY-----",
    "MHcCAQEEIMmvqdhFunUWa1whV2ex1pNOUMPbNuibEnuKYisSD2choAoGCCqGSM49",
    "AwEHoUQDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Z5A/4QCLi8",
    "maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==",
    "-----END EC PRIVATE KEY-----",
  ].join("\n");
  const C1_KEY_NAME = "organizations/00000000-0000-0000-0000-000000000000/apiKeys/11111111-1111-1111-1111-111111111111";
  const FAKE_KEY = "TEST_KEY_DO_NOT_USE";
  const KRAKEN_FAKE_KEY = "TESTKEYDONOTUSE" + "A".repeat(41);

  const BINANCE_ORDER = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1";
  const BINANCE_B10 = "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2";
  const binanceBase = { apiKey: BINANCE_DOC_KEY, secret: BINANCE_DOC_SECRET, method: "POST", host: "api.binance.com",
    path: "/api/v3/order", query: "", body: "", timestamp: "1499827319559", recvWindow: "5000", placement: "query-rw-ts" };
  const bybitBase = { apiKey: "XXXXXXXXXX", secret: FAKE_SECRET, method: "GET", host: "api.bybit.com",
    path: "/v5/order/realtime", query: "category=option&symbol=BTC-29JUL22-25000-C", body: "",
    timestamp: "1658384314791", recvWindow: "5000" };
  const okxBase = { apiKey: FAKE_KEY, secret: FAKE_SECRET, passphrase: "test-passphrase", demo: false, method: "GET",
    host: "www.okx.com", path: "/api/v5/account/balance", query: "ccy=BTC", body: "", timestamp: "2020-12-08T09:08:57.715Z" };
  const coinbaseBase = { keyName: C1_KEY_NAME, method: "GET", host: "api.coinbase.com", path: "/api/v3/brokerage/accounts",
    query: "", body: "", timestamp: "1700000000", jwtNonce: "0123456789abcdef0123456789abcdef" };
  const Y2 = "KeyLab's vector Y2: the request from Bybit's integration guide, signed with a stated test secret " +
    "(Bybit does not publish the secret of its own example); cross-checked with ccxt";
  const O2 = "KeyLab's vector O2: the request from OKX's authentication guide, signed with a stated test secret " +
    "(OKX publishes no secret with an expected signature); cross-checked with ccxt";

  const EXAMPLES = {
    binance: [
      { id: "order-query", title: "POST /api/v3/order, parameters in the query string (HMAC)",
        values: { ...binanceBase, query: BINANCE_ORDER },
        expected: "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71",
        source: "Binance's API documentation, SIGNED endpoint example 1 (HMAC SHA256)" },
      { id: "order-mixed", title: "POST /api/v3/order, query string and body mixed (HMAC)",
        values: { ...binanceBase, query: "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC", body: "quantity=1&price=0.1",
          placement: "body-rw-ts" },
        expected: "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77",
        source: "Binance's API documentation, SIGNED endpoint example 3 (query string and body together)" },
      { id: "account", title: "GET /api/v3/account (HMAC)",
        values: { ...binanceBase, method: "GET", path: "/api/v3/account", placement: "query-ts-rw" },
        expected: "6cd35332399b004466463b9ad65a112a14f31fb9ddfd5e19bd7298fbd491dbc7",
        source: "KeyLab's vector for GET /api/v3/account with the secret from Binance's documentation; cross-checked with ccxt" },
      { id: "ed25519", title: "POST /api/v3/order with an Ed25519 key (RFC 8032 test key)",
        values: { ...binanceBase, apiKey: FAKE_KEY, secret: RFC8032_PEM, query: BINANCE_B10, timestamp: "1668481559918",
          placement: "query-ts-rw" },
        expected: "XtZirsmmi0noRzUfkqktvkVfxpkq/WtbLg2UOL3QGYdUBZVlqOBEMuEVw8zioY93N54NcKj9UuAXQEa9zgTDBg==",
        source: "KeyLab's vector B10: the public RFC 8032 test key 1; ccxt computes the same signature" },
      { id: "rsa", title: "POST /api/v3/order with an RSA key (Binance's demo key)",
        values: { ...binanceBase, apiKey: FAKE_KEY, secret: BINANCE_RSA_DEMO_PEM, query: BINANCE_B10,
          timestamp: "1668481559918", placement: "query-ts-rw" },
        expected: "uwh3oGpiVTIq0XeF00N1hJ6moowNTDxgbEbhPheZ2YlGWB80MsTQfPYNFB8zaBRn/cpTRiceZJjnNuPdSYY+OY/Bf8wqE9JhjXk+jWd49qoe4uTZ+AWcyMdlC4suxiURNM3zii5GzGIno1A0PK4JqpRuRGFNsFEQ8ioUPaRf4enhPJfCHgxRj5QEIp2GxXcNzQnKKelRjW/k0wkxiKFHWZzQcLlOXKfHYensyS9dT1ZGphlqxXyMU0oLpqpuf0YLvj98sC0PS3TZVAZkMltMPqTvecZOTsg15j6Cj21a/Q3J+p0U3H1ihNjlTH9FrUvjioFLPP9hvWgHMM745pPGdQ==",
        source: "KeyLab's vector B10: the RSA demo key Binance publishes in binance-signature-examples; ccxt computes the same signature" },
    ],
    bybit: [
      { id: "get", title: "GET /v5/order/realtime (HMAC)", values: { ...bybitBase },
        expected: "86f8f2493cb5efc24b8f7ca0fd1a60ae80897dfcc9e8ec96ab5ed64da34f7b13", source: Y2 },
      { id: "post", title: "POST /v5/order/create with a JSON body (HMAC)",
        values: { ...bybitBase, method: "POST", path: "/v5/order/create", query: "", body: '{"category": "option"}',
          timestamp: "1658385579423" },
        expected: "e1f7920afbadacd7f71f162c59e9d5d9927ab1986807a90a161cd762aed66e54", source: Y2 },
      { id: "rsa", title: "GET /v5/order/realtime with an RSA key (Binance's demo key)",
        values: { ...bybitBase, secret: BINANCE_RSA_DEMO_PEM },
        expected: "jyPd91X7KN2WRyrYaHQBsEcrgNfts7AXfRpg4z3X8aHZb4o99o1hJ8GWqf/aAm2T0AdcJEqPIARvhUiiNf7XXsAwinf0OUKS9FYEETD4KcD8HLsOlMfFxNADBV4y3+0xs5Ee73zCsPp0uYXF5a1XJA9v/4/i94Mq6x822PVaHZbCTJV64/6vBMEk9O3n9JHI/OaUJZZkM1ck6a/bDC7fE8iHW+y95zrx5zhbLtmN9tu5EF3n4aFOdKULRxgtHKAIcmqlbmCG5N/K20T/ckMb6GgMKzsnkYOduGS1kQ9cHAXgL1Lv5wLebv4CjRfB7nDYc5eLk8lLiO55cib4sHYlww==",
        source: "KeyLab's vector Y2 (RSA): the same request, signed with the RSA demo key Binance publishes" },
    ],
    okx: [
      { id: "get", title: "GET /api/v5/account/balance?ccy=BTC", values: { ...okxBase },
        expected: "uirVsglUCDFwEJaAEaTS/OvPK5aipzLP2CwoSZItYOE=", source: O2 },
      { id: "post", title: "POST /api/v5/account/set-leverage with a JSON body",
        values: { ...okxBase, method: "POST", path: "/api/v5/account/set-leverage", query: "",
          body: '{"instId":"BTC-USDT","lever":"5","mgnMode":"isolated"}' },
        expected: "RujT00ULQ6bDFmuR7sPw3oXDaxctZb1iJ76rpfVElt0=", source: O2 },
    ],
    kraken: [
      { id: "addorder", title: "POST /0/private/AddOrder (buy 1.25 XBTUSD at 37500)",
        values: { apiKey: KRAKEN_FAKE_KEY, secret: "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==",
          host: "api.kraken.com", path: "/0/private/AddOrder", nonce: "1616492376594",
          body: "ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25" },
        expected: "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==",
        source: "Kraken's Spot REST authentication guide (its AddOrder example, secret included)" },
    ],
    coinbase: [
      { id: "ed25519", title: "GET /api/v3/brokerage/accounts, Ed25519 key (RFC 8032 test key)",
        values: { ...coinbaseBase, secret: "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg==" },
        expected: "eyJhbGciOiJFZERTQSIsImtpZCI6Im9yZ2FuaXphdGlvbnMvMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwL2FwaUtleXMvMTExMTExMTEtMTExMS0xMTExLTExMTEtMTExMTExMTExMTExIiwibm9uY2UiOiIwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJvcmdhbml6YXRpb25zLzAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMC9hcGlLZXlzLzExMTExMTExLTExMTEtMTExMS0xMTExLTExMTExMTExMTExMSIsImlzcyI6ImNkcCIsIm5iZiI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAwMTIwLCJ1cmkiOiJHRVQgYXBpLmNvaW5iYXNlLmNvbS9hcGkvdjMvYnJva2VyYWdlL2FjY291bnRzIn0.FcY1xk4oJ2ne2aRvsBa_7U9mezdzZunN-YJIteLe3H2-oaQzMErJtt9wlqTxPZMfrsQvH24yfG6xqmUeB8R_BQ",
        source: "KeyLab's vector C1: RFC 8032 test key 1 as a CDP secret, at a fixed time and nonce; verified with PyJWT" },
      { id: "es256", title: "GET /api/v3/brokerage/accounts, ECDSA P-256 key (RFC 6979 test key)",
        values: { ...coinbaseBase, secret: RFC6979_P256_PEM }, expected: null,
        source: "ECDSA signatures are randomised, so no fixed value can be documented; the page verifies the token instead" },
    ],
  };

  /* ---------- the five schemes ---------- */

  const EX = {};

  EX.binance = {
    name: "Binance",
    fields: ["apiKey", "secret", "method", "host", "path", "query", "body", "timestamp", "recvWindow", "placement"],
    methods: ["GET", "POST", "PUT", "DELETE"],
    kinds: ["hmac", "ed25519", "rsa"],
    hints: {
      secret: "An HMAC secret, or an Ed25519 or RSA private key as a PEM block; the key type is recognised from it.",
      query: "The other parameters, exactly as sent after the ? (no ?).",
      body: "Form parameters sent in the body (application/x-www-form-urlencoded), if any.",
      timestamp: "Milliseconds since 1970-01-01 UTC, sent as the timestamp parameter.",
      recvWindow: "Milliseconds the request stays valid (default 5000, at most 60000); leave empty to not send it.",
      placement: "Where the page adds these two parameters. Binance accepts any order, but the signature covers the order used.",
    },
    build(p, f = {}) {
      const P = Parts();
      const auth = [];
      const rwFirst = /rw-ts$/.test(p.placement) !== Boolean(f.swapOrder);
      for (const k of rwFirst ? ["rw", "ts"] : ["ts", "rw"]) {
        if (k === "rw" && p.recvWindow !== "" && !f.omitRw) {
          auth.push(["recvWindow=" + p.recvWindow, "recvWindow parameter",
            "How long after its timestamp Binance still accepts the request. Sent, so signed."]);
        }
        if (k === "ts" && !f.omitTs) {
          auth.push(["timestamp=" + p.timestamp, "timestamp parameter",
            "When the request was made, in milliseconds. Binance refuses it if older than recvWindow or more than 1 s ahead."]);
        }
      }
      const inQuery = p.placement.startsWith("query");
      const q = [p.query ? [p.query, "query string", "Your parameters, exactly as they appear after the ? in the URL."] : null,
        ...(inQuery ? auth : [])].filter(Boolean);
      const b = [p.body ? [p.body, "body", "Form parameters sent in the body, glued straight after the query string with nothing in between."] : null,
        ...(inQuery ? [] : auth)].filter(Boolean);
      let qs = q.map((x) => x[0]).join("&");
      let bs = b.map((x) => x[0]).join("&");
      const sentQuery = qs;
      const sentBody = bs;
      q.forEach((x, i) => {
        if (i) {
          P.glue("&");
        }
        P.part(...x);
      });
      b.forEach((x, i) => {
        if (i) {
          P.glue("&");
        }
        P.part(...x);
      });
      if (f.sorted) {
        qs = sortQuery(qs);
        bs = sortQuery(bs);
      }
      if (f.onlyQuery) {
        bs = "";
      }
      if (f.onlyBody) {
        qs = "";
      }
      let message = qs + (f.joinAmp && qs && bs ? "&" : "") + bs;
      if (f.percent) {
        message = percentVariant(message);
      }
      if (f.qmark) {
        message = "?" + message;
      }
      return { P, message: utf8(message), sentQuery, sentBody };
    },
    encoding: (kind) => (kind === "hmac" ? "hex" : "b64"),
    describe: (kind) => ({
      hmac: "HMAC-SHA256 keyed with the secret; the signature is 64 hex digits (Binance accepts either case).",
      ed25519: "Ed25519 with your private key; the signature is base64, percent-encoded when it goes into the URL.",
      rsa: "RSA PKCS#1 v1.5 with SHA-256 and your private key; base64, percent-encoded when it goes into the URL.",
    }[kind]),
    request(p, built, sig, kind) {
      const value = kind === "hmac" ? sig : encodeURIComponent(sig);
      let query = built.sentQuery;
      let body = built.sentBody;
      if (body) {
        body = join(body, "signature=" + value);
      } else {
        query = join(query, "signature=" + value);
      }
      const target = p.path + (query ? "?" + query : "");
      const headers = [["X-MBX-APIKEY", p.apiKey]];
      if (body) {
        headers.push(["Content-Type", "application/x-www-form-urlencoded"]);
      }
      return { target, headers, body };
    },
    variants(p, kind) {
      const v = [];
      if (p.recvWindow !== "") {
        v.push({ id: "omit-recvwindow", f: { omitRw: true }, label: "recvWindow sent but not signed",
          why: "Your signature is what this request gives without recvWindow in the signed string. Every parameter you send, except signature itself, must be in the string you sign.",
          fix: "Add recvWindow to the parameters before you build the string to sign, not after." });
      }
      v.push({ id: "omit-timestamp", f: { omitTs: true }, label: "timestamp sent but not signed",
        why: "Your signature is what this request gives without the timestamp parameter in the signed string.",
        fix: "Add timestamp to the parameters first, then sign, then append signature." });
      if (p.recvWindow !== "") {
        v.push({ id: "order", f: { swapOrder: true }, label: "timestamp and recvWindow in another order",
          why: "Your signature is what this request gives with timestamp and recvWindow swapped. Binance reads parameters in any order, but the signature covers the exact string.",
          fix: "Sign the parameters in exactly the order you send them." });
      }
      v.push({ id: "sorted", f: { sorted: true }, label: "parameters sorted before signing",
        why: "Your signature is what the parameters give sorted alphabetically, but they are sent in another order (Binance's WebSocket API sorts; its REST API signs what is sent).",
        fix: "Build the query string once, sign that exact string and send that exact string." });
      if (p.query && p.body) {
        v.push({ id: "amp", f: { joinAmp: true }, label: "an & put between query string and body",
          why: "Binance glues the query string and the body with nothing in between; your signature has an & there.",
          fix: "Sign query + body directly, for example 'symbol=…&timeInForce=GTC' + 'quantity=1&…'." });
        v.push({ id: "only-query", f: { onlyQuery: true }, label: "body left out of the signature",
          why: "Your signature covers only the query string, but the body's parameters are signed too.",
          fix: "Sign the query string followed by the body." });
        v.push({ id: "only-body", f: { onlyBody: true }, label: "query string left out of the signature",
          why: "Your signature covers only the body, but the query string's parameters are signed too.",
          fix: "Sign the query string followed by the body." });
      }
      v.push({ id: "percent", f: { percent: true }, label: "percent-encoding differs",
        why: "Your signature matches the same parameters with their values percent-encoded differently (encoded where this page has raw characters, or raw where it has %XX).",
        fix: "Percent-encode the values (UTF-8) first, then sign exactly the encoded text you send." });
      v.push({ id: "qmark", f: { qmark: true }, label: "the ? signed with the query string",
        why: "Your signed string starts with the ? that separates path and query; Binance signs only what comes after it.",
        fix: "Sign the parameters without the leading ?." });
      return v.concat(kind === "hmac" ? secretVariants(p) : []);
    },
  };

  EX.bybit = {
    name: "Bybit",
    fields: ["apiKey", "secret", "method", "host", "path", "query:GET", "body:POST", "timestamp", "recvWindow"],
    methods: ["GET", "POST"],
    kinds: ["hmac", "rsa"],
    hints: {
      secret: "An HMAC secret (Bybit makes it), or your RSA private key as a PEM block.",
      query: "For GET: the query string exactly as sent, without the ?.",
      body: "For POST: the JSON body exactly as sent, spaces included.",
      timestamp: "Milliseconds since 1970-01-01 UTC, also sent as X-BAPI-TIMESTAMP.",
      recvWindow: "Milliseconds the request stays valid (default 5000), also sent as X-BAPI-RECV-WINDOW.",
    },
    build(p, f = {}) {
      const P = Parts();
      const get = p.method === "GET";
      const payload = get ? p.query : p.body;
      P.part(p.timestamp, "timestamp", "Milliseconds since 1970; the same text goes in the X-BAPI-TIMESTAMP header.");
      P.part(p.apiKey, "API key", "Your API key, the same text as the X-BAPI-API-KEY header. Bybit signs it too.");
      P.part(p.recvWindow, "recv window", "The same text as the X-BAPI-RECV-WINDOW header.");
      if (payload) {
        P.part(payload, get ? "query string" : "JSON body",
          get ? "The query string exactly as sent, without the ?." : "The raw JSON body exactly as sent: spaces and key order count.");
      }
      let body = payload;
      if (f.swapPayload) {
        if (get) {
          body = JSON.stringify(Object.fromEntries(new URLSearchParams(p.query)));
        } else {
          const parsed = parseJson(p.body);
          body = parsed.ok && parsed.value && typeof parsed.value === "object" ? new URLSearchParams(parsed.value).toString() : null;
        }
      }
      if (f.sorted) {
        body = sortQuery(body);
      }
      if (f.qmark) {
        body = "?" + body;
      }
      if (f.json) {
        const parsed = parseJson(p.body);
        body = parsed.ok ? (f.json === "compact" ? JSON.stringify(parsed.value) : pythonJson(parsed.value)) : null;
      }
      if (body === null) {
        return null;
      }
      const message = (f.omitTs ? "" : p.timestamp) + (f.omitKey ? "" : p.apiKey) + (f.omitRw ? "" : p.recvWindow) + body;
      return { P, message: utf8(message) };
    },
    encoding: (kind) => (kind === "hmac" ? "hex" : "b64"),
    describe: (kind) => (kind === "hmac"
      ? "HMAC-SHA256 keyed with the secret; the signature is 64 lowercase hex digits."
      : "RSA PKCS#1 v1.5 with SHA-256 and your private key; the signature is base64."),
    request(p, built, sig) {
      const get = p.method === "GET";
      const headers = [["X-BAPI-API-KEY", p.apiKey], ["X-BAPI-TIMESTAMP", p.timestamp],
        ["X-BAPI-RECV-WINDOW", p.recvWindow], ["X-BAPI-SIGN", sig]];
      if (!get) {
        headers.push(["Content-Type", "application/json"]);
      }
      return { target: p.path + (get && p.query ? "?" + p.query : ""), headers, body: get ? "" : p.body };
    },
    variants(p, kind) {
      const get = p.method === "GET";
      const v = [
        { id: "omit-key", f: { omitKey: true }, label: "API key left out of the signed string",
          why: "Your signature is what this request gives without the API key between timestamp and recv window. Bybit signs the key too, unlike Binance and OKX.",
          fix: "Sign timestamp + API key + recv window + payload." },
        { id: "omit-recvwindow", f: { omitRw: true }, label: "recv window left out of the signed string",
          why: "Your signature is what this request gives without the recv window. It is signed even though it also travels in a header.",
          fix: "Sign timestamp + API key + recv window + payload, with the same recv window text as the X-BAPI-RECV-WINDOW header." },
        { id: "omit-timestamp", f: { omitTs: true }, label: "timestamp left out of the signed string",
          why: "Your signature is what this request gives without the timestamp at the start.",
          fix: "Start the signed string with the same timestamp you send in X-BAPI-TIMESTAMP." },
        { id: "body-query", f: { swapPayload: true },
          label: get ? "body vs query: JSON signed for a GET" : "body vs query: query string signed for a POST",
          why: get ? "Your signature covers the parameters written as a JSON body, but a GET sends them as a query string, and that is what Bybit signs."
            : "Your signature covers the parameters written as a query string, but a POST sends a JSON body, and that is what Bybit signs.",
          fix: get ? "For GET, sign the query string (no ?)." : "For POST, sign the raw JSON body you send." },
      ];
      if (get) {
        v.push({ id: "sorted", f: { sorted: true }, label: "query parameters sorted before signing",
          why: "Your signature matches the parameters sorted alphabetically, but they are sent in another order.",
          fix: "Sign the query string exactly as it appears in the URL." });
        v.push({ id: "qmark", f: { qmark: true }, label: "the ? signed with the query string",
          why: "Your signed string has the ? before the query string; Bybit signs the query string without it.",
          fix: "Leave out the ?." });
      } else {
        v.push({ id: "json-compact", f: { json: "compact" }, label: "JSON spacing differs (you signed compact JSON)",
          why: "Your signature is for the body written without spaces, but the body sent has spaces (or another layout). Bybit signs the bytes sent.",
          fix: "Serialise the body once, sign that string and send that same string." });
        v.push({ id: "json-spaced", f: { json: "spaced" }, label: "JSON spacing differs (you signed JSON with spaces)",
          why: "Your signature is for the body as Python's json.dumps writes it by default (\", \" and \": \"), but the body sent is laid out differently.",
          fix: "Serialise the body once (for example json.dumps(body, separators=(\",\", \":\"))), sign that string and send it." });
      }
      return v.concat(kind === "hmac" ? secretVariants(p) : []);
    },
  };

  EX.okx = {
    name: "OKX",
    fields: ["apiKey", "secret", "passphrase", "method", "host", "path", "query:GET", "body:POST", "timestamp", "demo"],
    methods: ["GET", "POST"],
    kinds: ["hmac"],
    hints: {
      secret: "The HMAC secret OKX showed when the key was made.",
      passphrase: "Chosen when the key was made; sent in a header, never signed.",
      query: "For GET: the query string, without the ?. It becomes part of the signed path.",
      body: "For POST: the JSON body exactly as sent.",
      timestamp: "ISO 8601 in UTC with exactly three decimals, e.g. 2020-12-08T09:08:57.715Z; also sent as OK-ACCESS-TIMESTAMP.",
    },
    build(p, f = {}) {
      const P = Parts();
      const get = p.method === "GET";
      const path = p.path + (get && p.query ? "?" + p.query : "");
      P.part(p.timestamp, "timestamp", "ISO 8601 UTC with milliseconds; the same text as the OK-ACCESS-TIMESTAMP header.");
      P.part(p.method, "method", "The HTTP method in capitals.");
      P.part(path, "request path", get && p.query ? "The path with ? and the query string, exactly as in the URL, without the host." : "The path, without the host.");
      if (!get && p.body) {
        P.part(p.body, "JSON body", "The raw body exactly as sent (empty for GET).");
      }
      let ts = p.timestamp;
      if (f.tsMs) {
        ts = isoToMs(p.timestamp);
      }
      if (f.tsNoMs) {
        ts = p.timestamp.replace(/\.\d+Z$/, "Z");
      }
      if (ts === null || (f.tsNoMs && ts === p.timestamp)) {
        return null;
      }
      let signedPath = path;
      if (f.omitQuery) {
        signedPath = p.path;
      }
      if (f.noQMark) {
        signedPath = p.path + p.query;
      }
      if (f.fullUrl) {
        signedPath = "https://" + p.host + path;
      }
      let body = get ? "" : p.body;
      if (f.getBraces) {
        body = "{}";
      }
      if (f.json) {
        const parsed = parseJson(p.body);
        if (!parsed.ok) {
          return null;
        }
        body = f.json === "compact" ? JSON.stringify(parsed.value) : pythonJson(parsed.value);
      }
      const message = (f.omitTs ? "" : ts) + (f.methodLower ? p.method.toLowerCase() : p.method) + signedPath + body;
      return { P, message: utf8(message) };
    },
    encoding: () => "b64",
    describe: () => "HMAC-SHA256 keyed with the secret; the signature is base64 (44 characters).",
    request(p, built, sig) {
      const get = p.method === "GET";
      const headers = [["OK-ACCESS-KEY", p.apiKey], ["OK-ACCESS-SIGN", sig], ["OK-ACCESS-TIMESTAMP", p.timestamp],
        ["OK-ACCESS-PASSPHRASE", p.passphrase], ["Content-Type", "application/json"]];
      if (p.demo) {
        headers.push(["x-simulated-trading", "1"]);
      }
      return { target: p.path + (get && p.query ? "?" + p.query : ""), headers, body: get ? "" : p.body };
    },
    variants(p) {
      const get = p.method === "GET";
      const v = [
        { id: "method-lower", f: { methodLower: true }, label: "method in lower case",
          why: "Your signature is for \"" + p.method.toLowerCase() + "\" in the signed string; OKX signs the method in capitals.",
          fix: "Use method.upper() in the string to sign." },
        { id: "timestamp-ms", f: { tsMs: true }, label: "timestamp in milliseconds instead of ISO 8601",
          why: "Your signature is for the same moment written as milliseconds since 1970 (Binance and Bybit style); OKX signs the ISO 8601 text it receives in OK-ACCESS-TIMESTAMP.",
          fix: "Sign the same ISO 8601 string you send, e.g. 2020-12-08T09:08:57.715Z." },
        { id: "timestamp-no-ms", f: { tsNoMs: true }, label: "timestamp without milliseconds",
          why: "Your signature is for the timestamp without its three decimals.",
          fix: "Always write three decimals (…57.715Z, or …57.000Z), the same in the header and the signed string." },
        { id: "omit-timestamp", f: { omitTs: true }, label: "timestamp left out of the signed string",
          why: "Your signature is what this request gives without the timestamp at the start.",
          fix: "Sign timestamp + METHOD + path + body." },
        { id: "full-url", f: { fullUrl: true }, label: "full URL signed instead of the path",
          why: "Your signature is for https://" + p.host + "… ; OKX signs the path only, starting at /api.",
          fix: "Sign the request path without scheme and host." },
      ];
      if (get && p.query) {
        v.push({ id: "omit-query", f: { omitQuery: true }, label: "query string left out of the signed path",
          why: "Your signature is for the path without ?" + p.query + ". For a GET, OKX signs the path with its query string.",
          fix: "Sign the path exactly as in the URL, ? and query string included." });
        v.push({ id: "no-qmark", f: { noQMark: true }, label: "the ? missing before the query string",
          why: "Your signature is for the path and query glued without the ?.",
          fix: "Sign path + \"?\" + query string." });
      }
      if (get) {
        v.push({ id: "get-braces", f: { getBraces: true }, label: "{} signed as the body of a GET",
          why: "Your signature has an empty JSON object {} at the end; a GET has no body, so OKX signs nothing there.",
          fix: "Use an empty string as the body for GET requests." });
      } else {
        v.push({ id: "json-compact", f: { json: "compact" }, label: "JSON spacing differs (you signed compact JSON)",
          why: "Your signature is for the body written without spaces, but the body sent is laid out differently.",
          fix: "Serialise the body once, sign that string and send that same string." });
        v.push({ id: "json-spaced", f: { json: "spaced" }, label: "JSON spacing differs (you signed JSON with spaces)",
          why: "Your signature is for the body as Python's json.dumps writes it by default, with spaces after , and :.",
          fix: "Serialise the body once, sign that string and send that same string." });
      }
      return v.concat(secretVariants(p));
    },
  };

  EX.kraken = {
    name: "Kraken",
    fields: ["apiKey", "secret", "host", "path", "nonce", "body"],
    methods: ["POST"],
    kinds: ["hmac"],
    hints: {
      secret: "Base64, as Kraken shows it; it is base64-decoded before it is used as the HMAC key.",
      path: "The URI path from /0/private/ on, without the host.",
      body: "The other form parameters; the page puts nonce=… first for you.",
      nonce: "A number larger than the last one this key used (usually milliseconds). It goes in the body.",
    },
    build(p, f = {}) {
      const P = Parts();
      const rest = p.body;
      const body = join("nonce=" + p.nonce, rest);
      return { P, body, rest, flags: f };
    },
    /* Kraken signs bytes, not text: path + SHA-256(nonce + body), so its message needs a hash first. */
    async finish(built, p) {
      const f = built.flags;
      const body = f.noNonceInBody ? built.rest : built.body;
      const inner = (f.noNoncePrefix ? "" : p.nonce) + body;
      const digest = await sha256(utf8(inner));
      const path = f.fullUrl ? "https://" + p.host + p.path : p.path;
      const message = concat(utf8(path), f.hexDigest ? utf8(toHex(digest)) : digest);
      const P = built.P;
      P.part(p.path, "URI path", "The path from /0/private/ on, as text.");
      P.bytes(toHex(digest), "SHA-256(nonce + body)",
        "32 raw bytes (shown here as hex) of the SHA-256 hash of the nonce followed by the whole body: " +
        p.nonce + " + " + built.body + ".");
      built.inner = inner;
      built.message = message;
      return built;
    },
    encoding: () => "b64",
    describe: () => "HMAC-SHA512 keyed with the base64-decoded secret, over path + SHA-256(nonce + body); the signature is base64 (88 characters).",
    request(p, built, sig) {
      return { target: p.path, body: built.body, headers: [["API-Key", p.apiKey], ["API-Sign", sig],
        ["Content-Type", "application/x-www-form-urlencoded"]] };
    },
    hmacKey(p, f) {
      if (f.rawSecret) {
        return utf8(p.secret);
      }
      const key = fromB64(p.secret);
      if (!key) {
        throw new Error("Kraken secrets are base64, and this one does not decode as base64.");
      }
      return key;
    },
    variants(p) {
      return [
        { id: "raw-secret", f: { rawSecret: true }, label: "secret not base64-decoded",
          why: "Your signature is the HMAC keyed with the secret's base64 text itself. Kraken's secret is base64 and must be decoded to bytes first.",
          fix: "Use base64.b64decode(secret) as the HMAC key." },
        { id: "hex-digest", f: { hexDigest: true }, label: "SHA-256 as hex text instead of raw bytes",
          why: "Your signature appends the SHA-256 of nonce + body as 64 hex characters; Kraken appends its 32 raw bytes.",
          fix: "Use hashlib.sha256(…).digest(), not .hexdigest()." },
        { id: "no-nonce-prefix", f: { noNoncePrefix: true }, label: "nonce not put before the body in the hash",
          why: "Your signature hashes only the body. The nonce must appear twice: once in the body, and once more in front of it inside the SHA-256.",
          fix: "Hash str(nonce) + body." },
        { id: "no-nonce-in-body", f: { noNonceInBody: true }, label: "nonce missing from the body",
          why: "Your signature hashes the nonce followed by a body without nonce=…; the body sent must contain the nonce too.",
          fix: "Put nonce=… in the body, then hash nonce + that body." },
        { id: "full-url", f: { fullUrl: true }, label: "full URL signed instead of the path",
          why: "Your signature starts with https://" + p.host + "; Kraken signs the path from /0/private/ on.",
          fix: "Sign the URI path without scheme and host." },
        { id: "sha256", f: { hash: "SHA-256" }, label: "HMAC-SHA256 instead of HMAC-SHA512",
          why: "Your signature is an HMAC-SHA256 of the right message; Kraken uses HMAC-SHA512.",
          fix: "Use hashlib.sha512 as the HMAC's hash." },
      ].concat(secretVariants(p));
    },
  };

  EX.coinbase = {
    name: "Coinbase",
    fields: ["keyName", "secret", "method", "host", "path", "query", "body:POST", "timestamp", "jwtNonce"],
    methods: ["GET", "POST", "PUT", "DELETE"],
    kinds: ["ed25519", "es256"],
    hints: {
      secret: "The private key: base64 for an Ed25519 key (32-byte seed, or seed and public key), or a PEM block (-----BEGIN EC PRIVATE KEY-----) for ECDSA.",
      query: "Sent in the URL but not signed: the token names method, host and path only.",
      body: "Sent but not signed.",
      timestamp: "Seconds since 1970: the token's nbf. It expires 120 s later (exp).",
      host: "Signed: part of the token's uri claim.",
    },
    build(p) {
      const P = Parts();
      const alg = p.kind === "es256" ? "ES256" : "EdDSA";
      const nbf = Number(p.timestamp);
      const header = { alg, kid: p.keyName, nonce: p.jwtNonce, typ: "JWT" };
      const claims = { sub: p.keyName, iss: "cdp", nbf, exp: nbf + 120, uri: p.method + " " + p.host + p.path };
      const h = b64urlText(JSON.stringify(header));
      const c = b64urlText(JSON.stringify(claims));
      P.part(h, "header, base64url", "Decoded: " + JSON.stringify(header) + ". alg names the algorithm, kid the key; nonce is random in real use.");
      P.glue(".");
      P.part(c, "claims, base64url", "Decoded: " + JSON.stringify(claims) + ". sub is the key name, iss must be cdp, the token is valid from nbf to exp (at most 120 s), and uri names the one request it may be used for: method, host and path, with no https:// and no query string.");
      return { P, message: utf8(h + "." + c), header, claims };
    },
    encoding: () => "b64url",
    describe: (kind) => (kind === "es256"
      ? "ES256: ECDSA on P-256 with SHA-256 over header.claims; the signature is r and s (64 bytes) in base64url. ECDSA is randomised: the token changes every time."
      : "EdDSA: Ed25519 over header.claims; the signature is 64 bytes in base64url. Ed25519 is deterministic: same inputs, same token."),
    request(p, built, sig) {
      const token = new TextDecoder().decode(built.message) + "." + sig;
      const headers = [["Authorization", "Bearer " + token], ["Content-Type", "application/json"]];
      const post = p.method !== "GET";
      return { target: p.path + (p.query ? "?" + p.query : ""), headers, body: post ? p.body : "", token };
    },
    variants: () => [],
  };

  function secretVariants(p) {
    const v = [];
    const trimmed = p.secret.trim();
    if (trimmed !== p.secret) {
      v.push({ id: "secret-trimmed", p: { secret: trimmed }, label: "whitespace around the secret on this page",
        why: "Your signature is what the secret gives without the spaces or line breaks it has in the Secret field here; your code used the clean secret (which is usually right).",
        fix: "Remove the whitespace from the Secret field here, and check which copy of the secret is the real one." });
    }
    v.push({ id: "secret-newline", p: { secret: p.secret + "\n" }, label: "a newline at the end of the secret",
      why: "Your signature is what this secret gives with a line break at its end. That happens when the secret is read from a file, or pasted with its line end.",
      fix: "Strip the secret when you load it (Python: secret.strip())." });
    v.push({ id: "secret-crlf", p: { secret: p.secret + "\r\n" }, label: "a Windows line break (\\r\\n) at the end of the secret",
      why: "Your signature is what this secret gives with \\r\\n at its end, typical of a file saved on Windows.",
      fix: "Strip the secret when you load it (Python: secret.strip())." });
    v.push({ id: "secret-space", p: { secret: p.secret + " " }, label: "a space at the end of the secret",
      why: "Your signature is what this secret gives with a trailing space, easily picked up when copying it from a web page.",
      fix: "Strip the secret when you load it, and copy it again without the space." });
    if (p.apiKey && p.apiKey !== p.secret) {
      v.push({ id: "swapped", p: { secret: p.apiKey }, label: "API key and secret swapped",
        why: "Your signature is the HMAC keyed with the API key. The secret is the HMAC key; the API key only travels in a header to name the key.",
        fix: "Check which value is which (the secret is the one shown only once), and swap them back." });
    }
    return v;
  }

  /* ---------- signing ---------- */

  function kindOf(ex, secret) {
    if (ex === "coinbase") {
      return looksLikePem(secret) ? "es256" : "ed25519";
    }
    return looksLikePem(secret) ? "pem" : "hmac";
  }

  /* Sign p (with flags f) for exchange ex: { built, kind, bytes }, or null for a variant that does not apply. */
  async function signRequest(ex, p, f = {}) {
    const scheme = EX[ex];
    let kind = kindOf(ex, p.secret);
    let keyInfo = null;
    if (kind === "pem" || kind === "es256") {
      keyInfo = await importPem(p.secret, scheme.kinds);
      kind = keyInfo.kind;
    } else if (kind === "ed25519") {
      keyInfo = await importEd25519Seed(p.secret);
    }
    let built = scheme.build({ ...p, kind }, f);
    if (!built) {
      return null;
    }
    if (scheme.finish) {
      built = await scheme.finish(built, p);
    }
    let bytes;
    if (kind === "hmac") {
      const keyBytes = scheme.hmacKey ? scheme.hmacKey(p, f) : utf8(p.secret);
      bytes = await hmac(f.hash || (ex === "kraken" ? "SHA-512" : "SHA-256"), keyBytes, built.message);
    } else {
      bytes = new Uint8Array(await subtle.sign(SIGN_ALGORITHMS[kind], keyInfo.key, built.message));
    }
    return { built, kind, bytes, keyInfo };
  }

  function encodeSignature(name, bytes) {
    return name === "hex" ? toHex(bytes) : name === "b64url" ? toB64url(bytes) : toB64(bytes);
  }
  const ENCODING_NAMES = { hex: "lowercase hex", b64: "base64", b64url: "base64url" };

  /* ---------- compare mode ---------- */

  function cleanPasted(text) {
    const notes = [];
    let s = text.trim();
    if (s !== text && text.length) {
      notes.push("Spaces or line breaks around your value were ignored.");
    }
    const prefix = /^(signature=|X-BAPI-SIGN:\s*|OK-ACCESS-SIGN:\s*|API-Sign:\s*|Authorization:\s*Bearer\s+|Bearer\s+)/i.exec(s);
    if (prefix) {
      s = s.slice(prefix[0].length).trim();
      notes.push("The leading \"" + prefix[0].trim() + "\" was ignored.");
    }
    if (/%[0-9A-Fa-f]{2}/.test(s)) {
      try {
        s = decodeURIComponent(s);
        notes.push("Your value was percent-encoded (as in a URL); it was decoded before comparing. Sending it encoded in the URL is right for Binance's base64 signatures.");
      } catch (error) {
        /* not valid percent-encoding: compare as typed */
      }
    }
    return { s, notes };
  }

  function findSpelling(pasted, bytes) {
    const hit = spellings(bytes).find(([, , text]) => text === pasted);
    return hit ? { id: hit[0], name: hit[1] } : null;
  }

  function pastedLength(s) {
    const hex = /^[0-9a-fA-F]+$/.test(s) ? fromHex(s) : null;
    if (hex) {
      return hex.length;
    }
    const b64 = fromB64(s);
    return b64 ? b64.length : null;
  }

  async function diagnose(ex, p, main, pastedText) {
    const { s, notes } = cleanPasted(pastedText);
    const expected = EX[ex].encoding(main.kind);
    const expectedName = ENCODING_NAMES[expected];
    if (ex === "coinbase") {
      return diagnoseJwt(p, main, s, notes);
    }
    const direct = findSpelling(s, main.bytes);
    if (direct) {
      if (direct.id === expected) {
        return { verdict: "match", title: "✓ Same signature.", why: "Your code signs these inputs exactly as the exchange expects.", notes };
      }
      if (ex === "binance" && main.kind === "hmac" && direct.id === "HEX") {
        return { verdict: "match", title: "✓ Same signature, in uppercase hex.",
          why: "Binance accepts HMAC signatures in either case, so this works. Other exchanges compare exactly: Bybit wants lowercase.", notes };
      }
      return { verdict: "encoding", id: "encoding", title: "✗ Right signature, wrong encoding.",
        cause: "wrong encoding: " + direct.name + " instead of " + expectedName,
        why: "Your value is the right signature written as " + direct.name + ", but " + EX[ex].name + " expects " + expectedName + ".",
        fix: expected === "hex" ? "Write the signature's bytes as lowercase hex (Python: .hexdigest())." :
          "Write the signature's bytes as base64 (Python: base64.b64encode(mac.digest()).decode()), not as hex.", notes };
    }
    const tried = [];
    for (const variant of EX[ex].variants(p, main.kind)) {
      tried.push(variant.label);
      let result = null;
      try {
        result = await signRequest(ex, { ...p, ...(variant.p || {}) }, variant.f || {});
      } catch (error) {
        result = null;
      }
      if (!result || sameBytes(result.bytes, main.bytes)) {
        continue;
      }
      const spelled = findSpelling(s, result.bytes);
      if (spelled) {
        const alsoEncoding = spelled.id !== expected && !(ex === "binance" && spelled.id === "HEX");
        return { verdict: "variant", id: variant.id, title: "✗ Different. Most likely cause: " + variant.label + ".",
          cause: variant.label, why: variant.why + (alsoEncoding ? " It is also written as " + spelled.name + " instead of " + expectedName + "." : ""),
          fix: variant.fix, tried, notes };
      }
    }
    const length = pastedLength(s);
    const wanted = main.bytes.length;
    if (length !== null && length !== wanted) {
      return { verdict: "length", title: "✗ Different, and not even the right size.",
        cause: "a different algorithm, or a cut-off value",
        why: "Your value decodes to " + length + " bytes, but " + EX[ex].name + "'s " + (main.kind === "hmac" ? "HMAC" : KIND_NAMES[main.kind].replace(/^an? /, "")) +
          " signature is " + wanted + " bytes. " + (length === 32 ? "32 bytes is what HMAC-SHA256 gives. " : length === 64 ? "64 bytes is what HMAC-SHA512 (or Ed25519) gives. " : "") +
          "Check the hash function, and that the whole value was copied.",
        fix: "Use " + EX[ex].describe(main.kind), tried, notes };
    }
    return { verdict: "unknown", title: "✗ Different, and none of the usual mistakes explains it.",
      why: "Either the secret differs from the one typed here (then no signature can match), or the string your code signs differs in some other way. Print the exact string your code signs and compare it with the string to sign above, character by character.",
      tried, notes };
  }

  async function diagnoseJwt(p, main, s, notes) {
    const ours = main.request.token;
    const pieces = s.split(".");
    if (s === ours) {
      return { verdict: "match", title: "✓ Same token.", why: "Header, claims and signature are identical.", notes };
    }
    const publicKey = main.keyInfo.publicKey;
    const algorithm = main.kind === "es256" ? { name: "ECDSA", hash: "SHA-256" } : { name: "Ed25519" };
    const verify = (sig, input) => subtle.verify(algorithm, publicKey, sig, utf8(input)).catch(() => false);
    if (pieces.length !== 3) {
      /* Only a signature: compare it with ours (Ed25519) or verify it (ES256). */
      const sig = fromB64(s);
      const input = new TextDecoder().decode(main.built.message);
      if (sig && (await verify(sig, input))) {
        const exact = s === toB64url(main.bytes) || main.kind === "es256" && s === toB64url(sig);
        return exact
          ? { verdict: "match", title: "✓ Valid signature for this header and these claims.", why: main.kind === "es256" ? "ECDSA signatures differ every time; this one verifies with the key's public half." : "Same signature.", notes }
          : { verdict: "encoding", id: "encoding", title: "✗ Right signature, wrong encoding.", cause: "wrong encoding: base64 instead of base64url",
            why: "The bytes are a valid signature, but a JWT writes them in base64url without padding (- and _ instead of + and /, no =).",
            fix: "Use base64.urlsafe_b64encode(sig).rstrip(b\"=\")." , notes };
      }
      return { verdict: "unknown", title: "✗ Not a valid signature of this header and these claims.",
        why: "Paste your whole token (three parts separated by dots) to see which part differs.", notes };
    }
    const [h, c, sigText] = pieces;
    const decode = (text) => {
      const bytes = fromB64(text);
      const parsed = bytes ? parseJson(new TextDecoder().decode(bytes)) : { ok: false };
      return parsed.ok ? parsed.value : null;
    };
    const header = decode(h);
    const claims = decode(c);
    if (!header || !claims) {
      return { verdict: "unknown", title: "✗ This is not a JWT.", why: "Its first two parts are not base64url-encoded JSON.", notes };
    }
    const problems = [];
    const uri = String(claims.uri || (Array.isArray(claims.uris) && claims.uris[0]) || "");
    if (/^\S+ https?:\/\//.test(uri)) {
      problems.push(["scheme", "the uri claim contains " + uri.split(" ")[1].split("//")[0] + "//",
        "uri is the method, a space, then host and path, with no https://: " + JSON.stringify(main.built.claims.uri) + "."]);
    }
    if (uri.includes("?")) {
      problems.push(["query", "the uri claim contains a query string", "The query string is not part of uri: Coinbase signs method, host and path only."]);
    }
    const method = uri.split(" ")[0];
    if (method && method !== method.toUpperCase()) {
      problems.push(["method", "the method in uri is in lower case", "Write the method in capitals: " + method.toUpperCase() + "."]);
    }
    if (uri && !/https?:\/\//.test(uri) && !uri.includes("?") && uri.toUpperCase() !== main.built.claims.uri.toUpperCase()) {
      problems.push(["uri", "the uri claim names another request", "Your token is for " + JSON.stringify(uri) + "; this request is " + JSON.stringify(main.built.claims.uri) + ". A token is valid only for the request it names."]);
    }
    if (typeof claims.nbf === "number" && typeof claims.exp === "number" && claims.exp - claims.nbf > 120) {
      problems.push(["lifetime", "the token lives " + (claims.exp - claims.nbf) + " s", "Coinbase refuses tokens valid for more than 120 s: set exp = nbf + 120 or less."]);
    }
    if (claims.iss !== "cdp") {
      problems.push(["iss", "iss is " + JSON.stringify(claims.iss), "Coinbase's API keys expect iss \"cdp\"."]);
    }
    if (claims.sub !== p.keyName || header.kid !== p.keyName) {
      problems.push(["key-name", "sub or kid is not the key name", "Both sub and kid must be the full key name, organizations/…/apiKeys/…."]);
    }
    const wantAlg = main.kind === "es256" ? "ES256" : "EdDSA";
    if (header.alg !== wantAlg) {
      problems.push(["alg", "alg is " + JSON.stringify(header.alg), "This key signs with " + wantAlg + "."]);
    }
    let sig = fromB64(sigText);
    let valid = sig ? await verify(sig, h + "." + c) : false;
    let sigProblem = null;
    if (!valid && sig && main.kind === "es256" && sig[0] === 0x30 && sig.length >= 68 && sig.length <= 72) {
      sigProblem = ["der", "the ECDSA signature is DER-encoded",
        "ES256 in a JWT is r and s as two 32-byte numbers (64 bytes), not the DER structure most libraries return (70 to 72 bytes starting with 0x30).",
        "Convert it: r, s = decode_dss_signature(der); r.to_bytes(32, \"big\") + s.to_bytes(32, \"big\")."];
    } else if (valid && /[+/=]/.test(sigText)) {
      sigProblem = ["base64", "the signature is base64, not base64url",
        "A JWT writes every part in base64url without padding: - and _ instead of + and /, and no =.",
        "Use base64.urlsafe_b64encode(…).rstrip(b\"=\")."];
    }
    if (sigProblem) {
      return { verdict: "variant", id: sigProblem[0], title: "✗ Most likely cause: " + sigProblem[1] + ".", cause: sigProblem[1],
        why: sigProblem[2], fix: sigProblem[3], notes };
    }
    if (!valid) {
      return { verdict: "unknown", title: "✗ The token's signature does not verify with this key.",
        why: "Either it was signed with another private key, or its header or claims were changed after signing." +
          (problems.length ? " Its claims also have problems: " + problems.map((x) => x[1]).join("; ") + "." : ""),
        notes };
    }
    if (problems.length) {
      const [id, label, why] = problems[0];
      return { verdict: "variant", id, title: "✗ Validly signed, but Coinbase would refuse it. Most likely cause: " + label + ".",
        cause: label, why: why + (problems.length > 1 ? " Also: " + problems.slice(1).map((x) => x[1]).join("; ") + "." : ""),
        fix: "Build the claims as shown above, then sign again.", notes };
    }
    return { verdict: "match", title: "✓ A valid token for this request.",
      why: "It verifies with this key and names the right request. It differs from the one above only in its time or nonce (or, for ES256, in ECDSA's random signature), which is expected.", notes };
  }

  /* ---------- the page ---------- */

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) {
        continue;
      }
      if (k === "class") {
        el.className = v;
      } else if (k === "text") {
        el.textContent = v;
      } else {
        el.setAttribute(k, v === true ? "" : v);
      }
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) {
        el.append(child);
      }
    }
    return el;
  }

  /* Replace el's content, unless the new content reads the same: live regions then stay quiet
   * while someone types in a field that does not change them. */
  function setContent(el, nodes) {
    const probe = document.createElement("div");
    probe.append(...nodes);
    if (probe.textContent !== el.textContent) {
      el.replaceChildren(...probe.childNodes);
    }
  }

  /* Text with newlines, carriage returns and tabs made visible (and named for screen readers). */
  function visible(text) {
    const out = [];
    const names = { "\n": ["↵", "newline"], "\r": ["␍", "carriage return"], "\t": ["⇥", "tab"] };
    let run = "";
    for (const ch of text) {
      if (names[ch]) {
        if (run) {
          out.push(run);
        }
        run = "";
        out.push(h("span", { class: "kl-pg__ws", title: names[ch][1] },
          h("span", { "aria-hidden": "true", text: names[ch][0] }), h("span", { class: "kl-pg__sr", text: names[ch][1] })));
      } else {
        run += ch;
      }
    }
    if (run) {
      out.push(run);
    }
    return out;
  }

  const FIELD_DEFS = [
    ["apiKey", "API key", "input"],
    ["keyName", "Key name", "input"],
    ["secret", "Secret", "textarea"],
    ["passphrase", "Passphrase", "input"],
    ["method", "Method", "select"],
    ["host", "Host", "input"],
    ["path", "Path", "input"],
    ["query", "Query string", "textarea"],
    ["body", "Body", "textarea"],
    ["timestamp", "Timestamp", "input"],
    ["nonce", "Nonce", "input"],
    ["recvWindow", "recvWindow", "input"],
    ["placement", "timestamp and recvWindow go", "select"],
    ["jwtNonce", "JWT nonce", "input"],
    ["demo", "Demo trading key (adds x-simulated-trading: 1)", "checkbox"],
  ];
  const GENERIC_HINTS = {
    apiKey: "Names your key; it travels in a header and is not secret.",
    keyName: "organizations/{org_id}/apiKeys/{key_id}: goes in the token's kid and sub.",
    host: "Used for the curl command; not signed.",
    path: "Without the host, starting with /.",
    jwtNonce: "Random hex in the token's header; fixed here so the example is reproducible.",
  };

  function buildUi(root) {
    const uid = "kl-pg-" + Math.random().toString(36).slice(2, 8);
    const ids = {};
    const id = (name) => (ids[name] = ids[name] || uid + "-" + name);
    const controls = {};
    const wraps = {};
    const hints = {};

    const exchange = h("select", { id: id("exchange") },
      Object.entries(EX).map(([k, x]) => h("option", { value: k, text: x.name })));
    const example = h("select", { id: id("example") });
    const nowButton = h("button", { type: "button", class: "md-button kl-pg__now", text: "Use the current time" });

    const fieldEls = FIELD_DEFS.map(([name, label, type]) => {
      let control;
      if (type === "select") {
        control = h("select", { id: id(name) });
        if (name === "placement") {
          [["query-rw-ts", "at the end of the query string: recvWindow, then timestamp"],
            ["query-ts-rw", "at the end of the query string: timestamp, then recvWindow"],
            ["body-rw-ts", "at the end of the body: recvWindow, then timestamp"],
            ["body-ts-rw", "at the end of the body: timestamp, then recvWindow"]]
            .forEach(([value, text]) => control.append(h("option", { value, text })));
        }
      } else if (type === "textarea") {
        control = h("textarea", { id: id(name), rows: name === "secret" ? 2 : 2, spellcheck: "false",
          autocomplete: "off", autocapitalize: "off", autocorrect: "off" });
      } else if (type === "checkbox") {
        control = h("input", { id: id(name), type: "checkbox" });
      } else {
        control = h("input", { id: id(name), type: "text", spellcheck: "false", autocomplete: "off",
          autocapitalize: "off", autocorrect: "off" });
      }
      const hint = h("span", { class: "kl-pg__hint", id: id(name + "-hint") });
      control.setAttribute("aria-describedby", hint.id);
      controls[name] = control;
      hints[name] = hint;
      const labelEl = h("label", { for: control.id, class: "kl-pg__label", text: label });
      const wrap = type === "checkbox"
        ? h("div", { class: "kl-pg__field kl-pg__field--check" }, control, labelEl, hint)
        : h("div", { class: "kl-pg__field" + (type === "textarea" ? " kl-pg__field--wide" : "") }, labelEl, control, hint);
      if (name === "secret") {
        wrap.append(h("span", { class: "kl-pg__warn", id: id("secret-warn"), role: "status" }));
      }
      if (name === "timestamp" || name === "nonce") {
        wrap.classList.add("kl-pg__field--time");
      }
      wraps[name] = wrap;
      return wrap;
    });

    const out = {
      algorithm: h("p", { class: "kl-pg__algorithm" }),
      parts: h("div", { class: "kl-pg__parts", role: "group", "aria-label": "String to sign, part by part" }),
      legend: h("ol", { class: "kl-pg__legend" }),
      innerWrap: h("div", { class: "kl-pg__inner", hidden: true }),
      exactLabel: h("p", { class: "kl-pg__caption" }),
      exact: h("code", {}),
      exactWarn: h("p", { class: "kl-pg__warn" }),
      signature: h("code", { id: id("signature-out") }),
      token: h("code", { class: "kl-pg__token" }),
      tokenWrap: h("div", { hidden: true }),
      status: h("p", { class: "kl-pg__status", role: "status" }),
      secretNote: h("p", { class: "kl-pg__caption" }),
      curl: h("code", {}),
      http: h("code", {}),
    };
    out.tokenWrap.append(h("p", { class: "kl-pg__caption", text: "The whole token (header.claims.signature), sent as Authorization: Bearer …:" }),
      h("pre", { class: "kl-pg__code" }, out.token));

    const pasted = h("textarea", { id: id("compare"), rows: 2, spellcheck: "false", autocomplete: "off",
      autocapitalize: "off", autocorrect: "off", "aria-describedby": id("compare-hint") });
    const verdict = h("div", { class: "kl-pg__verdict", role: "status", "aria-live": "polite" });

    const form = h("form", { class: "kl-pg__form", "aria-label": "Signing playground inputs" },
      h("fieldset", { class: "kl-pg__set" }, h("legend", { text: "What to sign" }),
        h("div", { class: "kl-pg__grid" },
          h("div", { class: "kl-pg__field" }, h("label", { for: exchange.id, class: "kl-pg__label", text: "Exchange" }), exchange),
          h("div", { class: "kl-pg__field" }, h("label", { for: example.id, class: "kl-pg__label", text: "Example" }), example,
            h("span", { class: "kl-pg__hint", text: "Choosing an example fills in every field below." })))),
      h("fieldset", { class: "kl-pg__set" }, h("legend", { text: "Inputs" }),
        h("div", { class: "kl-pg__grid" }, fieldEls), h("div", { class: "kl-pg__actions" }, nowButton)));

    root.replaceChildren(
      h("p", { class: "kl-pg__private" }, h("strong", { text: "Nothing you type here is sent anywhere." }),
        " The page computes everything in your browser with WebCrypto and makes no network request. Still, use test keys: never paste a real secret into a web page."),
      form,
      h("section", { class: "kl-pg__out", "aria-label": "Result" },
        h("h3", { text: "The string to sign" }), out.algorithm,
        h("p", { class: "kl-pg__caption", text: "Each part is underlined, with its number and name below it. The parts are joined with nothing in between: a gap here is only room for a label (the exact string follows the list)." }),
        out.parts, out.legend, out.innerWrap,
        out.exactLabel, h("pre", { class: "kl-pg__code" }, out.exact), out.exactWarn,
        h("h3", { text: "The signature" }), h("pre", { class: "kl-pg__code kl-pg__code--sig" }, out.signature), out.status,
        out.tokenWrap,
        h("h3", { text: "The request" }), out.secretNote,
        h("h4", { text: "As a curl command" }), h("pre", { class: "kl-pg__code" }, out.curl),
        h("h4", { text: "As HTTP" }), h("pre", { class: "kl-pg__code" }, out.http)),
      h("section", { class: "kl-pg__compare", "aria-label": "Compare" },
        h("h3", { text: "Compare with your own signature" }),
        h("div", { class: "kl-pg__field kl-pg__field--wide" },
          h("label", { for: pasted.id, class: "kl-pg__label", text: "Signature" }), pasted,
          h("span", { class: "kl-pg__hint", id: id("compare-hint"),
            text: "Paste the signature (or, for Coinbase, the token) your own code produced for the same inputs. The page says whether it matches and, if not, tries the usual mistakes." })),
        verdict));

    return { exchange, example, nowButton, controls, wraps, hints, out, pasted, verdict, form };
  }

  function init() {
    document.querySelectorAll("[data-kl-playground]:not([data-kl-ready])").forEach(setup);
  }

  function setup(root) {
    root.setAttribute("data-kl-ready", "");
    if (!subtle || !window.isSecureContext) {
      root.replaceChildren(h("p", { class: "kl-pg__warn", text: "This browser offers no WebCrypto here (it needs a secure context: https:// or http://127.0.0.1), so the playground cannot sign." }));
      return;
    }
    const ui = buildUi(root);
    const state = { exchange: "binance", example: null, run: 0, compareRun: 0, main: null };

    const visibleFields = () => EX[state.exchange].fields
      .filter((f) => !f.includes(":") || f.split(":")[1] === ui.controls.method.value)
      .map((f) => f.split(":")[0]);

    function values() {
      const p = {};
      for (const [name] of FIELD_DEFS) {
        const c = ui.controls[name];
        p[name] = c.type === "checkbox" ? c.checked : c.value;
      }
      if (state.exchange === "kraken") {
        p.method = "POST";
      }
      return p;
    }

    function showFields() {
      const ex = EX[state.exchange];
      const shown = visibleFields();
      for (const [name] of FIELD_DEFS) {
        ui.wraps[name].hidden = !shown.includes(name);
        ui.hints[name].textContent = ex.hints[name] || GENERIC_HINTS[name] || "";
      }
      ui.hints.method.textContent = state.exchange === "bybit" || state.exchange === "okx"
        ? "GET signs the query string, POST the JSON body." : "";
    }

    function loadExchange(name) {
      state.exchange = name;
      ui.exchange.value = name;
      ui.example.replaceChildren(...EXAMPLES[name].map((x) => h("option", { value: x.id, text: x.title })));
      const method = ui.controls.method;
      method.replaceChildren(...EX[name].methods.map((m) => h("option", { value: m, text: m })));
      loadExample(EXAMPLES[name][0].id);
    }

    function loadExample(exampleId) {
      const ex = EXAMPLES[state.exchange].find((x) => x.id === exampleId);
      state.example = ex;
      ui.example.value = ex.id;
      for (const [name] of FIELD_DEFS) {
        const c = ui.controls[name];
        const v = ex.values[name];
        if (c.type === "checkbox") {
          c.checked = Boolean(v);
        } else {
          c.value = v === undefined ? "" : v;
        }
      }
      ui.controls.method.value = ex.values.method || "POST";
      ui.controls.secret.rows = Math.min(10, Math.max(2, ui.controls.secret.value.split("\n").length));
      showFields();
      update();
    }

    /* The signed fields that differ from the chosen example (to explain a differing signature). */
    function changedFields(p) {
      const ex = state.example;
      const labels = Object.fromEntries(FIELD_DEFS.map(([n, l]) => [n, l]));
      const unsigned = ["demo", "passphrase"].concat(state.exchange === "coinbase" ? ["query", "body"] : ["host"])
        .concat(state.exchange === "bybit" ? [] : ["apiKey"]);
      const names = [...new Set(visibleFields().concat(["method"]))].filter((n) => !unsigned.includes(n));
      const text = (v, name) => String(v === undefined ? (name === "method" ? "POST" : "") : v);
      return names.filter((n) => text(p[n], n) !== text(ex.values[n], n)).map((n) => labels[n]);
    }

    function renderParts(built) {
      const P = built.P;
      ui.out.parts.replaceChildren(...P.segments.map((seg) => {
        if (!seg.n) {
          return h("span", { class: "kl-pg__seg kl-pg__seg--glue" }, h("code", {}, visible(seg.text)), h("span", { class: "kl-pg__seglabel", "aria-hidden": "true", text: " " }));
        }
        const item = P.legend[seg.n - 1];
        return h("span", { class: "kl-pg__seg kl-pg__seg--" + (((seg.n - 1) % 5) + 1) + (seg.bytes ? " kl-pg__seg--bytes" : "") },
          h("mark", {}, seg.text === "" ? h("em", { text: "(empty)" }) : visible(seg.text)),
          h("span", { class: "kl-pg__seglabel", text: seg.n + " · " + item.label }));
      }));
      ui.out.legend.replaceChildren(...P.legend.map((item, i) => h("li", { class: "kl-pg__legend-item kl-pg__seg--" + ((i % 5) + 1) },
        h("strong", { text: item.label }), ": ", item.explain)));
    }

    function requestText(p, req) {
      const url = "https://" + p.host + req.target;
      const curl = ["curl -X " + p.method + " " + shellQuote(url)]
        .concat(req.headers.map(([k, v]) => "  -H " + shellQuote(k + ": " + v)))
        .concat(req.body ? ["  --data " + shellQuote(req.body)] : []);
      const http = [p.method + " " + req.target + " HTTP/1.1", "Host: " + p.host]
        .concat(req.headers.map(([k, v]) => k + ": " + v));
      return { curl: curl.join(" \\\n"), http: http.join("\n") + "\n" + (req.body ? "\n" + req.body : "") };
    }

    function showError(message) {
      ui.out.algorithm.textContent = "";
      ui.out.parts.replaceChildren();
      ui.out.legend.replaceChildren();
      ui.out.innerWrap.hidden = true;
      ui.out.exactLabel.textContent = "";
      ui.out.exact.textContent = "";
      ui.out.exactWarn.textContent = "";
      ui.out.signature.textContent = "—";
      ui.out.tokenWrap.hidden = true;
      ui.out.status.textContent = "Cannot sign yet: " + message;
      ui.out.secretNote.textContent = "";
      ui.out.curl.textContent = "";
      ui.out.http.textContent = "";
      state.main = null;
      ui.verdict.replaceChildren();
    }

    async function update() {
      const run = ++state.run;
      const p = values();
      const ex = EX[state.exchange];
      const secret = p.secret;
      const warnings = [];
      if (/\s$/.test(secret) && !looksLikePem(secret)) {
        warnings.push("The secret ends with " + (/\n$/.test(secret) ? "a line break" : "a space") + "; it is used exactly as typed.");
      }
      if (/^\s/.test(secret) && !looksLikePem(secret)) {
        warnings.push("The secret starts with whitespace; it is used exactly as typed.");
      }
      ui.wraps.secret.querySelector(".kl-pg__warn").textContent = warnings.join(" ");
      let result;
      try {
        if (!secret) {
          throw new Error("enter a secret.");
        }
        if (state.exchange === "coinbase" && !/^\d+$/.test(p.timestamp)) {
          throw new Error("the timestamp must be whole seconds since 1970.");
        }
        result = await signRequest(state.exchange, p);
      } catch (error) {
        if (run === state.run) {
          showError(error && error.message ? error.message.replace(/^./, (c) => c.toLowerCase()) : String(error));
        }
        return;
      }
      if (run !== state.run) {
        return;
      }
      const { built, kind, bytes, keyInfo } = result;
      const encodingName = ex.encoding(kind);
      const sig = encodeSignature(encodingName, bytes);
      const req = ex.request(p, built, sig, kind);
      state.main = { p, built, kind, bytes, keyInfo, request: req, sig };

      ui.out.algorithm.textContent = "Algorithm: " + ex.describe(kind);
      renderParts(built);
      if (state.exchange === "kraken") {
        ui.out.innerWrap.hidden = false;
        ui.out.innerWrap.replaceChildren(
          h("p", { class: "kl-pg__caption", text: "Hashed first with SHA-256 (the nonce, then the whole body, which starts with the nonce again):" }),
          h("div", { class: "kl-pg__parts", role: "group", "aria-label": "Text hashed with SHA-256, part by part" },
            h("span", { class: "kl-pg__seg kl-pg__seg--3" }, h("mark", {}, visible(p.nonce)), h("span", { class: "kl-pg__seglabel", text: "a · nonce" })),
            h("span", { class: "kl-pg__seg kl-pg__seg--4" }, h("mark", {}, visible(built.body)), h("span", { class: "kl-pg__seglabel", text: "b · body (nonce=… first)" }))));
        ui.out.exactLabel.textContent = "The exact bytes signed with HMAC-SHA512 (" + built.message.length + " bytes, in hex: the path's " + utf8(p.path).length + " bytes of text, then the 32-byte hash):";
        ui.out.exact.textContent = toHex(built.message);
      } else {
        ui.out.innerWrap.hidden = true;
        ui.out.exactLabel.textContent = "The exact string, as signed (" + built.message.length + " bytes of UTF-8):";
        ui.out.exact.replaceChildren(...visible(new TextDecoder().decode(built.message)));
      }
      const text = new TextDecoder().decode(built.message);
      ui.out.exactWarn.textContent = state.exchange !== "kraken" && /[\n\r\t]/.test(text)
        ? "It contains a line break or tab (shown as ↵, ␍ or ⇥): almost always a mistake." : "";

      ui.out.signature.textContent = sig;
      ui.out.tokenWrap.hidden = !req.token;
      if (req.token) {
        ui.out.token.textContent = req.token;
      }
      const documented = state.example.expected;
      const value = req.token || sig;
      const status = [];
      if (documented && value === documented) {
        status.push(h("strong", { text: "✓ Matches the documented signature." }), " Source: " + state.example.source + ".");
      } else if (documented) {
        const changed = changedFields(p);
        status.push(h("strong", { text: "≠ Differs from the documented signature" }),
          changed.length ? " because you changed: " + changed.join(", ") + ". That is expected; choose the example again to get it back." : ".");
      } else if (kind === "es256") {
        const ok = await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, keyInfo.publicKey, bytes, built.message);
        if (run !== state.run) {
          return;
        }
        status.push(h("strong", { text: ok ? "✓ The token verifies with the public key." : "✗ The token does not verify." }),
          " " + state.example.source + ". Change any field, or choose the example again, and the signature changes even for the same inputs.");
      }
      if (keyInfo && keyInfo.note) {
        status.push(" " + keyInfo.note);
      }
      setContent(ui.out.status, status);
      ui.out.secretNote.textContent = state.exchange === "coinbase"
        ? "The private key is not in the request: only the token, which anyone may read but no one can alter or re-sign without the key."
        : "The secret is not in the request: only the signature, which proves you hold the secret without revealing it." +
          (state.exchange === "okx" ? " The passphrase, in contrast, is sent in every request's OK-ACCESS-PASSPHRASE header and is not part of the signed string." : "");
      const texts = requestText(p, req);
      ui.out.curl.textContent = texts.curl;
      ui.out.http.textContent = texts.http;
      compare();
    }

    async function compare() {
      const run = ++state.compareRun;
      const text = ui.pasted.value;
      if (!text.trim() || !state.main) {
        ui.verdict.replaceChildren();
        ui.verdict.removeAttribute("data-verdict");
        return;
      }
      const main = state.main;
      const result = await diagnose(state.exchange, main.p, main, text);
      if (run !== state.compareRun || main !== state.main) {
        return;
      }
      ui.verdict.setAttribute("data-verdict", result.verdict);
      ui.verdict.setAttribute("data-cause", result.id || "");
      setContent(ui.verdict, [
        h("p", { class: "kl-pg__verdict-title" }, h("strong", { text: result.title })),
        result.why ? h("p", { text: result.why }) : null,
        result.fix ? h("p", {}, h("strong", { text: "Fix: " }), result.fix) : null,
        ...(result.notes || []).map((n) => h("p", { class: "kl-pg__caption", text: n })),
        result.tried && result.verdict !== "variant" && result.tried.length
          ? h("details", {}, h("summary", { text: "The " + result.tried.length + " mistakes tried" }),
            h("ul", {}, result.tried.map((t) => h("li", { text: t })))) : null].filter(Boolean));
    }

    ui.form.addEventListener("submit", (event) => event.preventDefault());
    ui.exchange.addEventListener("change", () => loadExchange(ui.exchange.value));
    ui.example.addEventListener("change", () => loadExample(ui.example.value));
    ui.controls.method.addEventListener("change", () => {
      showFields();
      update();
    });
    ui.form.addEventListener("input", (event) => {
      if (event.target !== ui.exchange && event.target !== ui.example && event.target !== ui.controls.method) {
        update();
      }
    });
    ui.nowButton.addEventListener("click", () => {
      const target = state.exchange === "kraken" ? ui.controls.nonce : ui.controls.timestamp;
      target.value = nowFor(state.exchange);
      update();
    });
    ui.pasted.addEventListener("input", compare);
    loadExchange("binance");
  }

  window.klPlayground = { init };
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
