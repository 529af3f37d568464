/** The window's German words: the same keys and {{placeholders}} as en.ts (the Catalogue type and test/renderer/i18n.test.ts check). */
import type { Catalogue } from './en';

export const de: Catalogue = {
  app: {
    views: { jobs: 'Jobs', failures: 'Fehler', notifications: 'Meldungen', servers: 'Server', settings: 'Einstellungen' },
    viewsLabel: 'Ansichten',
    dismiss: 'Schließen',
    announcements: 'Ansagen',
    demoFailed: 'Der Demo-Server konnte nicht starten: {{error}}',
    failureAnnouncement: 'Fehlgeschlagen: {{job}} auf {{server}}. {{count}} unbestätigt.',
  },
  noBridge: {
    title: 'Jobwatch erreicht seinen Kern nicht',
    text: 'Diese Seite muss von der Jobwatch-App geöffnet werden. Starten Sie Jobwatch neu; wenn das nicht hilft, installieren Sie es neu.',
  },
  common: {
    cancel: 'Abbrechen',
    close: 'Schließen',
    none: '—',
  },
  header: {
    failureCount_one: '{{count}} unbestätigter Fehler',
    failureCount_other: '{{count}} unbestätigte Fehler',
    servers: 'Server',
  },
  pause: {
    pause: 'Pause',
    pausedUntil: 'Pausiert bis {{time}}',
    notifications: '(Benachrichtigungen)',
    oneHour: '1 Stunde pausieren',
    tomorrowMorning: 'Bis morgen 8:00 pausieren',
    resume: 'Benachrichtigungen fortsetzen',
  },
  serverChip: {
    running: 'Laufende Jobs',
    runningCount: ' laufen',
  },
  states: {
    WAITING: 'Wartet',
    RUNNING: 'Läuft',
    SUCCESS: 'Erfolgreich',
    FAILED: 'Fehlgeschlagen',
    ABORTED: 'Abgebrochen',
  },
  duration: {
    seconds: '{{value}} s',
    minutes: '{{value}} min',
    hours: '{{value}} Std.',
    days: '{{value}} Tg.',
    pair: '{{larger}} {{smaller}}',
  },
  timeLine: {
    WAITING: 'Wartet seit {{time}}',
    RUNNING: 'Gestartet {{time}}',
    SUCCESS: 'Beendet {{time}}',
    FAILED: 'Fehlgeschlagen {{time}}',
    ABORTED: 'Abgebrochen {{time}}',
  },
  serverStatus: {
    live: 'Verbunden',
    offline: 'Offline',
    retryingNow: 'Offline, neuer Versuch jetzt',
    retryIn: 'Offline, neuer Versuch in {{wait}}',
    needsAttention: 'Handlungsbedarf',
    needsAttentionBecause: 'Handlungsbedarf: {{reason}}',
    stopped: 'Gestoppt',
    connecting: 'Verbinde…',
    withDetail: '{{status}} — {{detail}}',
  },
  attention: {
    CERT_UNTRUSTED: 'Zertifikat nicht vertrauenswürdig',
    CERT_CHANGED: 'Zertifikat geändert',
    INSECURE_TRANSPORT: 'nicht unverschlüsselt über ws:// gesendet',
    AUTH_FAILED: 'Schlüssel oder Passwort abgelehnt',
    AUTH_EXPIRED: 'Schlüssel oder Passwort abgelaufen oder widerrufen',
    AUTH_DENIED: 'kein API-Zugriff',
    AUTH_REDIRECT: 'Standby-Controller',
    OTP_REQUIRED: 'Einmalcode nötig',
    ACCESS_RESTRICTED: 'dieser Computer ist nicht zugelassen',
    ENDPOINT_NOT_FOUND: 'keine TrueNAS-Adresse',
    SECRET_REQUIRED: 'Schlüssel oder Passwort nötig',
    MECHANISM_UNSUPPORTED: 'Anmeldeart nicht unterstützt',
  },
  jobs: {
    loading: 'Wird geladen…',
    loadFailed: 'Jobwatch konnte seinen Zustand nicht laden',
    noServer: {
      title: 'Noch kein Server',
      text: 'Fügen Sie einen TrueNAS-Server hinzu, um seine Jobs zu verfolgen, oder starten Sie den eingebauten Demo-Server, um Jobwatch kennenzulernen.',
      add: 'Server hinzufügen',
      startDemo: 'Demo-Server starten',
      startingDemo: 'Demo-Server startet…',
    },
    tabs: { active: 'Aktiv', failed: 'Fehlgeschlagen', all: 'Alle' },
    tabsLabel: 'Jobs anzeigen',
    listLabel: { active: 'Aktive Jobs', failed: 'Fehlgeschlagene Jobs', all: 'Alle Jobs' },
    searchLabel: 'Jobs nach Methode oder Beschreibung suchen',
    searchPlaceholder: 'Jobs suchen',
    server: 'Server',
    allServers: 'Alle Server',
    transient: 'Kurzlebige',
    allOffline: { title: 'Alle Server sind offline', check: 'Server prüfen' },
    noMatch: { title: 'Kein Job passt', text: 'Nichts passt zu „{{search}}“.', clear: 'Suche leeren' },
    nothingRunning: {
      title: 'Nichts läuft',
      offline: 'Gerade ist kein Server verbunden.',
      idle: 'Kein Job läuft oder wartet. Jobwatch benachrichtigt Sie, wenn einer fehlschlägt.',
      showAll: 'Alle Jobs zeigen',
    },
    noFailed: { title: 'Keine fehlgeschlagenen Jobs', text: 'In letzter Zeit ist nichts fehlgeschlagen.' },
    noJobs: { title: 'Noch keine Jobs', text: 'Jobs erscheinen hier, sobald ein Server einen ausführt.' },
  },
  jobList: {
    label: 'Jobs',
  },
  jobRow: {
    elapsed: 'Laufzeit',
    progress: 'Fortschritt von {{job}}',
    progressUnknown: 'Fortschritt von {{job}} (unbekannt)',
    left: 'noch {{time}}',
  },
  failures: {
    title: 'Fehler',
    acknowledgeAll: 'Alle bestätigen',
    acknowledge: 'Bestätigen',
    acknowledgeLabel: '{{job}} auf {{server}} bestätigen',
    empty: {
      title: 'Keine unbestätigten Fehler',
      text: 'Schlägt ein Job fehl, bleibt er hier, bis Sie ihn bestätigen – auch wenn es geschah, während Jobwatch geschlossen war.',
    },
  },
  help: {
    title: 'Tastenkürzel',
    comma: '(Komma)',
    escKey: 'Esc',
    note: 'Die Tasten wirken nicht, während Sie in ein Feld tippen oder Strg, Alt oder ⌘ gedrückt halten.',
  },
  shortcuts: {
    jobs: 'Jobs zeigen',
    failures: 'Fehler zeigen',
    notifications: 'Meldungen zeigen',
    servers: 'Server zeigen',
    settings: 'Einstellungen zeigen',
    help: 'Diese Tastenkürzel zeigen',
    escape: 'Diese Hilfe, einen Dialog oder die Job-Details schließen; sonst das Fenster ausblenden',
  },
  certificate: {
    fingerprint: 'SHA-256-Fingerabdruck',
    subject: 'Inhaber',
    issuer: 'Aussteller',
    selfSigned: '{{issuer}} (selbst signiert)',
    valid: 'Gültig',
    validRange: '{{from}} bis {{to}}',
  },
  diagnostics: {
    legend: 'Über Jobwatch und Diagnose',
    hint: 'Für einen Fehlerbericht: Der Bericht nennt die Versionen, Zustand und Host jedes Servers und die letzten Fehler. API-Schlüssel, Passwörter und Zugangsdaten in Adressen werden weggelassen.',
    openLogFolder: 'Protokollordner öffnen',
    copy: 'Diagnose kopieren',
    logFolderOpened: 'Protokollordner geöffnet.',
    copied: 'Diagnose in die Zwischenablage kopiert. Fügen Sie sie in Ihren Fehlerbericht ein.',
    shownBelow: 'Die Diagnose steht unten; kopieren Sie sie von dort.',
    report: 'Diagnosebericht',
  },
  jobDiagnostics: {
    job: 'Job {{id}} auf {{server}}: {{title}}',
    method: 'Methode: {{method}}',
    state: 'Zustand: {{state}}',
    statePercent: 'Zustand: {{state}} ({{percent}})',
    started: 'Gestartet: {{time}}',
    finished: 'Beendet: {{time}}',
    duration: 'Dauer: {{duration}}',
    startedBy: 'Gestartet von: {{who}}',
    startedByWithCredentials: 'Gestartet von: {{who}} ({{credentials}})',
    theSystem: 'dem System',
    arguments: 'Argumente: {{arguments}}',
    progress: 'Fortschritt: {{text}}',
    error: 'Fehler: {{text}}',
    exceptionType: 'Ausnahmetyp: {{text}}',
    traceback: 'Traceback:',
    logExcerpt: 'Protokollauszug:',
  },
  history: {
    title: 'Letzte Läufe dieser Aufgabe',
    runs_one: '{{count}} Lauf',
    runs_other: '{{count}} Läufe',
    succeeded: '{{rate}} erfolgreich',
    usually: 'dauert meist {{duration}}',
    chartLabel_one: 'Dauer des letzten Laufs',
    chartLabel_other: 'Dauer der letzten {{count}} Läufe',
    chartFailed: ', {{count}} fehlgeschlagen (mit einem Kreuz markiert)',
    chartNoneFailed: ', keiner fehlgeschlagen',
    chartUsual: '; meist {{duration}}',
    chartTable: '. Dieselben Läufe stehen in der Tabelle darunter.',
    asTable: 'Läufe als Tabelle',
    caption: 'Letzte Läufe von {{task}}, neueste zuerst',
    started: 'Gestartet',
    duration: 'Dauer',
    outcome: 'Ergebnis',
    outcomes: { SUCCESS: 'erfolgreich', FAILED: 'fehlgeschlagen', ABORTED: 'abgebrochen' },
  },
  connection: {
    generic: { title: 'Die Verbindung ist fehlgeschlagen', explanation: 'Die Einzelheiten stehen unten.' },
    UNREACHABLE: {
      title: 'Der Server ist nicht erreichbar',
      explanation:
        'Unter dieser Adresse hat nichts geantwortet. Prüfen Sie den Hostnamen oder die IP-Adresse, ob der Server eingeschaltet ist und ob dieser Computer im selben Netz (oder VPN) ist.',
    },
    TIMEOUT: {
      title: 'Der Server hat nicht rechtzeitig geantwortet',
      explanation:
        'Die Verbindung wurde geöffnet, aber der Server blieb stumm. Vielleicht ist er beschäftigt oder startet gerade; versuchen Sie es in einer Minute noch einmal.',
    },
    ENDPOINT_NOT_FOUND: {
      title: 'Das ist keine TrueNAS-API-Adresse',
      explanation:
        'Etwas hat geantwortet, aber nicht die TrueNAS-Middleware. Verwenden Sie die Adresse, mit der Sie die TrueNAS-Weboberfläche öffnen.',
    },
    ACCESS_RESTRICTED: {
      title: 'Der Server hat diesen Computer abgewiesen',
      explanation:
        'TrueNAS erlaubt Weboberfläche und API nur von bestimmten Adressen. Fügen Sie diesen Computer unter System › General › UI allowlist hinzu.',
    },
    CERT_UNTRUSTED: {
      title: 'Dem Zertifikat wird nicht vertraut',
      explanation:
        'Der Server verwendet ein Zertifikat, für das keine Stelle auf diesem Computer bürgt (TrueNAS liefert ein selbst signiertes mit). Vergleichen Sie den Fingerabdruck unten mit dem, den TrueNAS unter Credentials › Certificates zeigt. Vertrauen Sie ihm nur, wenn beide gleich sind.',
    },
    CERT_CHANGED: {
      title: 'Das Zertifikat hat sich geändert',
      explanation:
        'Der Server zeigt jetzt ein anderes Zertifikat als das, dem Sie vertraut haben. Das passiert, wenn das Zertifikat erneuert wurde, aber genau so würde auch ein Angreifer im Netz vorgehen – deshalb verbindet sich Jobwatch nicht. Wenn Sie es selbst erneuert haben, entfernen Sie den Server und fügen Sie ihn neu hinzu.',
    },
    insecurePassword: {
      title: 'Das Passwort wäre im Netz lesbar',
      explanation:
        'Diese Adresse nutzt eine unverschlüsselte Verbindung zu einem anderen Computer; jeder im Netz zwischen Ihnen und dem Server könnte das Passwort mitlesen. Verwenden Sie wss:// (oder nur den Hostnamen) statt {{scheme}}. Nur in einem Netz, dem Sie vertrauen, und wenn Sie das Risiko tragen: Kreuzen Sie unten „Passwort unverschlüsselt senden“ an.',
    },
    insecureApiKey: {
      title: 'Ein API-Schlüssel kann nicht über ws:// gesendet werden',
      explanation:
        'TrueNAS widerruft einen API-Schlüssel, der über eine unverschlüsselte Verbindung ankommt; deshalb sendet Jobwatch ihn nicht. Verwenden Sie wss:// (oder nur den Hostnamen) statt {{scheme}}. Ein Tunnel oder TLS-Proxy, der vor dem NAS endet, hilft nicht: TrueNAS beurteilt die Verbindung, die bei ihm ankommt, und kann den Schlüssel trotzdem widerrufen.',
    },
    unencryptedAddress: 'einer unverschlüsselten Adresse',
    AUTH_FAILED: {
      title: 'Falsche Zugangsdaten',
      explanation:
        'Der Server hat diesen Benutzernamen und API-Schlüssel oder dieses Passwort nicht angenommen. Prüfen Sie beides; ein API-Schlüssel wird nur einmal angezeigt, wenn er in TrueNAS erstellt wird.',
    },
    AUTH_EXPIRED: {
      title: 'Schlüssel oder Passwort ist abgelaufen oder wurde widerrufen',
      explanation:
        'TrueNAS meldet, dass diese Zugangsdaten nicht mehr gültig sind. Ein API-Schlüssel wird automatisch widerrufen, wenn er jemals über einfaches ws:// gesendet wurde. Erstellen Sie in TrueNAS einen neuen Schlüssel und geben Sie ihn hier ein.',
    },
    AUTH_DENIED: {
      title: 'Dieses Konto darf die API nicht nutzen',
      explanation:
        'Die Anmeldung hat geklappt, aber das Konto hat keinen API-Zugriff. Verwenden Sie ein Konto mit mindestens Administratorrechten zum Lesen.',
    },
    OTP_REQUIRED: {
      title: 'Ein Einmalcode ist nötig',
      explanation: 'Dieses Konto nutzt Zwei-Faktor-Authentifizierung. Geben Sie den aktuellen Code aus Ihrer Authenticator-App ein.',
    },
    RATE_LIMITED: {
      title: 'Zu viele Versuche',
      explanation: 'Der Server begrenzt Anmeldeversuche. Warten Sie eine Minute, bevor Sie es erneut versuchen.',
    },
    AUTH_REDIRECT: {
      title: 'Das ist der Standby-Controller',
      explanation: 'Verbinden Sie sich stattdessen mit dem aktiven Controller dieses Hochverfügbarkeitssystems.',
    },
    MECHANISM_UNSUPPORTED: {
      title: 'Der Server bietet keine Anmeldung mit diesen Angaben an',
      explanation:
        'Der Server nimmt diese Art der Anmeldung nicht an: Ein API-Schlüssel braucht vielleicht den Benutzernamen, zu dem er gehört, oder API-Schlüssel sind auf dem Server abgeschaltet. Die Meldung unten sagt, was zutrifft; ändern Sie die Angaben oder verwenden Sie ein Passwort.',
    },
    SECRET_REQUIRED: {
      title: 'Schlüssel oder Passwort wird erneut gebraucht',
      explanation:
        'Ein gespeicherter Schlüssel oder ein gespeichertes Passwort wird nur an die Adresse, Anmeldeart und den Benutzer gesendet, für die es eingegeben wurde. Geben Sie es für diese Angaben erneut ein.',
    },
  },
};
