/**
 * The CLI's options and each command's help. One table feeds both the parser and `--help`,
 * so a command accepts exactly the options its help lists.
 */
export const CLI_OPTIONS = {
  data: { type: 'string' },
  instance: { type: 'string' },
  json: { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  'public-url': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'rate-limit': { type: 'string' },
  'token-ttl': { type: 'string' },
  'ticket-ttl': { type: 'string' },
  'presence-grace': { type: 'string' },
  'log-level': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'legacy-signatures': { type: 'string' },
  'body-budget': { type: 'string' },
  'media-ports': { type: 'string' },
  'media-workers': { type: 'string' },
  'media-address': { type: 'string' },
  'virtual-phones': { type: 'string' },
  'rtp-agents': { type: 'string' },
  sip: { type: 'string' },
  'sip-address': { type: 'string' },
  'sip-port': { type: 'string' },
  'sip-domain': { type: 'string' },
  'sip-max-calls': { type: 'string' },
  'sip-cps': { type: 'string' },
  'sip-advertised-address': { type: 'string' },
  'sip-trusted-proxies': { type: 'string' },
  'ring-timeout': { type: 'string' },
  'max-wait': { type: 'string' },
  'after-call-work': { type: 'string' },
  overflow: { type: 'string' },
  'when-none-online': { type: 'string' },
  'require-signed-action': { type: 'string' },
  'single-use-signatures': { type: 'string' },
  sub: { type: 'boolean' },
  actions: { type: 'string' },
  instances: { type: 'string' },
  description: { type: 'string' },
  name: { type: 'string' },
  password: { type: 'string' },
  'skill-group': { type: 'string' },
  ivr: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type OptionName = keyof typeof CLI_OPTIONS;

/** One option as its help shows it: the flag, its value's placeholder, what it does. */
type OptionHelp = readonly [name: OptionName, value: string, text: string];

interface CommandHelp {
  summary: string;
  usage: readonly string[];
  options: readonly OptionHelp[];
  /** Lines after the options: defaults, examples, where to read more. */
  notes?: readonly string[];
}

const DATA: OptionHelp = ['data', 'DIR', 'data folder (default: OPENCCC_DATA_DIR, else ./data)'];
const INSTANCE: OptionHelp = ['instance', 'ID', 'SdkAppId to act on (default: the first instance)'];
const JSON_OUTPUT: OptionHelp = ['json', '', 'print JSON, for scripts'];
const HELP: OptionHelp = ['help', '', 'print this help'];

/** `start`'s server options; `init` takes the address ones to print the right URL. */
const ADDRESS_OPTIONS: readonly OptionHelp[] = [
  ['host', 'H', 'listen address (OPENCCC_HOST, default 127.0.0.1; 0.0.0.0 for every interface)'],
  ['port', 'P', 'listen port (OPENCCC_PORT, default 8080; 0 picks a free port)'],
  ['public-url', 'URL', 'base URL browsers and SDKs reach the server at (OPENCCC_PUBLIC_URL)'],
  ['tls-cert', 'FILE', 'PEM certificate chain, with --tls-key: serve HTTPS (OPENCCC_TLS_CERT)'],
  ['tls-key', 'FILE', 'PEM private key (OPENCCC_TLS_KEY)'],
];

const SERVER_OPTIONS: readonly OptionHelp[] = [
  ...ADDRESS_OPTIONS,
  ['rate-limit', 'N', 'Cloud API requests per second per key, 0: no limit (OPENCCC_RATE_LIMIT, default 200)'],
  ['token-ttl', 'S', 'lifetime of SDK login tokens (OPENCCC_TOKEN_TTL_SECONDS, default 600)'],
  ['ticket-ttl', 'S', 'lifetime of a workbench login without a connection (OPENCCC_TICKET_TTL_SECONDS, default 43200)'],
  ['presence-grace', 'S', 'how long an agent stays online after the last connection closed (OPENCCC_PRESENCE_GRACE_SECONDS, default 30)'],
  ['log-level', 'L', 'fatal|error|warn|info|debug|trace|silent (OPENCCC_LOG_LEVEL, default info)'],
  ['trust-proxy', 'ADDRS', 'reverse proxies whose X-Forwarded-For is read (OPENCCC_TRUST_PROXY, default false)'],
  ['legacy-signatures', 'on|off', 'accept v1 signatures (OPENCCC_LEGACY_SIGNATURES, default on)'],
  ['body-budget', 'MB', 'Cloud API request bodies held at once (OPENCCC_BODY_BUDGET_MB, default 64)'],
  ['ring-timeout', 'S', 'how long an offer rings an agent (OPENCCC_RING_TIMEOUT_SECONDS, default 30)'],
  ['max-wait', 'S', 'longest wait in a queue, 0: no limit (OPENCCC_MAX_WAIT_SECONDS, default 0)'],
  ['after-call-work', 'S', 'after-call work after a queued call (OPENCCC_AFTER_CALL_WORK_SECONDS, default 0)'],
  ['media-ports', 'MIN-MAX', 'UDP ports of calls\' audio (OPENCCC_MEDIA_PORTS, default 20000-29999)'],
  ['media-workers', 'N', 'audio worker threads (OPENCCC_MEDIA_WORKERS, default: the cores, at most 16)'],
  ['media-address', 'IP', 'address phones and browsers send audio to (OPENCCC_MEDIA_ADDRESS)'],
  ['virtual-phones', 'on|off', 'the virtual phone network and the web phone at /phone (OPENCCC_VIRTUAL_PHONES, default on)'],
  ['rtp-agents', 'on|off', 'let scripted agents answer over plain RTP (OPENCCC_RTP_AGENTS, default off)'],
  ['sip', 'on|off', 'the SIP gateway for carrier trunks and desk phones (OPENCCC_SIP, default off)'],
  ['sip-address', 'IP', 'address the SIP listener binds (OPENCCC_SIP_ADDRESS, default: --host)'],
  ['sip-port', 'P', 'SIP port, UDP and TCP (OPENCCC_SIP_PORT, default 5060)'],
  ['sip-domain', 'NAME', 'SIP domain; phones register under <SdkAppId>.NAME (OPENCCC_SIP_DOMAIN, default: the host name, else localhost)'],
  ['sip-max-calls', 'N', 'concurrent SIP calls across the server (OPENCCC_SIP_MAX_CALLS, default 1000)'],
  ['sip-cps', 'N', 'new SIP calls per second across the server (OPENCCC_SIP_CPS, default 100)'],
  ['sip-advertised-address', 'HOST', 'address written in Via and Contact when peers reach the server at another one (OPENCCC_SIP_ADVERTISED_ADDRESS)'],
  ['sip-trusted-proxies', 'CIDRS', 'the SIP edge (Kamailio) whose X-OpenCCC-Source-IP is believed (OPENCCC_SIP_TRUSTED_PROXIES)'],
];

const ON_OFF_KEY_OPTIONS: readonly OptionHelp[] = [
  ['require-signed-action', 'on|off', 'requests must sign X-TC-Action (default off)'],
  ['single-use-signatures', 'on|off', 'each signature is accepted once (default off)'],
];

const GROUP_ROUTING_OPTIONS: readonly OptionHelp[] = [
  ['ring-timeout', 'S', 'how long an offer rings (5-600, or default)'],
  ['max-wait', 'S', 'longest wait in the queue (0-86400, 0: no limit, or default)'],
  ['overflow', 'GROUP_ID|none', 'where a call that leaves the queue goes (or default)'],
  ['when-none-online', 'queue|exit', 'what a call does while no member is online (or default)'],
  ['after-call-work', 'S', 'after-call work of the agent (0-3600, or default)'],
];

export const COMMAND_HELP = {
  init: {
    summary: 'create the first instance, its administrator and a main-account API key, and print them once',
    usage: ['openccc init [options]'],
    options: [DATA, JSON_OUTPUT, ...ADDRESS_OPTIONS, HELP],
    notes: ['The address options only change the URL printed. A data folder that is already initialised is refused.'],
  },
  start: {
    summary: 'run the server until Ctrl-C (SIGINT) or SIGTERM; on an empty data folder it first does what init does',
    usage: ['openccc start [options]', 'npm start -- [options]     (inside the repository)'],
    options: [DATA, ...SERVER_OPTIONS, HELP],
    notes: ['Flags win over environment variables. Example: openccc start --port 8081   or   OPENCCC_PORT=8081 npm start'],
  },
  keys: {
    summary: 'manage Cloud API keys (SecretId and SecretKey)',
    usage: [
      'openccc keys create [--description D] [--require-signed-action on|off] [--single-use-signatures on|off]',
      'openccc keys create --sub --actions A,B* [--instances ID,…] [--description D] [...]',
      'openccc keys list',
      'openccc keys update <SecretId> [--require-signed-action on|off] [--single-use-signatures on|off]',
      'openccc keys disable|enable|delete <SecretId>',
    ],
    options: [
      ['sub', '', 'create a sub-account key, limited by --actions and --instances'],
      ['actions', 'LIST', 'actions a sub-account key may call: names, prefixes (Describe*) or *'],
      ['instances', 'IDS', 'SdkAppIds a sub-account key may act on (default: every instance)'],
      ['description', 'D', 'a note shown by keys list'],
      ...ON_OFF_KEY_OPTIONS,
      DATA,
      JSON_OUTPUT,
      HELP,
    ],
    notes: ['The SecretKey is printed once, by keys create.'],
  },
  instances: {
    summary: 'manage instances (SdkAppIds)',
    usage: ['openccc instances create [--name N]', 'openccc instances list'],
    options: [['name', 'N', 'the new instance\'s name (default: instance)'], DATA, JSON_OUTPUT, HELP],
    notes: ['create also makes the instance\'s administrator admin@openccc.local and prints its password once.'],
  },
  staff: {
    summary: 'list staff, and set or generate a staff\'s password (the administrator\'s too)',
    usage: ['openccc staff list', 'openccc staff reset-password <mail> [--password P]'],
    options: [['password', 'P', 'the new password, at least 8 characters (default: generate one and print it)'], INSTANCE, DATA, JSON_OUTPUT, HELP],
    notes: [
      'A lost administrator password: openccc staff reset-password admin@openccc.local',
      'Resetting a password ends the staff\'s logins.',
    ],
  },
  origins: {
    summary: 'host-page origins allowed to embed the agent workbench through the SDK',
    usage: ['openccc origins add <origin>', 'openccc origins remove <origin>', 'openccc origins list'],
    options: [INSTANCE, DATA, JSON_OUTPUT, HELP],
    notes: ['An origin is scheme, host and optional port: https://crm.example.com, http://localhost:3000, or * for any page.'],
  },
  number: {
    summary: 'an instance\'s phone numbers and where their calls go (a skill group or an IVR flow)',
    usage: [
      'openccc number add <number> [--skill-group ID | --ivr FILE]',
      'openccc number route <number> [--skill-group ID | --ivr FILE]   (neither: unrouted)',
      'openccc number enable|disable|remove <number>',
      'openccc number list',
    ],
    options: [
      ['skill-group', 'ID', 'route the number\'s calls to this skill group\'s queue'],
      ['ivr', 'FILE', 'route them into this IVR flow (JSON, see docs/ivr.md)'],
      INSTANCE,
      DATA,
      JSON_OUTPUT,
      HELP,
    ],
  },
  group: {
    summary: 'skill groups and how each routes its calls',
    usage: ['openccc group list', 'openccc group routing <id> [options]   (no option: show the group\'s routing)'],
    options: [...GROUP_ROUTING_OPTIONS, INSTANCE, DATA, JSON_OUTPUT, HELP],
    notes: ['default as a value removes the group\'s own setting: the server\'s flag or the built-in default applies again.'],
  },
  prompt: {
    summary: 'an instance\'s own IVR prompts (8 kHz mono WAV files)',
    usage: ['openccc prompt add <file.wav> [--name N]', 'openccc prompt list'],
    options: [['name', 'N', 'the prompt\'s name (default: the file name)'], INSTANCE, DATA, JSON_OUTPUT, HELP],
  },
} as const satisfies Record<string, CommandHelp>;

export type CommandName = keyof typeof COMMAND_HELP;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_HELP, name);
}

