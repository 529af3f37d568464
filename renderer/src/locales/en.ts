/**
 * The window's English words, the reference catalogue: de.ts has to have the same shape (its type is Catalogue), and
 * test/renderer/i18n.test.ts checks that both have the same keys and the same {{placeholders}}. Plural forms are
 * i18next's `_one`/`_other` keys, picked with `count`. Server text (job names, errors, server names) is never here:
 * it is shown as the server sent it.
 */
export const en = {
  app: {
    views: { jobs: 'Jobs', failures: 'Failures', notifications: 'Notifications', servers: 'Servers', settings: 'Settings' },
    viewsLabel: 'Views',
    dismiss: 'Dismiss',
    announcements: 'Announcements',
    demoFailed: 'The demo server could not start: {{error}}',
    failureAnnouncement: 'Failed: {{job}} on {{server}}. {{count}} unacknowledged.',
  },
  noBridge: {
    title: 'Jobwatch cannot reach its engine',
    text: 'This page must be opened by the Jobwatch app. Restart Jobwatch; if this persists, reinstall it.',
  },
  common: {
    cancel: 'Cancel',
    close: 'Close',
    none: '—',
  },
  header: {
    failureCount_one: '{{count}} unacknowledged failure',
    failureCount_other: '{{count}} unacknowledged failures',
    servers: 'Servers',
  },
  pause: {
    pause: 'Pause',
    pausedUntil: 'Paused until {{time}}',
    notifications: 'notifications',
    oneHour: 'Pause for 1 hour',
    tomorrowMorning: 'Pause until tomorrow 8:00',
    resume: 'Resume notifications',
  },
  serverChip: {
    running: 'Running jobs',
    runningCount: ' running',
  },
  states: {
    WAITING: 'Waiting',
    RUNNING: 'Running',
    SUCCESS: 'Succeeded',
    FAILED: 'Failed',
    ABORTED: 'Aborted',
  },
  duration: {
    seconds: '{{value}} s',
    minutes: '{{value}} min',
    hours: '{{value}} h',
    days: '{{value}} d',
    pair: '{{larger}} {{smaller}}',
  },
  timeLine: {
    WAITING: 'Waiting since {{time}}',
    RUNNING: 'Started {{time}}',
    SUCCESS: 'Finished {{time}}',
    FAILED: 'Failed {{time}}',
    ABORTED: 'Aborted {{time}}',
  },
  serverStatus: {
    live: 'Live',
    offline: 'Offline',
    retryingNow: 'Offline, retrying now',
    retryIn: 'Offline, retry in {{wait}}',
    needsAttention: 'Needs attention',
    needsAttentionBecause: 'Needs attention: {{reason}}',
    stopped: 'Stopped',
    connecting: 'Connecting…',
    withDetail: '{{status}} — {{detail}}',
  },
  attention: {
    CERT_UNTRUSTED: 'certificate not trusted',
    CERT_CHANGED: 'certificate changed',
    INSECURE_TRANSPORT: 'not sent over unencrypted ws://',
    AUTH_FAILED: 'key or password refused',
    AUTH_EXPIRED: 'key or password expired or revoked',
    AUTH_DENIED: 'no API access',
    AUTH_REDIRECT: 'standby controller',
    OTP_REQUIRED: 'one-time code needed',
    ACCESS_RESTRICTED: 'this computer is not allowed',
    ENDPOINT_NOT_FOUND: 'not a TrueNAS address',
    SECRET_REQUIRED: 'key or password needed',
    MECHANISM_UNSUPPORTED: 'sign-in method not supported',
  },
  jobs: {
    loading: 'Loading…',
    loadFailed: 'Jobwatch could not load its state',
    noServer: {
      title: 'No server yet',
      text: 'Add a TrueNAS server to follow its jobs, or start the built-in demo server to see how Jobwatch works.',
      add: 'Add a server',
      startDemo: 'Start the demo server',
      startingDemo: 'Starting the demo server…',
    },
    tabs: { active: 'Active', failed: 'Failed', all: 'All' },
    tabsLabel: 'Show jobs',
    listLabel: { active: 'Active jobs', failed: 'Failed jobs', all: 'All jobs' },
    searchLabel: 'Search jobs by method or description',
    searchPlaceholder: 'Search jobs',
    server: 'Server',
    allServers: 'All servers',
    transient: 'Transient',
    allOffline: { title: 'All servers are offline', check: 'Check the servers' },
    noMatch: { title: 'No job matches', text: 'Nothing matches “{{search}}”.', clear: 'Clear the search' },
    nothingRunning: {
      title: 'Nothing running',
      offline: 'No server is connected right now.',
      idle: 'No job is running or waiting. Jobwatch will notify you when one fails.',
      showAll: 'Show all jobs',
    },
    noFailed: { title: 'No failed jobs', text: 'Nothing has failed recently.' },
    noJobs: { title: 'No jobs yet', text: 'Jobs appear here as soon as a server runs one.' },
  },
  jobList: {
    label: 'Jobs',
  },
  jobRow: {
    elapsed: 'Elapsed',
    progress: 'Progress of {{job}}',
    progressUnknown: 'Progress of {{job}} (unknown)',
    left: '{{time}} left',
  },
  failures: {
    title: 'Failures',
    acknowledgeAll: 'Acknowledge all',
    acknowledge: 'Acknowledge',
    acknowledgeLabel: 'Acknowledge {{job}} on {{server}}',
    empty: {
      title: 'No unacknowledged failures',
      text: 'When a job fails it stays here until you acknowledge it, even if it happened while Jobwatch was closed.',
    },
  },
  help: {
    title: 'Keyboard shortcuts',
    comma: '(comma)',
    escKey: 'Esc',
    note: 'Keys do nothing while you type in a field, or with Ctrl, Alt or ⌘ held.',
  },
  shortcuts: {
    jobs: 'Show jobs',
    failures: 'Show failures',
    notifications: 'Show notifications',
    servers: 'Show servers',
    settings: 'Show settings',
    help: 'Show these keyboard shortcuts',
    escape: 'Close this help, a dialog or the job detail; otherwise hide the window',
  },
  certificate: {
    fingerprint: 'SHA-256 fingerprint',
    subject: 'Subject',
    issuer: 'Issuer',
    selfSigned: '{{issuer}} (self-signed)',
    valid: 'Valid',
    validRange: '{{from}} to {{to}}',
  },
  diagnostics: {
    legend: 'About and diagnostics',
    hint: 'For a bug report: the report lists versions, each server’s state and host, and recent errors. API keys, passwords and credentials in addresses are left out.',
    openLogFolder: 'Open log folder',
    copy: 'Copy diagnostics',
    logFolderOpened: 'Log folder opened.',
    copied: 'Diagnostics copied to the clipboard. Paste them into your bug report.',
    shownBelow: 'Diagnostics shown below; copy them from there.',
    report: 'Diagnostics report',
  },
  jobDiagnostics: {
    job: 'Job {{id}} on {{server}}: {{title}}',
    method: 'Method: {{method}}',
    state: 'State: {{state}}',
    statePercent: 'State: {{state}} ({{percent}})',
    started: 'Started: {{time}}',
    finished: 'Finished: {{time}}',
    duration: 'Duration: {{duration}}',
    startedBy: 'Started by: {{who}}',
    startedByWithCredentials: 'Started by: {{who}} ({{credentials}})',
    theSystem: 'the system',
    arguments: 'Arguments: {{arguments}}',
    progress: 'Progress: {{text}}',
    error: 'Error: {{text}}',
    exceptionType: 'Exception type: {{text}}',
    traceback: 'Traceback:',
    logExcerpt: 'Log excerpt:',
  },
  history: {
    title: 'Last runs of this task',
    runs_one: '{{count}} run',
    runs_other: '{{count}} runs',
    succeeded: '{{rate}} succeeded',
    usually: 'usually takes {{duration}}',
    chartLabel_one: 'Durations of the last run',
    chartLabel_other: 'Durations of the last {{count}} runs',
    chartFailed: ', {{count}} failed (marked with a cross)',
    chartNoneFailed: ', none failed',
    chartUsual: '; usually {{duration}}',
    chartTable: '. The same runs are listed in the table below.',
    asTable: 'Runs as a table',
    caption: 'Last runs of {{task}}, newest first',
    started: 'Started',
    duration: 'Duration',
    outcome: 'Outcome',
    outcomes: { SUCCESS: 'succeeded', FAILED: 'failed', ABORTED: 'aborted' },
  },
  connection: {
    generic: { title: 'The connection failed', explanation: 'See the details below.' },
    UNREACHABLE: {
      title: 'The server cannot be reached',
      explanation:
        'Nothing answered at this address. Check the host name or IP address, that the server is on, and that this computer is on the same network (or VPN).',
    },
    TIMEOUT: {
      title: 'The server did not answer in time',
      explanation: 'The connection was opened but the server stayed silent. It may be busy or starting up; try again in a minute.',
    },
    ENDPOINT_NOT_FOUND: {
      title: 'This is not a TrueNAS API address',
      explanation: 'Something answered, but not the TrueNAS middleware. Use the address you open the TrueNAS web interface with.',
    },
    ACCESS_RESTRICTED: {
      title: 'The server refused this computer',
      explanation: 'TrueNAS only allows the web UI and API from some addresses. Add this computer under System › General › UI allowlist.',
    },
    CERT_UNTRUSTED: {
      title: 'The certificate is not trusted',
      explanation:
        'The server uses a certificate no authority on this computer vouches for (TrueNAS ships a self-signed one). Compare the fingerprint below with the one shown in TrueNAS under Credentials › Certificates. Trust it only if they match.',
    },
    CERT_CHANGED: {
      title: 'The certificate has changed',
      explanation:
        'The server now presents a different certificate from the one you trusted. This happens when the certificate was renewed, but it is also what an attacker on the network would do, so Jobwatch refuses to connect. If you renewed it yourself, remove the server and add it again.',
    },
    insecurePassword: {
      title: 'The password would be readable on the network',
      explanation:
        'This address uses an unencrypted connection to another computer, so anyone on the network between you and the server could read the password. Use wss:// (or just the host name) instead of {{scheme}}. Only on a network you trust and if you accept that risk: tick “Send the password unencrypted” below.',
    },
    insecureApiKey: {
      title: 'An API key cannot be sent over ws://',
      explanation:
        'TrueNAS revokes an API key that arrives over an unencrypted connection, so Jobwatch will not send it. Use wss:// (or just the host name) instead of {{scheme}}. A tunnel or TLS proxy that ends before the NAS does not help: TrueNAS judges the connection it receives and can still revoke the key.',
    },
    unencryptedAddress: 'an unencrypted address',
    AUTH_FAILED: {
      title: 'Wrong credentials',
      explanation:
        'The server did not accept this user name and API key or password. Check both; an API key is shown only once when it is created in TrueNAS.',
    },
    AUTH_EXPIRED: {
      title: 'The key or password has expired or was revoked',
      explanation:
        'TrueNAS says this credential is no longer valid. An API key is revoked automatically if it was ever sent over plain ws://. Create a new key in TrueNAS and enter it here.',
    },
    AUTH_DENIED: {
      title: 'This account may not use the API',
      explanation: 'The login worked but the account has no API access. Use an account with at least read-only administrator rights.',
    },
    OTP_REQUIRED: {
      title: 'A one-time code is needed',
      explanation: 'This account uses two-factor authentication. Enter the current code from your authenticator app.',
    },
    RATE_LIMITED: {
      title: 'Too many attempts',
      explanation: 'The server is limiting login attempts. Wait a minute before trying again.',
    },
    AUTH_REDIRECT: {
      title: 'This is the standby controller',
      explanation: 'Connect to the active controller of this high-availability system instead.',
    },
    MECHANISM_UNSUPPORTED: {
      title: 'The server offers no way to sign in with these details',
      explanation:
        'The server does not accept this kind of sign-in: an API key may need the user name it belongs to, or API keys may be turned off on the server. The message below says which; change the details or use a password.',
    },
    SECRET_REQUIRED: {
      title: 'The key or password is needed again',
      explanation:
        'A saved key or password is only sent to the address, sign-in method and user it was entered for. Enter it again for these details.',
    },
  },
} as const;

/** The shape every catalogue has: en's keys, each a string. */
export type Catalogue = Messages<typeof en>;
type Messages<T> = { readonly [K in keyof T]: T[K] extends string ? string : Messages<T[K]> };
