/* The permission and leak-impact explorer (docs/tools/leak-explorer.md).
 *
 * Everything the explorer knows is in KNOWLEDGE below: use cases, exchanges, what a leaked key
 * could do and why. Each rule is an entry with a `when` (the settings it applies to); the code
 * only matches settings against entries and draws the result. Nothing is sent anywhere.
 * The facts come from docs/keys/*.md and docs/exchanges/*.md; keep them in step. */
(function () {
  "use strict";

  const SERVER_IP = "203.0.113.7"; // a documentation address (RFC 5737), never a real server

  // Pages the explanations link to, relative to the explorer's own URL (tools/leak-explorer/).
  const PAGE = {
    damage: { href: "../../keys/permissions/#three-levels-three-kinds-of-damage", title: "Permissions: three kinds of damage" },
    leastPrivilege: { href: "../../keys/permissions/#least-privilege", title: "Permissions: least privilege" },
    withdrawalOff: { href: "../../keys/permissions/#why-withdrawal-stays-off", title: "Permissions: why withdrawal stays off" },
    names: { href: "../../keys/permissions/#each-exchanges-words-for-the-same-three-levels", title: "Permissions: each exchange's words" },
    permissionPitfalls: { href: "../../keys/permissions/#pitfalls", title: "Permissions: pitfalls" },
    ipLists: { href: "../../keys/restrictions/#ip-allow-lists", title: "Restrictions: IP allow-lists" },
    twoFactor: { href: "../../keys/restrictions/#2fa-on-the-account", title: "Restrictions: 2FA on the account" },
    rotation: { href: "../../keys/restrictions/#rotation", title: "Restrictions: rotation" },
    addressLists: { href: "../../keys/restrictions/#withdrawal-address-allow-lists", title: "Restrictions: withdrawal address allow-lists" },
    logs: { href: "../../keys/how-keys-leak/#logs-debug-output-and-crash-reports", title: "How keys leak: logs" },
    services: { href: "../../keys/how-keys-leak/#services-you-give-a-key-to-and-free-signal-bots", title: "How keys leak: services and signal bots" },
    checklist: { href: "../../keys/if-a-key-leaks/#the-checklist", title: "If a key leaks: the checklist" },
    binance: { href: "../../exchanges/binance/#permissions-and-introspection", title: "Binance: permissions" },
    binanceErrors: { href: "../../exchanges/binance/#errors", title: "Binance: errors" },
    bybit: { href: "../../exchanges/bybit/#permissions-and-introspection", title: "Bybit: permissions" },
    bybitErrors: { href: "../../exchanges/bybit/#errors", title: "Bybit: errors" },
    okx: { href: "../../exchanges/okx/#permissions-and-introspection", title: "OKX: permissions" },
    okxErrors: { href: "../../exchanges/okx/#errors", title: "OKX: errors" },
    okxEmulated: { href: "../../exchanges/okx/#what-localnet-emulates", title: "OKX: what localnet emulates" },
    kraken: { href: "../../exchanges/kraken/#permissions-and-introspection", title: "Kraken: permissions" },
    krakenErrors: { href: "../../exchanges/kraken/#errors", title: "Kraken: errors" },
    coinbase: { href: "../../exchanges/coinbase/#permissions-and-introspection", title: "Coinbase: permissions" },
    coinbaseErrors: { href: "../../exchanges/coinbase/#errors", title: "Coinbase: errors" },
    coinbaseKeys: { href: "../../exchanges/coinbase/#keys", title: "Coinbase: keys" },
  };

  /* Texts may hold `code` and {placeholders}: {Exchange}, {scope}, {refusal}, {ipRefusal},
   * {destinationRule}. A `when` matches when every named fact has the given value (or one of
   * the values in a list); a `page` is where the pages state the fact ("errors": the chosen
   * exchange's errors). The facts: exchange, key, read, readTicked, forcedRead, trade,
   * withdraw, ip ("none" or "server"), addressList, subaccount, dest ("none", "any", "own",
   * "saved" or "unsure": where a withdrawal may go). An exchange's `changes` replace the
   * generic advice for a setting where that exchange works differently. */
  const KNOWLEDGE = {
    statuses: {
      can: { label: "Can", icon: "danger", group: "could" },
      limited: { label: "Limited", icon: "limited", group: "could" },
      depends: { label: "Depends", icon: "depends", group: "could" },
      cannot: { label: "Cannot", icon: "safe", group: "couldNot" },
    },

    permissions: [
      { id: "read", label: "Read", hint: "balances, orders, trade and deposit history" },
      { id: "trade", label: "Trade", hint: "place and cancel orders" },
      { id: "withdraw", label: "Withdraw", hint: "send coins out of the exchange" },
    ],
    ipChoices: [
      { id: "none", label: "None: any address may use the key" },
      { id: "server", label: "Only your server's IP address" },
    ],
    accountOptions: [
      { id: "addressList", label: "Withdrawal address allow-list on, holding only your own addresses",
        hint: "an account setting: withdrawals may go only to listed addresses" },
      { id: "subaccount", label: "The key belongs to a sub-account holding only what this program needs",
        hint: "otherwise it is a key of the main account" },
    ],

    // Recommended settings; null means "does not matter for this key".
    useCases: [
      { id: "portfolio", label: "Portfolio tracker",
        about: "An app or service that shows what you hold.",
        settings: { read: true, trade: false, withdraw: false, ip: "server", addressList: null, subaccount: null },
        ipMeaning: "the service's published addresses, if it lists them",
        tips: ["If the service lists no addresses, a read-only key without an allow-list still cannot trade or withdraw: its leak costs privacy, not coins."] },
      { id: "tax", label: "Tax export",
        about: "Tax software that downloads your trades and transfers.",
        settings: { read: true, trade: false, withdraw: false, ip: "server", addressList: null, subaccount: null },
        ipMeaning: "the service's published addresses, if it lists them",
        tips: ["Delete the key when the tax year is filed."] },
      { id: "bot", label: "Your own trading bot",
        about: "Your program places orders for you.",
        settings: { read: true, trade: true, withdraw: false, ip: "server", addressList: null, subaccount: true },
        ipMeaning: "always: the bot's server",
        tips: ["Run the bot where its address stays put: a cloud server with a reserved (static) public address, and put that address, and only that one, on the key.",
          "Tick only the products it trades, and keep margin and derivatives off an account (or use a sub-account) that only trades spot."] },
      { id: "arbitrage", label: "Arbitrage across exchanges",
        about: "A bot that trades the same coins on several exchanges.",
        settings: { read: true, trade: true, withdraw: false, ip: "server", addressList: null, subaccount: true },
        ipMeaning: "always: the bot's server",
        tips: ["Move funds between exchanges by hand: rebalancing once a day costs a little opportunity and removes the worst risk."] },
      { id: "copy", label: "Copy-trading or signal service",
        about: "Someone else's service trades your account with your key.",
        settings: { read: true, trade: true, withdraw: false, ip: "server", addressList: null, subaccount: true },
        ipMeaning: "the service's published addresses; if it lists none, do not connect it",
        tips: ["Warning signs: a request for withdraw permission or for your login, no IP addresses for the allow-list, promised returns, urgency.",
          "A key you give a service lives in its database: in December 2022 keys users had given 3Commas were published."] },
      { id: "market", label: "Market data only",
        about: "Prices, order books and candles, for charts or research.",
        settings: { read: false, trade: false, withdraw: false, ip: null, addressList: null, subaccount: null },
        ipMeaning: "",
        tips: ["Market data comes from public endpoints on all five exchanges and needs no key at all; a charting tool that asks for one wants something more."] },
      { id: "treasury", label: "Withdrawal automation (treasury sweep)",
        about: "A program that sweeps profits to cold storage or rebalances between exchanges.",
        settings: { read: true, trade: false, withdraw: true, ip: "server", addressList: true, subaccount: null },
        ipMeaning: "the one server the program runs on",
        tips: ["All three locks at once: only the permissions it needs (read and withdraw, no trade), an IP allow-list naming its one server, and a withdrawal address allow-list holding only addresses you own.",
          "Turn the address list on before you tick withdraw."] },
    ],

    settings: [
      { id: "read", label: "Read", values: { true: "Yes", false: "No" },
        change: { true: "Tick Read.", false: "Untick Read." } },
      { id: "trade", label: "Trade", values: { true: "Yes", false: "No" },
        change: { true: "Tick Trade.", false: "Untick Trade." } },
      { id: "withdraw", label: "Withdraw", values: { true: "Yes", false: "No" },
        change: { true: "Tick Withdraw.", false: "Untick Withdraw." } },
      { id: "ip", label: "IP restriction", values: { none: "None", server: "Your server's IP address", null: "Not needed: no key" },
        change: { server: "Restrict the key to your server's IP address.", none: "Remove the IP restriction." } },
      { id: "addressList", label: "Withdrawal address allow-list", values: { true: "On", false: "Off", null: "Not needed for this key" },
        change: { true: "Turn on the withdrawal address allow-list, holding only your own addresses.", false: "The address allow-list is not needed." } },
      { id: "subaccount", label: "Sub-account", values: { true: "Yes, holding only what the program needs", false: "No", null: "Either" },
        change: { true: "Move the program to a sub-account holding only what it needs.", false: "Use a key of the main account." } },
    ],

    // Shown when no permission is ticked.
    noKey: {
      worst: "Nothing: with no key there is nothing to leak, and market data needs none.",
      item: { action: "Anything with your account", status: "cannot",
        why: "There is no key: prices, order books and candles come from public endpoints that need none.", page: PAGE.leastPrivilege },
    },

    // What the holder of the leaked key (and secret) could and could not do. The first case whose
    // `when` matches decides; "hidden" leaves the item out. `gated` items need the key to be used
    // from an allowed address, so an IP restriction turns "can" into "only from your server".
    capabilities: [
      { id: "read", gated: true, action: "See your balances, open orders, trades and deposits", cases: [
        { when: { forcedRead: true }, status: "can", page: PAGE.damage,
          why: "Every {Exchange} key can read, ticked or not: nothing leaves the account, but a large balance makes you a target and a visible strategy can be copied." },
        { when: { read: true }, status: "can", page: PAGE.damage,
          why: "Read is a loss of privacy: nothing leaves the account, but a large balance makes you a target for phishing or extortion, and a visible strategy can be copied or traded against." },
        { status: "cannot", page: "errors", why: "The key has no read permission, and the exchange checks it on every request: {refusal}." },
      ] },
      { id: "drain", gated: true, action: "Trade your money into their hands through a thin, illiquid coin", cases: [
        { when: { trade: true }, status: "can", page: PAGE.damage,
          why: "Your orders buy a thinly traded coin from their own sell orders at, say, ten times its price; phished Binance accounts were used this way with Viacoin in March 2018." },
        { status: "cannot", page: "errors", why: "The key has no trade permission, so every order is refused: {refusal}." },
      ] },
      { id: "churn", gated: true, action: "Burn your balance on fees by churning orders", cases: [
        { when: { trade: true }, status: "can", page: PAGE.damage, why: "Thousands of orders, each paying a fee, until the fees eat the balance." },
        { status: "hidden" },
      ] },
      { id: "margin", gated: true, action: "Trade on margin, making the losses bigger", cases: [
        { when: { trade: true, exchange: "binance" }, status: "can", page: PAGE.permissionPitfalls,
          why: "Binance's trade switch, `enableSpotAndMarginTrading`, is one permission for spot and margin orders." },
        { when: { trade: true }, status: "depends", page: PAGE.permissionPitfalls,
          why: "Only where the trade permission covers margin or derivatives; tick only the products the program trades, or trade from a sub-account that only trades spot." },
        { status: "hidden" },
      ] },
      { id: "leftovers", gated: true, action: "Leave orders that keep working after you revoke the key", cases: [
        { when: { trade: true }, status: "can", page: PAGE.checklist,
          why: "Revoking stops new requests; orders already in the book can still fill, so cancel them yourself." },
        { status: "hidden" },
      ] },
      { id: "steal", gated: true, action: "Send your coins to an address of their own", cases: [
        { when: { withdraw: true, dest: "saved" }, status: "cannot", page: PAGE.addressLists,
          why: "{destinationRule}, and adding an address goes through the website and its 2FA; keep only your own addresses there." },
        { when: { withdraw: true, dest: "own" }, status: "cannot", page: PAGE.addressLists,
          why: "The withdrawal address allow-list lets coins go only to addresses you added, and adding one goes through the website and its 2FA." },
        { when: { withdraw: true, dest: "unsure" }, status: "can", page: PAGE.withdrawalOff,
          why: "The key can withdraw, and we could not confirm that {Exchange} holds API withdrawals to pre-approved addresses." },
        { when: { withdraw: true }, status: "can", page: PAGE.damage,
          why: "Withdraw sends coins out of the exchange, limited only by your balance, and a blockchain transfer cannot be called back." },
        { status: "cannot", page: "errors", why: "The key has no withdraw permission, so withdrawals are refused: {refusal}." },
      ] },
      { id: "moveOwn", gated: true, action: "Move your coins to addresses on your own list", cases: [
        { when: { withdraw: true, dest: ["saved", "own"] }, status: "limited", page: PAGE.addressLists,
          why: "A nuisance, not a theft: the coins land in wallets on your list, as long as every address there is yours." },
        { status: "hidden" },
      ] },
      { id: "account", gated: false, action: "Change your password or 2FA", cases: [
        { status: "cannot", page: PAGE.twoFactor,
          why: "An API key cannot change a password; 2FA guards what is done through the website, such as logging in, editing keys and adding withdrawal addresses." },
      ] },
      { id: "afterPassword", gated: true, action: "Keep using the key after you change your password or 2FA", cases: [
        { when: { exchange: "bybit", ip: "none" }, status: "limited", page: PAGE.ipLists,
          why: "A Bybit key with no IP bound becomes invalid 7 days after the account password changes; until then it works." },
        { status: "can", page: PAGE.twoFactor,
          why: "A signed API request carries no one-time code, so 2FA does not guard a key that already exists: only revoking it does." },
      ] },
      { id: "lifetime", gated: true, action: "Keep using it for months", cases: [
        { when: { exchange: "bybit", ip: "none" }, status: "limited", page: PAGE.ipLists,
          why: "Bybit keys with no IP bound become invalid after 90 days." },
        { status: "can", page: PAGE.rotation,
          why: "Until you revoke it: a copy taken quietly stays useful until the next rotation, so rotate every 90 days." },
      ] },
      { id: "mainAccount", gated: false, action: "Reach the funds of your main account", cases: [
        { when: { subaccount: true }, status: "cannot", page: PAGE.leastPrivilege,
          why: "The key belongs to a sub-account, so it reaches only what that sub-account holds." },
        { status: "hidden" },
      ] },
      { id: "elsewhere", gated: false, action: "Use the key from their own computer", cases: [
        { when: { ip: "server" }, status: "cannot", page: PAGE.ipLists,
          why: "The allow-list checks the address of the connection, not anything the request says about itself: {ipRefusal}." },
        { status: "can", page: PAGE.ipLists, why: "With no IP restriction the key works from any address in the world." },
      ] },
      { id: "onServer", gated: false, action: "Use the key from your server (malware, a compromised dependency)", cases: [
        { when: { ip: "server" }, status: "can", page: PAGE.ipLists,
          why: "Their requests come from the allowed address, so the allow-list cannot tell them from your program." },
        { status: "hidden" },
      ] },
    ],

    // The worst case in one sentence: the first entry that matches.
    worst: [
      { when: { withdraw: true, dest: ["any", "unsure"], ip: "none" },
        text: "Anyone who finds the key can send every coin in {scope} to their own address within minutes, and no one can call the transfer back." },
      { when: { withdraw: true, dest: ["any", "unsure"], ip: "server" },
        text: "The key is refused everywhere but your server, yet malware there could send every coin in {scope} away for good." },
      { when: { trade: true, ip: "none" },
        text: "Anyone who finds the key can trade the value of {scope} into their own hands by buying a thin coin from their overpriced sell orders." },
      { when: { trade: true, ip: "server" },
        text: "The key is refused everywhere but your server, yet malware there could trade the value of {scope} into its author's hands through a thin coin." },
      { when: { withdraw: true, ip: "none" },
        text: "Anyone who finds the key can read everything and move your coins between the addresses on your list, but send them nowhere else." },
      { when: { withdraw: true, ip: "server" },
        text: "Only something on your server could use the key, to read everything and move coins between the addresses on your list." },
      { when: { read: true, ip: "none" },
        text: "Anyone who finds the key learns your balances, orders and history; no coin moves, but you become a target." },
      { when: { read: true, ip: "server" },
        text: "Only something on your server could use the key, and only to read your balances, orders and history." },
    ],

    // "any" stands for no particular exchange; its rules are those every exchange shares.
    exchanges: {
      any: {
        name: "Any of the five", Exchange: "this exchange", errorsPage: PAGE.names,
        refusal: "the exchange refuses it", ipRefusal: "a call from elsewhere is refused, and a forged header does not help",
        notes: [
          { when: { key: true, readTicked: false }, text: "On Bybit and OKX every key can read, so read would be on there whatever you tick.", page: PAGE.names },
          { when: { key: true }, text: "Choose an exchange to see its own rules, names and refusals." },
        ],
      },
      binance: {
        name: "Binance", Exchange: "Binance", page: PAGE.binance, errorsPage: PAGE.binanceErrors,
        refusal: "Binance answers `-2015`",
        ipRefusal: "Binance answers `-2015`, the same code as for a missing permission",
        names: [
          { when: { read: true }, level: "Read", code: "enableReading" },
          { when: { trade: true }, level: "Trade", code: "enableSpotAndMarginTrading" },
          { when: { withdraw: true }, level: "Withdraw", code: "enableWithdrawals" },
          { when: { ip: "none" }, level: "IP restriction", code: "ipRestrict: false" },
          { when: { ip: "server" }, level: "IP restriction", code: "ipRestrict: true" },
        ],
        ask: "`GET /sapi/v1/account/apiRestrictions` (production only: the testnet has no `/sapi`)",
        rules: [
          { when: { withdraw: true, ip: "none" }, page: PAGE.withdrawalOff,
            text: "Binance would not allow this key: it enables withdrawals only on IP-restricted keys. Restrict the key to your server's address first." },
        ],
        notes: [
          { when: { trade: true, ip: "none" }, page: PAGE.ipLists,
            text: "A 2021 Binance announcement made the trading permission of unrestricted keys lapse after 30 days; the permission endpoint still reports `tradingAuthorityExpirationTime`, but we could not confirm the current period." },
          { when: { key: true }, page: PAGE.binanceErrors,
            text: "Binance gives the same `-2015` for an unknown key, a wrong address and a missing permission, so someone probing a stolen key learns nothing from it." },
          { when: { withdraw: true, addressList: true }, page: PAGE.withdrawalOff,
            text: "Binance's address book shows which addresses are allow-listed (`whiteStatus`)." },
        ],
      },
      bybit: {
        name: "Bybit", Exchange: "Bybit", page: PAGE.bybit, errorsPage: PAGE.bybitErrors, alwaysRead: true,
        destinations: "saved",
        destinationRule: "Bybit's withdrawal API accepts only addresses already in the account's address book",
        changes: { addressList: { true: "Keep only your own addresses in Bybit's address book: its withdrawal API sends only there." } },
        refusal: "Bybit answers `10005`",
        ipRefusal: "Bybit answers `10010`",
        names: [
          { when: { read: true, trade: false, withdraw: false }, level: "Read (every Bybit key)", code: "readOnly: 1" },
          { when: { read: true }, level: "Read (every Bybit key)", code: "readOnly: 0" },
          { when: { trade: true }, level: "Trade", code: "\"Spot\": [\"SpotTrade\"]" },
          { when: { withdraw: true }, level: "Withdraw (master-account keys only)", code: "\"Wallet\": [\"Withdraw\"]" },
          { when: { ip: "none" }, level: "IP restriction", code: "ips: [\"*\"]" },
          { when: { ip: "server" }, level: "IP restriction", code: `ips: ["${SERVER_IP}"]` },
        ],
        ask: "`GET /v5/user/query-api` (any key may call it)",
        rules: [
          { when: { withdraw: true, subaccount: true }, page: PAGE.withdrawalOff,
            text: "Bybit would not allow this key: it grants `Withdraw` only to master-account keys." },
        ],
        notes: [
          { when: { forcedRead: true }, page: PAGE.bybit, text: "Every Bybit key can read: read is on although it is not ticked." },
          { when: { key: true, ip: "none" }, page: PAGE.ipLists,
            text: "A Bybit key with no IP bound becomes invalid after 90 days, and 7 days after the account password changes; `deadlineDay` shows the days left." },
          { when: { trade: true }, page: PAGE.permissionPitfalls,
            text: "Bybit lists `ContractTrade`, `Derivatives` and `Options` next to `Spot`: tick only the products the program trades." },
          { when: { withdraw: true }, page: PAGE.addressLists,
            text: "Bybit's withdrawal API sends only to addresses already in your address book: keep only your own addresses there." },
        ],
      },
      okx: {
        name: "OKX", Exchange: "OKX", page: PAGE.okx, errorsPage: PAGE.okxErrors, alwaysRead: true,
        refusal: "OKX answers `50120`",
        ipRefusal: "OKX answers `50110`, naming the address it saw",
        names: [
          { when: { read: true }, level: "Read (every OKX key)", code: "read_only" },
          { when: { trade: true }, level: "Trade", code: "trade" },
          { when: { withdraw: true }, level: "Withdraw", code: "withdraw" },
          { when: { ip: "none" }, level: "IP restriction", code: "ip: \"\"" },
          { when: { ip: "server" }, level: "IP restriction (up to 20 addresses)", code: `ip: "${SERVER_IP}"` },
        ],
        ask: "`GET /api/v5/account/config`, field `perm`",
        notes: [
          { when: { forcedRead: true }, page: PAGE.okxEmulated, text: "Every OKX key can read: read is on although it is not ticked." },
          { when: { key: true }, page: PAGE.logs,
            text: "An OKX request also needs the key's passphrase, but it travels in clear in a header, so a log that holds the key often holds the passphrase too." },
          { when: { withdraw: true }, page: PAGE.addressLists,
            text: "OKX calls its withdrawal address allow-list whitelist mode: once on, withdrawals go only to addresses in the address book, and turning it off needs e-mail and phone verification." },
        ],
      },
      kraken: {
        name: "Kraken", Exchange: "Kraken", page: PAGE.kraken, errorsPage: PAGE.krakenErrors,
        destinations: "saved",
        destinationRule: "Kraken withdraws only to addresses saved in the account, named by a withdrawal key such as `my-cold-wallet`",
        changes: { addressList: { true: "Keep only your own addresses among those saved in the account: Kraken withdraws only to them." } },
        refusal: "Kraken answers `EGeneral:Permission denied`",
        ipRefusal: "Kraken does not publish the error it returns",
        names: [
          { when: { read: true }, level: "Read", code: "query-funds, query-open-trades, query-closed-trades, query-ledger" },
          { when: { trade: true }, level: "Trade", code: "modify-trades, close-trades" },
          { when: { withdraw: true }, level: "Withdraw", code: "withdraw-funds" },
          { when: { ip: "none" }, level: "IP restriction", text: "no IP allow-list" },
          { when: { ip: "server" }, level: "IP restriction", text: `IP allow-list with ${SERVER_IP}` },
        ],
        ask: "`POST /0/private/GetApiKeyInfo` (needs no permission)",
        notes: [
          { when: { key: true }, page: PAGE.twoFactor,
            text: "A Kraken key can have its own second factor: then every request carries an `otp` and the secret alone is not enough. It suits a tool a human drives, hardly an unattended bot." },
          { when: { key: true }, page: PAGE.ipLists, text: "A Kraken key can also be given an expiry date." },
          { when: { withdraw: true }, page: PAGE.addressLists,
            text: "Kraken's `Withdraw` takes the name of an address saved in the account, not a raw address: keep only your own addresses there." },
        ],
      },
      coinbase: {
        name: "Coinbase", Exchange: "Coinbase", page: PAGE.coinbase, errorsPage: PAGE.coinbaseErrors,
        addressListUnconfirmed: true,
        refusal: "Coinbase answers 403 `PERMISSION_DENIED`",
        ipRefusal: "Coinbase answers 401 `Unauthorized`",
        names: [
          { when: { read: true }, level: "Read", code: "View (can_view)" },
          { when: { trade: true }, level: "Trade", code: "Trade (can_trade)" },
          { when: { withdraw: true }, level: "Withdraw", code: "Transfer (can_transfer)" },
          { when: { ip: "none" }, level: "IP restriction", text: "no IP allow-list" },
          { when: { ip: "server" }, level: "IP restriction (IPs or CIDR blocks)", text: `IP allow-list with ${SERVER_IP}` },
        ],
        ask: "`GET /api/v3/brokerage/key_permissions`",
        notes: [
          { when: { key: true }, page: PAGE.coinbaseKeys,
            text: "What leaks is the key name and its private key (Ed25519 or ECDSA); there is no HMAC secret. Each key is tied to one portfolio." },
          { when: { withdraw: true }, page: PAGE.coinbase,
            text: "Withdrawals go through the older Coinbase App API (`/v2`), which accepts the same tokens." },
          { when: { withdraw: true, addressList: true }, page: PAGE.withdrawalOff,
            text: "We could not confirm that Coinbase requires a pre-approved address for API withdrawals; check your account's settings before you rely on it." },
        ],
      },
    },
  };

  const EXCHANGE_ORDER = ["any", "binance", "bybit", "okx", "kraken", "coinbase"];

  const INITIAL = {
    useCase: "bot", exchange: "any",
    read: true, trade: true, withdraw: true, ip: "none", addressList: false, subaccount: false,
  };

  // Icons are decoration: every one sits next to a word that says the same.
  const ICONS = {
    danger: '<path d="M12 3 2 20.5h20z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/><path d="M12 9.5v5m0 2.6v.4" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
    safe: '<circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" stroke-width="2"/><path d="m7.5 12.5 3 3 6-6.5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>',
    limited: '<circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" stroke-width="2"/><path d="M12 2.5a9.5 9.5 0 0 1 0 19z" fill="currentColor"/>',
    depends: '<circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" stroke-width="2"/><path d="M9.3 9.3a2.8 2.8 0 1 1 3.9 2.6c-.8.4-1.2 1-1.2 1.9v.5m0 2.9v.3" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
    blocked: '<circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" stroke-width="2"/><path d="m5.5 18.5 13-13" stroke="currentColor" stroke-width="2"/>',
    server: '<rect x="5" y="10.5" width="14" height="10" rx="1.5" fill="none" stroke="currentColor" stroke-width="2"/><path d="M8.5 10.5V7.5a3.5 3.5 0 0 1 7 0v3" fill="none" stroke="currentColor" stroke-width="2"/>',
    info: '<circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" stroke-width="2"/><path d="M12 11v6m0-9.6v.4" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
  };

  // ---- the knowledge, applied ----

  function matches(when, facts) {
    return Object.entries(when || {}).every(([name, want]) =>
      Array.isArray(want) ? want.includes(facts[name]) : facts[name] === want);
  }

  function allMatching(list, facts) {
    return (list || []).filter((entry) => matches(entry.when, facts));
  }

  function firstMatching(list, facts) {
    return (list || []).find((entry) => matches(entry.when, facts));
  }

  function factsOf(state) {
    const exchange = KNOWLEDGE.exchanges[state.exchange];
    const key = state.read || state.trade || state.withdraw;
    const forcedRead = key && !state.read && Boolean(exchange.alwaysRead);
    let dest = "none";
    if (state.withdraw) {
      if (exchange.destinations) {
        dest = exchange.destinations;
      } else if (state.addressList) {
        dest = exchange.addressListUnconfirmed ? "unsure" : "own";
      } else {
        dest = "any";
      }
    }
    return {
      exchange: state.exchange, key, readTicked: state.read, forcedRead,
      read: state.read || forcedRead, trade: state.trade, withdraw: state.withdraw,
      ip: state.ip, addressList: state.addressList, subaccount: state.subaccount, dest,
    };
  }

  function fill(text, facts) {
    const exchange = KNOWLEDGE.exchanges[facts.exchange];
    const values = {
      Exchange: exchange.Exchange,
      scope: facts.subaccount ? "the sub-account" : "the account",
      refusal: exchange.refusal,
      ipRefusal: exchange.ipRefusal,
      destinationRule: exchange.destinationRule || "",
    };
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
  }

  function capabilityResults(facts) {
    if (!facts.key) {
      return [{ id: "nokey", ...KNOWLEDGE.noKey.item, server: false }];
    }
    const results = [];
    for (const capability of KNOWLEDGE.capabilities) {
      const chosen = firstMatching(capability.cases, facts);
      if (!chosen || chosen.status === "hidden") {
        continue;
      }
      results.push({
        id: capability.id,
        action: capability.action,
        status: chosen.status,
        why: fill(chosen.why, facts),
        page: chosen.page === "errors" ? KNOWLEDGE.exchanges[facts.exchange].errorsPage : chosen.page,
        server: capability.gated && facts.ip === "server" && chosen.status !== "cannot",
      });
    }
    return results;
  }

  function worstCase(facts) {
    if (!facts.key) {
      return KNOWLEDGE.noKey.worst;
    }
    return fill(firstMatching(KNOWLEDGE.worst, facts).text, facts);
  }

  // Rules an exchange would refuse. With no exchange chosen, every exchange's rules apply.
  function refusals(facts) {
    const names = facts.exchange === "any" ? EXCHANGE_ORDER.slice(1) : [facts.exchange];
    const found = [];
    for (const name of names) {
      const local = { ...facts, exchange: name };
      for (const rule of allMatching(KNOWLEDGE.exchanges[name].rules, local)) {
        found.push({ id: name + ":" + KNOWLEDGE.exchanges[name].rules.indexOf(rule), text: rule.text, page: rule.page });
      }
    }
    return facts.key ? found : [];
  }

  function recommendation(state) {
    const useCase = KNOWLEDGE.useCases.find((entry) => entry.id === state.useCase);
    if (!useCase) {
      return null;
    }
    const exchange = KNOWLEDGE.exchanges[state.exchange];
    const rows = [];
    const changes = [];
    for (const setting of KNOWLEDGE.settings) {
      const want = useCase.settings[setting.id];
      let value = setting.values[String(want)];
      if (setting.id === "ip" && want === "server" && useCase.ipMeaning) {
        value += " (" + useCase.ipMeaning + ")";
      }
      rows.push({ id: setting.id, label: setting.label, want, value });
      if (want !== null && want !== state[setting.id]) {
        const own = (exchange.changes || {})[setting.id] || {};
        changes.push({ id: setting.id, text: own[String(want)] || setting.change[String(want)] });
      }
    }
    return { useCase, rows, changes };
  }

  // ---- drawing ----

  function icon(name) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "kl-leak__icon kl-leak__icon--" + name);
    svg.innerHTML = ICONS[name];
    return svg;
  }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === false || value === null || value === undefined) {
        continue;
      }
      if (name === "className") {
        node.className = value;
      } else {
        node.setAttribute(name, value === true ? "" : value);
      }
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child);
      }
    }
    return node;
  }

  // `code` in the knowledge's texts becomes <code>.
  function rich(text) {
    const fragment = document.createDocumentFragment();
    text.split("`").forEach((part, index) => {
      if (part) {
        fragment.append(index % 2 ? el("code", null, part) : part);
      }
    });
    return fragment;
  }

  // A link to the page section that states the fact, named after it.
  function more(page) {
    return page ? [" (", el("a", { href: page.href, className: "kl-leak__more" }, page.title), ")"] : [];
  }

  function capabilityItem(result) {
    const status = KNOWLEDGE.statuses[result.status];
    return el("li", { className: "kl-leak__item kl-leak__item--" + result.status, "data-key": result.id, "data-status": result.status },
      el("span", { className: "kl-leak__badge" }, icon(status.icon), status.label),
      result.server ? el("span", { className: "kl-leak__badge kl-leak__badge--server" }, icon("server"), "only from your server") : null,
      " ",
      el("span", { className: "kl-leak__action" }, result.action),
      el("span", { className: "kl-leak__why" }, el("span", { className: "kl-leak__label" }, "Why: "), rich(result.why), more(result.page)));
  }

  function noteList(className, entries, iconName) {
    return el("ul", { className: "kl-leak__notes " + className },
      entries.map((entry) => el("li", { "data-key": entry.id }, icon(iconName), rich(entry.text), more(entry.page))));
  }

  function namesBlock(state) {
    const facts = factsOf(state);
    const block = el("div", { className: "kl-leak__block", "data-key": "names" },
      el("h4", null, "In the exchange's own words"));
    if (!facts.key) {
      block.append(el("p", null, "No key, so no permissions to name."));
      return block;
    }
    const shown = state.exchange === "any" ? EXCHANGE_ORDER.slice(1) : [state.exchange];
    const list = el("dl", { className: "kl-leak__names" });
    for (const name of shown) {
      const exchange = KNOWLEDGE.exchanges[name];
      const local = factsOf({ ...state, exchange: name });
      list.append(el("dt", { "data-key": name }, exchange.name));
      for (const entry of allMatching(exchange.names, local)) {
        list.append(el("dd", { "data-key": name + ":" + entry.level + ":" + (entry.code || entry.text) },
          entry.level + ": ", entry.code ? el("code", null, entry.code) : entry.text));
      }
      list.append(el("dd", { className: "kl-leak__ask", "data-key": name + ":ask" }, "Ask the key itself: ", rich(exchange.ask), more(exchange.page)));
    }
    block.append(list);
    return block;
  }

  function recommendationBlock(state) {
    const block = el("div", { className: "kl-leak__block", "data-key": "recommendation" });
    const advice = recommendation(state);
    if (!advice) {
      block.append(el("h4", null, "Recommended settings"),
        el("p", null, "Choose a use case above to compare your settings with its recommendation. The rule is least privilege: the permissions the program needs today, nothing more",
          more(PAGE.leastPrivilege), "."));
      return block;
    }
    block.append(el("h4", { "data-key": "title" }, "Recommended for: " + advice.useCase.label));
    block.append(el("ul", { className: "kl-leak__settings", "data-key": "settings" }, advice.rows.map((row) =>
      el("li", { "data-setting": row.id, "data-want": String(row.want) },
        icon(row.want === true || row.want === "server" ? "safe" : row.want === null ? "info" : "blocked"),
        el("span", { className: "kl-leak__label" }, row.label + ": "), row.value))));
    block.append(el("p", { className: "kl-leak__subhead", "data-key": "subhead" }, "What to change from your current settings:"));
    if (advice.changes.length) {
      block.append(el("ul", { className: "kl-leak__changes", "data-key": "changes" },
        advice.changes.map((change) => el("li", { "data-setting": change.id }, change.text))));
    } else {
      block.append(el("p", { className: "kl-leak__changes kl-leak__changes--none", "data-key": "no-changes" },
        icon("safe"), "Nothing: your settings match the recommendation."));
    }
    block.append(el("p", { className: "kl-leak__subhead", "data-key": "tips-title" }, "Good to know:"));
    block.append(el("ul", { className: "kl-leak__tips", "data-key": "tips" }, advice.useCase.tips.map((tip) => el("li", null, rich(tip)))));
    return block;
  }

  function draw(state) {
    const facts = factsOf(state);
    const results = capabilityResults(facts);
    const exchange = KNOWLEDGE.exchanges[state.exchange];
    const body = el("div");

    body.append(el("div", { className: "kl-leak__block kl-leak__worst", "data-key": "worst" },
      el("h4", null, "Worst case"), el("p", null, worstCase(facts))));

    const refused = refusals(facts);
    if (refused.length) {
      body.append(el("div", { className: "kl-leak__block kl-leak__refusals", "data-key": "refusals" },
        el("h4", null, "Would the exchange allow this key?"),
        noteList("kl-leak__notes--refusals", refused, "blocked")));
    }

    for (const [group, title] of [["could", "Someone holding the key and its secret could"], ["couldNot", "They could not"]]) {
      const items = results.filter((result) => KNOWLEDGE.statuses[result.status].group === group);
      body.append(el("div", { className: "kl-leak__block", "data-key": group },
        el("h4", null, title),
        items.length
          ? el("ul", { className: "kl-leak__list", "data-group": group }, items.map(capabilityItem))
          : el("p", null, "Nothing.")));
    }

    const notes = allMatching(exchange.notes, facts).map((note) => ({ ...note, id: String(exchange.notes.indexOf(note)) }));
    if (notes.length) {
      body.append(el("div", { className: "kl-leak__block", "data-key": "notes:" + state.exchange },
        el("h4", null, state.exchange === "any" ? "Exchange rules" : exchange.name + " specifics"),
        noteList("kl-leak__notes--exchange", notes, "info")));
    }

    body.append(recommendationBlock(state));
    body.append(namesBlock(state));
    return body;
  }

  // Replace only what changed, so that the live region announces the change, not everything.
  // Children are matched by data-key, or by position when they have none; an element whose own
  // attributes are unchanged but whose keyed children differ is patched in place.
  function patch(target, fresh) {
    const keyed = new Map();
    for (const child of Array.from(target.children)) {
      if (child.dataset.key) {
        keyed.set(child.dataset.key, child);
      }
    }
    const wanted = Array.from(fresh.children);
    wanted.forEach((node, index) => {
      const atIndex = target.children[index];
      const previous = node.dataset.key
        ? keyed.get(node.dataset.key)
        : atIndex && !atIndex.dataset.key ? atIndex : undefined;
      let keep = node;
      if (previous && previous.isEqualNode(node)) {
        keep = previous;
      } else if (previous && node.querySelector("[data-key]") && previous.cloneNode(false).isEqualNode(node.cloneNode(false))) {
        patch(previous, node);
        keep = previous;
      }
      if (node.dataset.key) {
        keyed.delete(node.dataset.key);
      }
      if (target.children[index] !== keep) {
        target.insertBefore(keep, target.children[index] || null);
      }
    });
    while (target.children.length > wanted.length) {
      target.lastElementChild.remove();
    }
  }

  // ---- the form ----

  function buildForm(root) {
    const id = (name) => "kl-leak-" + name;
    const useCase = el("select", { id: id("usecase"), "aria-describedby": id("usecase-about") },
      el("option", { value: "" }, "None: I set the key up myself"),
      KNOWLEDGE.useCases.map((entry) => el("option", { value: entry.id }, entry.label)));
    const exchange = el("select", { id: id("exchange"), "aria-describedby": id("exchange-about") },
      EXCHANGE_ORDER.map((name) => el("option", { value: name }, KNOWLEDGE.exchanges[name].name)));

    const checkbox = (entry, name) => el("div", { className: "kl-leak__choice" },
      el("input", { type: "checkbox", id: id(entry.id), name, value: entry.id, "aria-describedby": id(entry.id + "-hint") }),
      el("label", { for: id(entry.id) }, entry.label),
      el("span", { className: "kl-leak__hint", id: id(entry.id + "-hint") }, entry.hint));

    const form = el("form", { className: "kl-leak__form", "aria-label": "The leaked key's settings", novalidate: true },
      el("div", { className: "kl-leak__field" },
        el("label", { for: id("usecase") }, "Use case"),
        useCase,
        el("p", { className: "kl-leak__hint", id: id("usecase-about") }),
        el("button", { type: "button", id: id("apply"), className: "md-button kl-leak__apply" }, "Use the recommended settings")),
      el("div", { className: "kl-leak__field" },
        el("label", { for: id("exchange") }, "Exchange"),
        exchange,
        el("p", { className: "kl-leak__hint", id: id("exchange-about") }, "Permission names and some rules differ between exchanges.")),
      el("fieldset", null, el("legend", null, "Permissions on the key"),
        KNOWLEDGE.permissions.map((entry) => checkbox(entry, "permission")),
        el("p", { className: "kl-leak__hint" }, "Untick all three for no key at all.")),
      el("fieldset", null, el("legend", null, "IP restriction"),
        KNOWLEDGE.ipChoices.map((entry) => el("div", { className: "kl-leak__choice" },
          el("input", { type: "radio", id: id("ip-" + entry.id), name: "ip", value: entry.id }),
          el("label", { for: id("ip-" + entry.id) }, entry.label)))),
      el("fieldset", null, el("legend", null, "Account settings"),
        KNOWLEDGE.accountOptions.map((entry) => checkbox(entry, "account"))));
    form.addEventListener("submit", (event) => event.preventDefault());

    const results = el("section", { className: "kl-leak__results", "aria-labelledby": id("results-title"), "aria-live": "polite" },
      el("h3", { id: id("results-title") }, "If this key leaked"),
      el("div", { className: "kl-leak__body" }));

    root.replaceChildren(form, results);
    return { form, useCase, exchange, results, body: results.querySelector(".kl-leak__body") };
  }

  function readState(parts) {
    const form = parts.form;
    return {
      useCase: parts.useCase.value,
      exchange: parts.exchange.value,
      read: form.querySelector("#kl-leak-read").checked,
      trade: form.querySelector("#kl-leak-trade").checked,
      withdraw: form.querySelector("#kl-leak-withdraw").checked,
      ip: form.querySelector("input[name=ip]:checked").value,
      addressList: form.querySelector("#kl-leak-addressList").checked,
      subaccount: form.querySelector("#kl-leak-subaccount").checked,
    };
  }

  function writeState(parts, state) {
    const form = parts.form;
    parts.useCase.value = state.useCase;
    parts.exchange.value = state.exchange;
    for (const name of ["read", "trade", "withdraw", "addressList", "subaccount"]) {
      form.querySelector("#kl-leak-" + name).checked = state[name];
    }
    form.querySelector("#kl-leak-ip-" + state.ip).checked = true;
  }

  function update(parts) {
    const state = readState(parts);
    const useCase = KNOWLEDGE.useCases.find((entry) => entry.id === state.useCase);
    parts.form.querySelector("#kl-leak-usecase-about").textContent = useCase
      ? useCase.about + " The recommended settings are below the results; the button applies them."
      : "Set the key's permissions and restrictions yourself.";
    parts.form.querySelector("#kl-leak-apply").hidden = !useCase;
    patch(parts.body, draw(state));
  }

  function init() {
    const root = document.getElementById("kl-leak");
    if (!root || root.dataset.ready) {
      return;
    }
    root.dataset.ready = "true";
    const parts = buildForm(root);
    writeState(parts, INITIAL);
    parts.form.addEventListener("change", () => update(parts));
    parts.form.querySelector("#kl-leak-apply").addEventListener("click", () => {
      const state = readState(parts);
      const useCase = KNOWLEDGE.useCases.find((entry) => entry.id === state.useCase);
      if (!useCase) {
        return;
      }
      for (const [name, value] of Object.entries(useCase.settings)) {
        if (value !== null) {
          state[name] = value;
        }
      }
      writeState(parts, state);
      update(parts);
    });
    update(parts);
  }

  // For the tests and the curious: the knowledge the explorer works from.
  window.KeyLabLeakExplorer = { knowledge: KNOWLEDGE };

  // Material's instant navigation swaps the page without a reload (and runs this file again);
  // init() does nothing when the explorer is absent or already drawn.
  if (window.document$ && !window.KeyLabLeakExplorerSubscribed) {
    window.KeyLabLeakExplorerSubscribed = true;
    window.document$.subscribe(() => init());
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