/** `openccc <command> --help`. */
export function commandHelp(name: CommandName): string {
  const help: CommandHelp = COMMAND_HELP[name];
  const flags = help.options.map(([option, value]) => `--${option}${option === 'help' ? ', -h' : ''}${value ? ` ${value}` : ''}`);
  const width = Math.max(...flags.map((flag) => flag.length)) + 2;
  return [
    ...help.usage.map((line, i) => `${i === 0 ? 'Usage: ' : '       '}${line}`),
    '',
    `${help.summary.charAt(0).toUpperCase()}${help.summary.slice(1)}.`,
    '',
    'Options:',
    ...help.options.map(([, , text], i) => `  ${(flags[i] ?? '').padEnd(width)}${text}`),
    ...(help.notes ? ['', ...help.notes] : []),
    '',
    'See docs/cli.md for everything.',
  ].join('\n');
}

/** The options a command accepts (its help lists them). */
export function acceptedOptions(name: CommandName): ReadonlySet<OptionName> {
  return new Set(COMMAND_HELP[name].options.map(([option]) => option));
}

/** `openccc --help`. */
export function overview(): string {
  const names = [...Object.keys(COMMAND_HELP), 'call', 'sip'];
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const summaries: Record<string, string> = { ...Object.fromEntries(Object.entries(COMMAND_HELP).map(([n, h]) => [n, h.summary])), call: 'place or take a scripted call on the virtual phone network', sip: 'an instance\'s SIP carrier trunks and desk-phone extensions' };
  return [
    'Usage: openccc <command> [options]',
    '       openccc <command> --help     the command\'s own options',
    '',
    'Commands:',
    ...names.map((name) => `  ${name.padEnd(width)}${summaries[name] ?? ''}`),
    '',
    'Common options: --data DIR (default ./data, or OPENCCC_DATA_DIR), --instance ID, --json, --help',
    'Inside the repository: npm run -s openccc -- <command> [options]',
    'See docs/cli.md for everything.',
  ].join('\n');
}
