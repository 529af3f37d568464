/**
 * The German catalogue: the English one's shape exactly (typed as its Catalogue, so a missing or extra key does not
 * compile). Addressed formally ("Sie"), as desktop software in German usually is. TrueNAS's own German UI keeps
 * "Job", "Scrub", "Snapshot" and "Rsync" as they are; so does this.
 */
import type { Catalogue } from './en';

export const de: Catalogue = {
  duration: {
    days: '{{count}} T',
    hours: '{{count}} Std.',
    minutes: '{{count}} Min.',
    seconds: '{{count}} s',
  },
  methods: {
    replication: 'Replikation',
    cloudSync: 'Cloud-Synchronisierung',
    cloudBackup: 'Cloud-Backup',
    rsyncTask: 'Rsync-Aufgabe',
    scrub: 'Scrub',
    snapshotTask: 'Snapshot-Aufgabe',
    cronJob: 'Cron-Job',
    updateDownload: 'Update-Download',
    update: 'Update',
    configBackup: 'Konfigurationssicherung',
    diskWipe: 'Datenträger löschen',
    appUpgrade: 'App-Aktualisierung',
    unnamed: 'Ein Job',
  },
  notification: {
    whileAway: 'Während Ihrer Abwesenheit: {{text}}',
    ended: {
      FAILED: '{{job}} ist auf {{server}} fehlgeschlagen',
      SUCCESS: '{{job}} ist auf {{server}} abgeschlossen',
      ABORTED: '{{job}} wurde auf {{server}} abgebrochen',
    },
    count: {
      FAILED: '{{count}} fehlgeschlagen',
      SUCCESS: '{{count}} abgeschlossen',
      ABORTED: '{{count}} abgebrochen',
    },
    jobsEnded: {
      FAILED_one: '{{count}} Job ist auf {{server}} fehlgeschlagen',
      FAILED_other: '{{count}} Jobs sind auf {{server}} fehlgeschlagen',
      SUCCESS_one: '{{count}} Job ist auf {{server}} abgeschlossen',
      SUCCESS_other: '{{count}} Jobs sind auf {{server}} abgeschlossen',
      ABORTED_one: '{{count}} Job wurde auf {{server}} abgebrochen',
      ABORTED_other: '{{count}} Jobs wurden auf {{server}} abgebrochen',
    },
    outcomesOn: '{{outcomes}} auf {{server}}',
    failedLabel: '{{job}} (fehlgeschlagen)',
    listSeparator: ', ',
    andMore: '{{list}} und {{count}} weitere',
    methodOn: '{{method}} auf {{server}}',
    ran: 'Laufzeit {{duration}}',
    noErrorMessage: 'Es wurde keine Fehlermeldung übermittelt.',
    watchDone: 'Alle Jobs auf {{server}} sind beendet',
    watchedJobs_one: '{{count}} beobachteter Job: {{outcomes}}',
    watchedJobs_other: '{{count}} beobachtete Jobs: {{outcomes}}',
    stillFailing: '{{job}} schlägt auf {{server}} weiterhin fehl',
    failedInARow_one: '{{count}}-mal in Folge fehlgeschlagen.',
    failedInARow_other: '{{count}}-mal in Folge fehlgeschlagen.',
    safeToRestart: 'Neustart jetzt möglich',
    safeToRestartBody: 'Auf keinem Server läuft mehr etwas (der letzte Job endete auf {{server}}).',
    insightsOn_one: '{{count}} Hinweis zu {{server}}',
    insightsOn_other: '{{count}} Hinweise zu {{server}}',
    insightSeparator: '; ',
  },
  insight: {
    slowerTitle: '{{job}} ist auf {{server}} langsamer als üblich',
    slowerBody: '{{job}} läuft seit {{elapsed}}; üblich sind {{usual}}.',
    stalledTitle: '{{job}} scheint auf {{server}} festzuhängen',
    stalledBody: 'Seit {{duration}} kein Fortschritt.',
    stalledBodyAt: 'Seit {{duration}} kein Fortschritt (weiterhin bei {{percent}} %).',
    fixedTitle: '{{job}} läuft auf {{server}} wieder',
    fixedBody_one: 'Erfolgreich nach {{count}} fehlgeschlagenen Lauf.',
    fixedBody_other: 'Erfolgreich nach {{count}} fehlgeschlagenen Läufen.',
    stillFailingTitle: '{{job}} schlägt auf {{server}} weiterhin fehl',
    stillFailingBody_one: '{{count}}-mal in Folge fehlgeschlagen.',
    stillFailingBody_other: '{{count}}-mal in Folge fehlgeschlagen.',
    missedTitle: '{{job}} ist auf {{server}} nicht gelaufen',
    missedBodyAt: 'Ein Lauf war für {{time}} UTC (Serverzeit) erwartet.',
    missedBody: 'Ein geplanter Lauf hat nicht begonnen.',
  },
  notificationActions: {
    acknowledge: 'Bestätigen',
    open: 'Öffnen',
  },
  sessionState: {
    idle: 'Nicht gestartet',
    connecting: 'Verbindung wird aufgebaut…',
    authenticating: 'Anmeldung läuft…',
    subscribing: 'Jobs werden abonniert…',
    syncing: 'Jobs werden geladen…',
    live: 'Verbunden',
    stopped: 'Angehalten',
  },
  tray: {
    tooltip: 'Jobwatch: {{parts}}',
    partSeparator: ' · ',
    running_one: '{{count}} läuft',
    running_other: '{{count}} laufen',
    failed_one: '{{count}} fehlgeschlagen',
    failed_other: '{{count}} fehlgeschlagen',
    servers_one: '{{count}} Server',
    servers_other: '{{count}} Server',
    offline_one: '{{count}} offline',
    offline_other: '{{count}} offline',
    pausedUntil: 'pausiert bis {{time}}',
    open: 'Jobwatch öffnen',
    noServers: 'Noch keine Server',
    serverLine: '{{name}}: {{status}}',
    serverFailures_one: '{{count}} Fehler',
    serverFailures_other: '{{count}} Fehler',
    serverMuted: 'stummgeschaltet',
    notificationsPausedUntil: 'Benachrichtigungen pausiert bis {{time}}',
    pauseNotifications: 'Benachrichtigungen pausieren',
    pausePreset: {
      'one-hour': 'Für 1 Stunde',
      'tomorrow-morning': 'Bis morgen (08:00)',
    },
    resume: 'Fortsetzen',
    acknowledgeAll: 'Alle Fehler bestätigen',
    acknowledgeAllCount: 'Alle Fehler bestätigen ({{count}})',
    settings: 'Einstellungen…',
    quit: 'Jobwatch beenden',
  },
  safety: {
    menuSafe: 'Neustart möglich? Ja',
    menuNotYet: 'Neustart möglich? Noch nicht',
    tellMeWhenSafe: 'Benachrichtigen, sobald es möglich ist',
    watchingUntilSafe: 'Beobachtung läuft… (Benachrichtigung, sobald es möglich ist)',
    nothingRunning: 'Auf keinem Server läuft etwas',
    notSafe: 'Noch nicht: {{reasons}}',
    reasonSeparator: '; ',
    jobs_one: '{{count}} Job',
    jobs_other: '{{count}} Jobs',
    onServers_one: 'auf {{count}} Server',
    onServers_other: 'auf {{count}} Servern',
    jobsRunning_one: '{{jobs}} läuft {{where}}',
    jobsRunning_other: '{{jobs}} laufen {{where}}',
    unknownServers: '{{names}} unbekannt (nicht verbunden)',
    serverUnknown: '{{name}}: unbekannt ({{detail}})',
    notConnected: 'nicht verbunden',
    serverJob: '{{name}}: {{job}}',
    serverJobAbout: '{{name}}: {{job}} (etwa {{percent}} %)',
  },
  updates: {
    offDevelopment: 'In einer Entwicklungsversion sind Updates ausgeschaltet.',
    offSnap: 'Updates kommen aus dem Snap Store.',
    offPackage:
      'Als deb- oder rpm-Paket installiert: Aktualisieren Sie es mit Ihrer Paketverwaltung oder laden Sie eine neue Version herunter.',
    offPlatform: 'Auf {{platform}} sind keine Updates verfügbar.',
    checking: 'Suche nach Updates…',
    upToDate: 'Jobwatch ist auf dem neuesten Stand',
    downloading: 'Update {{version}} wird heruntergeladen: {{percent}} %',
    restartToUpdate: 'Neu starten und aktualisieren ({{version}})',
    failed: 'Update-Prüfung fehlgeschlagen (morgen erneut)',
    tooltipDownloading: 'Update {{version}} wird geladen ({{percent}} %)',
    tooltipReady: 'Update {{version}} bereit',
  },
  recovery: {
    gaveUpTitle: 'Das Jobwatch-Fenster fällt immer wieder aus',
    gaveUpMessage:
      'Das Fenster ist {{count}}-mal innerhalb von {{seconds}} Sekunden abgestürzt oder hat nicht mehr reagiert, daher lädt Jobwatch es nicht mehr neu. ' +
      'Jobs werden weiter verfolgt und Benachrichtigungen kommen weiter an. Wählen Sie „Jobwatch öffnen“ im Infobereich, um das Fenster erneut zu versuchen, ' +
      'oder beenden und starten Sie Jobwatch neu; der Protokollordner (Einstellungen, Diagnose) enthält die Einzelheiten für einen Fehlerbericht.',
  },
  access: {
    fullAdmin: 'Vollständiger Administrator: sieht alle Jobs auf diesem Server.',
    coreRoot: 'Als root angemeldet (TrueNAS CORE): sieht alle Jobs auf diesem Server.',
    unboundApiKey: 'API-Schlüssel ohne zugehörigen Benutzer (TrueNAS 24.10 und älter): sieht alle Jobs auf diesem Server.',
    restricted:
      'Eingeschränktes Konto ({{roles}}): sieht {{sees}}; andere Jobs (Scrubs, Snapshots, Jobs des Systems) bleiben verborgen. ' +
      'Ab TrueNAS 25.10 verschwindet ein Job, der über eine andere Verbindung dieses Kontos gestartet wurde, sobald diese ' +
      'Verbindung geschlossen wird, und wie er endete, ist hier nicht zu sehen. Verwenden Sie ein Konto mit FULL_ADMIN, um alle Jobs zu sehen.',
    noRoles: 'keine Rollen',
    seesOwnAnd: 'die selbst gestarteten Jobs sowie alle Jobs der {{kinds}}',
    seesOwnOnly: 'nur die selbst gestarteten Jobs',
    readableJobs: {
      cloudSync: 'Cloud-Synchronisierung',
      replication: 'Replikation',
    },
    lostNotice_one:
      'Jobwatch hat „{{name}}“ (Job {{id}}) aus den Augen verloren, bevor er beendet war: Dieses Konto kann ihn nicht mehr sehen, ' +
      'daher ist hier unbekannt, wie er endete. Prüfen Sie ihn in der TrueNAS-Weboberfläche oder verwenden Sie ein Konto mit FULL_ADMIN.',
    lostNotice_other:
      'Jobwatch hat „{{name}}“ (Job {{id}}) aus den Augen verloren, bevor er beendet war (bisher {{count}} Jobs): Dieses Konto kann ihn ' +
      'nicht mehr sehen, daher ist hier unbekannt, wie er endete. Prüfen Sie ihn in der TrueNAS-Weboberfläche oder verwenden Sie ein ' +
      'Konto mit FULL_ADMIN.',
  },
  schedules: {
    kindNames: {
      snapshot: 'Periodische Snapshot-Aufgabe',
      replication: 'Replikation',
      cloudsync: 'Cloud-Synchronisierung',
      cloud_backup: 'Cloud-Backup',
      rsync: 'Rsync-Aufgabe',
      scrub: 'Scrub',
    },
    kindWords: {
      snapshot: 'periodische Snapshots',
      replication: 'Replikation',
      cloudsync: 'Cloud-Synchronisierung',
      cloud_backup: 'Cloud-Backup',
      rsync: 'Rsync',
      scrub: 'Scrubs',
    },
    task: '{{kind}} „{{name}}“',
    notAllowed_one:
      'Dieses Konto darf die Aufgaben für {{kinds}} nicht lesen ({{methods}}), daher werden ihre verpassten Läufe nicht geprüft. Geben Sie ihm die passende Leserolle oder READONLY_ADMIN, damit sie geprüft werden.',
    notAllowed_other:
      'Dieses Konto darf die Aufgaben für {{kinds}} nicht lesen ({{methods}}), daher werden ihre verpassten Läufe nicht geprüft. Geben Sie ihm die passenden Leserollen oder READONLY_ADMIN, damit sie geprüft werden.',
    unreadable_one:
      'Die Aufgaben für {{kinds}} konnten nicht gelesen werden ({{methods}}), daher werden ihre verpassten Läufe vorerst nicht geprüft; Jobwatch versucht es später erneut.',
    unreadable_other:
      'Die Aufgaben für {{kinds}} konnten nicht gelesen werden ({{methods}}), daher werden ihre verpassten Läufe vorerst nicht geprüft; Jobwatch versucht es später erneut.',
    notAList_one:
      'Der Server hat auf {{methods}} mit etwas geantwortet, das keine Liste ist; die Aufgaben für {{kinds}} werden vorerst nicht geprüft.',
    notAList_other:
      'Der Server hat auf {{methods}} mit etwas geantwortet, das keine Liste ist; die Aufgaben für {{kinds}} werden vorerst nicht geprüft.',
    noTimeZone:
      'Dieses Konto darf die Zeitzone des Servers nicht lesen (system.general.config oder system.info), daher werden verpasste geplante Läufe nicht geprüft. Geben Sie ihm SYSTEM_GENERAL_READ oder READONLY_ADMIN, damit sie geprüft werden.',
    readError: 'Die Aufgabendefinitionen konnten nicht gelesen werden ({{reason}}); Jobwatch versucht es später erneut.',
    rejected_one: '{{count}} Aufgabendefinition hatte eine unerwartete Form und wird nicht geprüft.',
    rejected_other: '{{count}} Aufgabendefinitionen hatten eine unerwartete Form und werden nicht geprüft.',
    badSchedule: '{{task}}: Der Zeitplan „{{pattern}}“ in der Zeitzone {{zone}} ließ sich nicht lesen: {{detail}}',
    missed_one:
      '{{task}} war für {{time}} ({{zone}}) geplant und hat nicht innerhalb von {{tolerance}} begonnen. Prüfen Sie die Aufgabe und die Warnungen des Servers in der TrueNAS-Weboberfläche.',
    missed_other:
      '{{task}} hat {{count}} geplante Läufe vom {{from}} bis {{to}} ({{zone}}) verpasst. Prüfen Sie die Aufgabe und die Warnungen des Servers in der TrueNAS-Weboberfläche.',
    couldNotCheck_one: 'Ob {{task}} am {{time}} gelaufen ist, ließ sich nicht prüfen: {{reason}}. Das ist kein Fehler des Servers.',
    couldNotCheck_other:
      '{{count}} geplante Läufe von {{task}} vom {{from}} bis {{to}} ließen sich nicht prüfen: {{reason}}. Das ist kein Fehler des Servers.',
    notWatching: {
      fromTo: 'Jobwatch hat den Server vom {{from}} bis {{to}} nicht beobachtet ({{zone}})',
      from: 'Jobwatch hat den Server seit {{from}} nicht beobachtet ({{zone}})',
      beforeStartTo: 'Jobwatch hat den Server bis {{to}} noch nicht beobachtet ({{zone}})',
      beforeStart: 'Jobwatch hat den Server noch nicht beobachtet ({{zone}})',
    },
  },
  dialogs: {
    saveJobLog: 'Job-Protokoll speichern',
    couldNotStart: 'Jobwatch konnte nicht starten',
  },
  errors: {
    startAtLoginUnavailable: 'Der Start bei der Anmeldung ist auf diesem System nicht verfügbar.',
    startAtLoginCreate: '{{file}} konnte nicht angelegt werden: {{reason}}',
    startAtLoginRemove: '{{file}} konnte nicht entfernt werden: {{reason}}',
    urlNotAllowed: 'Nur die Weboberfläche eines eingerichteten Servers kann geöffnet werden.',
    noLogFile: 'Diese Version schreibt keine Protokolldatei: Ihr Protokoll geht an das Terminal, aus dem sie gestartet wurde.',
    openLogFolderFailed: 'Der Protokollordner konnte nicht geöffnet werden ({{problem}}). Er liegt unter {{folder}}.',
    demoUnavailable: 'Der Demo-Server ist in dieser Version nicht verfügbar.',
    shortcutInUse: 'Das Tastenkürzel {{accelerator}} wird bereits von einem anderen Programm verwendet.',
    shortcutInvalid: '„{{accelerator}}“ ist kein gültiges Tastenkürzel.',
  },
  errorCodes: {
    UNREACHABLE: 'Der Server ist nicht erreichbar. Prüfen Sie die Adresse, das Netzwerk und ob der Server eingeschaltet ist.',
    CONNECTION_CLOSED: 'Die Verbindung zum Server wurde beendet; Jobwatch verbindet sich neu.',
    TIMEOUT: 'Der Server hat nicht rechtzeitig geantwortet; Jobwatch versucht es erneut.',
    ENDPOINT_NOT_FOUND: 'Unter dieser Adresse antwortet etwas, aber keine TrueNAS-API. Prüfen Sie die Adresse.',
    ACCESS_RESTRICTED:
      'Der Server weist diesen Computer ab: Seine Adresse steht nicht in der Liste der erlaubten Adressen der TrueNAS-Weboberfläche (System, Allgemein, UI-Zulassungsliste).',
    FRAME_TOO_LARGE: 'Der Server hat eine Nachricht gesendet, die größer ist, als Jobwatch annimmt; Jobwatch verbindet sich neu.',
    CERT_UNTRUSTED:
      'Das Zertifikat des Servers ist auf diesem System nicht vertrauenswürdig. Vergleichen Sie seinen Fingerabdruck mit dem des Servers und vertrauen Sie ihm in den Servereinstellungen.',
    CERT_CHANGED:
      'Das Zertifikat des Servers hat sich geändert, seit ihm vertraut wurde. Hat der Server ein neues Zertifikat erhalten, vergleichen Sie den Fingerabdruck und vertrauen Sie ihm erneut.',
    INSECURE_TRANSPORT:
      'Jobwatch sendet keinen API-Schlüssel über eine unverschlüsselte Verbindung an einen anderen Computer. Verwenden Sie https:// oder wss://.',
    AUTH_FAILED: 'Der Server hat die Anmeldung abgelehnt: Prüfen Sie den API-Schlüssel oder Benutzername und Passwort.',
    AUTH_EXPIRED:
      'Das Passwort oder der API-Schlüssel ist abgelaufen oder wurde widerrufen. Legen Sie auf dem Server einen neuen an und geben Sie ihn ein.',
    AUTH_DENIED:
      'Dieses Konto darf die API nicht verwenden. Erteilen Sie ihm auf dem Server API-Zugriff oder verwenden Sie ein anderes Konto.',
    AUTH_REDIRECT: 'Dies ist der Standby-Controller eines Hochverfügbarkeitssystems. Verwenden Sie die Adresse des aktiven Controllers.',
    OTP_REQUIRED: 'Der Server verlangt einen Einmalcode. Geben Sie einen ein, um sich anzumelden.',
    RATE_LIMITED: 'Zu viele Anmeldungen in kurzer Zeit; Jobwatch wartet und versucht es erneut.',
    NOT_AUTHENTICATED: 'Die TrueNAS-Sitzung ist abgelaufen; Jobwatch meldet sich erneut an.',
    MECHANISM_UNSUPPORTED: 'Der Server bietet keine Anmeldemethode an, die Jobwatch verwenden kann. Verwenden Sie einen API-Schlüssel.',
    SECRET_REQUIRED:
      'Geben Sie den API-Schlüssel oder das Passwort erneut ein: Das gespeicherte gehört zu einem anderen Server, einer anderen Anmeldemethode oder einem anderen Benutzer.',
    RPC_ERROR: 'Der Server hat einen Fehler gemeldet.',
    TOO_MANY_CALLS: 'Zu viele gleichzeitige Anfragen an den Server; versuchen Sie es gleich noch einmal.',
    BAD_FRAME: 'Der Server hat eine Nachricht gesendet, die Jobwatch nicht lesen konnte.',
    INVALID_INPUT: 'Das lässt sich so nicht ausführen.',
    NOT_FOUND: 'Dieser Server oder Job existiert nicht mehr.',
    INVALID_PROFILE: 'Die gespeicherten Einstellungen dieses Servers sind ungültig. Bearbeiten oder entfernen Sie den Server.',
    DUPLICATE_NAME: 'Es gibt bereits einen Server mit diesem Namen. Wählen Sie einen anderen Namen.',
    SECRETS_UNAVAILABLE: 'Auf diesem System lassen sich keine Geheimnisse speichern.',
    SECRET_STORAGE_UNAVAILABLE:
      'Es steht kein Schlüsselbund und kein Verschlüsselungsdienst des Systems zur Verfügung, um den API-Schlüssel oder das Passwort aufzubewahren.',
    SHORTCUT_UNAVAILABLE:
      'Das Tastenkürzel konnte nicht registriert werden; vielleicht verwendet es ein anderes Programm. Wählen Sie ein anderes.',
    START_AT_LOGIN_UNAVAILABLE: 'Der Start bei der Anmeldung lässt sich auf diesem System nicht einstellen.',
    URL_NOT_ALLOWED: 'Nur die Weboberfläche eines eingerichteten Servers kann geöffnet werden.',
    NO_LOG_FILE: 'Diese Version schreibt keine Protokolldatei.',
    OPEN_FAILED: 'Der Protokollordner konnte nicht geöffnet werden.',
    FORBIDDEN_SENDER: 'Die Anfrage kam nicht aus dem Jobwatch-Fenster und wurde abgelehnt.',
    INVALID_REQUEST: 'Die Anfrage wurde nicht verstanden.',
    INVALID_REPLY: 'Die Antwort wurde nicht verstanden.',
    FAILED: 'Etwas ist schiefgegangen; das Protokoll enthält die Einzelheiten.',
    serverSaid: 'Der Server meldet: {{message}}',
    fingerprint: '{{message}} SHA-256-Fingerabdruck des Zertifikats: {{fingerprint}}',
  },
};
