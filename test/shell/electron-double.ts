/**
 * A test double of the `electron` module: just enough of app, BrowserWindow, Tray, Menu, Notification,
 * ipcMain, safeStorage, globalShortcut, powerMonitor, screen, protocol, session, shell and nativeImage for the
 * shell's adapters and composition root, recording what they were asked to do.
 *
 * Use it injected (`new StatusTray(electronDouble, …)`) or as the module:
 *   vi.mock('electron', async () => (await import('./electron-double')).electronModule());
 * and call `resetElectronDouble()` in beforeEach.
 */
import { EventEmitter } from 'node:events';

type Listener = (...args: any[]) => unknown;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

let nextRoutingId = 1;
export class FakeFrame {
  readonly processId = 4242;
  readonly routingId = nextRoutingId++;
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  mainFrame = new FakeFrame('');
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  readonly session = fakeSession();
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  reloads = 0;
  crashedOnPurpose = 0;
  /** A reload gives the page a new main frame (as a new renderer process does), showing the same URL. */
  reload(): void {
    this.reloads += 1;
    this.mainFrame = new FakeFrame(this.mainFrame.url);
  }
  forcefullyCrashRenderer(): void {
    this.crashedOnPurpose += 1;
  }
  /** Test control: the renderer process died (crash, OOM, killed). */
  renderProcessGone(reason = 'crashed'): void {
    this.emit('render-process-gone', { preventDefault: () => undefined }, { reason, exitCode: 11 });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Emits a preventable event and says whether a listener prevented it. */
  tryEvent(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
  sentOn(channel: string): unknown[][] {
    return this.sent.filter((m) => m.channel === channel).map((m) => m.args);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  focused = false;
  destroyed = false;
  alwaysOnTop: boolean;
  position: [number, number] = [0, 0];
  size: [number, number];
  loadedUrl: string | null = null;
  constructor(readonly options: Record<string, any>) {
    super();
    this.alwaysOnTop = Boolean(options['alwaysOnTop']);
    this.size = [options['width'] ?? 800, options['height'] ?? 600];
    FakeBrowserWindow.instances.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
  }
  show(): void {
    this.visible = true;
    this.focused = true;
  }
  hide(): void {
    this.visible = false;
    this.focused = false;
  }
  focus(): void {
    this.focused = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setAlwaysOnTop(flag: boolean): void {
    this.alwaysOnTop = flag;
  }
  isAlwaysOnTop(): boolean {
    return this.alwaysOnTop;
  }
  setPosition(x: number, y: number): void {
    this.position = [x, y];
  }
  getSize(): number[] {
    return [...this.size];
  }
  setSize(width: number, height: number): void {
    this.size = [width, height];
  }
  /** What a user clicking the close button does: returns whether the close was prevented. */
  userClose(): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroy();
    return prevented;
  }
  close(): void {
    this.userClose();
  }
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((w) => !w.destroyed);
  }
}

export class FakeNativeImage {
  template = false;
  constructor(readonly path: string) {}
  setTemplateImage(flag: boolean): void {
    this.template = flag;
  }
  isEmpty(): boolean {
    return false;
  }
}

export interface MenuItemTemplate {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItemTemplate[];
}

export class FakeMenu {
  constructor(readonly items: MenuItemTemplate[]) {}
  static buildFromTemplate(template: MenuItemTemplate[]): FakeMenu {
    return new FakeMenu(template);
  }
  /** Finds an item by label prefix, in submenus too. */
  find(prefix: string): MenuItemTemplate | undefined {
    const walk = (items: MenuItemTemplate[]): MenuItemTemplate | undefined => {
      for (const item of items) {
        if (item.label?.startsWith(prefix)) return item;
        const inner = item.submenu ? walk(item.submenu) : undefined;
        if (inner) return inner;
      }
      return undefined;
    };
    return walk(this.items);
  }
  labels(): string[] {
    return this.items.map((i) => (i.type === 'separator' ? '---' : (i.label ?? '')));
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  image: FakeNativeImage;
  images: FakeNativeImage[] = [];
  toolTip = '';
  contextMenu: FakeMenu | null = null;
  poppedUp: FakeMenu[] = [];
  bounds: Rect = { x: 0, y: 0, width: 0, height: 0 };
  destroyed = false;
  constructor(image: FakeNativeImage) {
    super();
    this.image = image;
    this.images.push(image);
    FakeTray.instances.push(this);
  }
  setImage(image: FakeNativeImage): void {
    this.image = image;
    this.images.push(image);
  }
  setToolTip(text: string): void {
    this.toolTip = text;
  }
  title = '';
  titles: string[] = [];
  setTitle(title: string): void {
    this.title = title;
    this.titles.push(title);
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.contextMenu = menu;
  }
  popUpContextMenu(menu?: FakeMenu): void {
    if (menu) this.poppedUp.push(menu);
  }
  getBounds(): Rect {
    return this.bounds;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  shown = false;
  constructor(readonly options: Record<string, any>) {
    super();
    FakeNotification.instances.push(this);
  }
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  show(): void {
    this.shown = true;
  }
  close(): void {
    this.emit('close');
  }
  click(): void {
    this.emit('click');
  }
  /** Test control: the user pressed action button `index` (macOS, Windows), as Electron 45 reports it. */
  action(index: number): void {
    this.emit('action', { actionIndex: index, selectionIndex: -1, preventDefault: () => undefined }, index, -1);
  }
  /** The labels of the action buttons it was made with. */
  actionLabels(): string[] {
    return ((this.options['actions'] ?? []) as Array<{ text?: string }>).map((a) => a.text ?? '');
  }
  static shownOnes(): FakeNotification[] {
    return FakeNotification.instances.filter((n) => n.shown);
  }
}

function fakeSession() {
  return {
    headersListener: null as null | Listener,
    webRequest: {
      owner: null as unknown,
      onHeadersReceived(listener: Listener) {
        (this.owner as { headersListener: Listener | null }).headersListener = listener;
      },
    },
    permissionRequestHandler: null as null | Listener,
    permissionCheckHandler: null as null | Listener,
    deviceHandler: null as null | Listener,
    setPermissionRequestHandler(handler: Listener) {
      this.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: Listener) {
      this.permissionCheckHandler = handler;
    },
    setDevicePermissionHandler(handler: Listener) {
      this.deviceHandler = handler;
    },
  };
}

class FakeApp extends EventEmitter {
  ready = false;
  readyWaiters: Array<() => void> = [];
  singleInstanceLock = true;
  quitCalls = 0;
  exitCode: number | null = null;
  loginItem = { openAtLogin: false, openAsHidden: false };
  appUserModelId: string | null = null;
  dockHidden = false;
  isPackaged = false;
  paths: Record<string, string> = { userData: '/tmp/jobwatch-double/userData', appData: '/tmp/jobwatch-double' };
  appPath = process.cwd();
  /** What the OS says its languages are (test control): app.getPreferredSystemLanguages(). */
  preferredSystemLanguages: string[] = ['en-US'];
  locale = 'en-US';
  readonly dock = {
    hide: () => {
      this.dockHidden = true;
    },
    show: () => {
      this.dockHidden = false;
      return Promise.resolve();
    },
  };
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }
  isReady(): boolean {
    return this.ready;
  }
  getPreferredSystemLanguages(): string[] {
    return [...this.preferredSystemLanguages];
  }
  getLocale(): string {
    return this.locale;
  }
  /** Test control: the app becomes ready. */
  becomeReady(): void {
    this.ready = true;
    for (const waiter of this.readyWaiters.splice(0)) waiter();
    this.emit('ready');
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  /** Test control: another launch of the app. */
  secondInstance(argv: string[] = []): void {
    this.emit('second-instance', {}, argv, process.cwd());
  }
  quit(): void {
    this.quitCalls += 1;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.emit('will-quit', { preventDefault: () => undefined });
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
  getPath(name: string): string {
    return this.paths[name] ?? `/tmp/jobwatch-double/${name}`;
  }
  setPath(name: string, value: string): void {
    this.paths[name] = value;
  }
  getAppPath(): string {
    return this.appPath;
  }
  getName(): string {
    return 'Jobwatch for TrueNAS';
  }
  getVersion(): string {
    return '0.1.0';
  }
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean }): void {
    this.loginItem = { openAtLogin: settings.openAtLogin, openAsHidden: Boolean(settings.openAsHidden) };
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { openAtLogin: this.loginItem.openAtLogin };
  }
}

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, handler: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Test control: what ipcRenderer.invoke from `senderFrame` would get back (a rejection stays a rejection). */
  async invoke(channel: string, senderFrame: FakeFrame | null, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame, sender: null }, ...args);
  }
}

export class FakeSafeStorage {
  available = true;
  backend = 'gnome_libsecret';
  encryptString(plain: string): Buffer {
    if (!this.available) throw new Error('Encryption is not available.');
    // Reversible but visibly not plaintext, so tests can check nothing is stored in clear.
    return Buffer.from(`enc:${Buffer.from(plain, 'utf8').toString('hex').split('').reverse().join('')}`, 'utf8');
  }
  decryptString(buffer: Buffer): string {
    const text = buffer.toString('utf8');
    if (!text.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(text.slice(4).split('').reverse().join(''), 'hex').toString('utf8');
  }
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  getSelectedStorageBackend(): string {
    return this.backend;
  }
}

export class FakeGlobalShortcut {
  readonly registered = new Map<string, () => void>();
  /** Accelerators "taken by another application": register returns false. */
  readonly taken = new Set<string>();
  register(accelerator: string, callback: () => void): boolean {
    if (
      !/^((CommandOrControl|CmdOrCtrl|Control|Ctrl|Alt|Option|Shift|Super|Meta|Command|Cmd)\+)*([A-Z0-9]|F[0-9]{1,2}|Space)$/.test(
        accelerator,
      )
    ) {
      throw new Error(`Failed to parse accelerator "${accelerator}"`);
    }
    if (this.taken.has(accelerator) || this.registered.has(accelerator)) return false;
    this.registered.set(accelerator, callback);
    return true;
  }
  unregister(accelerator: string): void {
    this.registered.delete(accelerator);
  }
  unregisterAll(): void {
    this.registered.clear();
  }
  isRegistered(accelerator: string): boolean {
    return this.registered.has(accelerator);
  }
  press(accelerator: string): void {
    this.registered.get(accelerator)?.();
  }
}

/** The renderer side, for the preload: what it exposed and what it invoked. */
export class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();
  exposeInMainWorld(key: string, api: unknown): void {
    if (this.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
    this.exposed.set(key, api);
  }
}

export class FakeIpcRenderer extends EventEmitter {
  readonly invoked: Array<{ channel: string; args: unknown[] }> = [];
  /** Answers invoke; tests replace it to route into FakeIpcMain. */
  answer: (channel: string, ...args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: null });
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return this.answer(channel, ...args);
  }
  send(): void {
    throw new Error('the preload must not use ipcRenderer.send');
  }
  /** Test control: main sends an event to the window. */
  deliver(channel: string, payload: unknown): void {
    this.emit(channel, { sender: 'ipc-event-object' }, payload);
  }
}

class FakeProtocol {
  privileged: Array<{ scheme: string; privileges: Record<string, boolean> }> = [];
  readonly handlers = new Map<string, (request: Request) => Promise<Response>>();
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>): void {
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    this.handlers.set(scheme, handler);
  }
}

export class FakeShell {
  readonly opened: string[] = [];
  readonly openedPaths: string[] = [];
  /** What openPath answers: '' for success, else the OS's error text. */
  openPathError = '';
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
  async openPath(path: string): Promise<string> {
    this.openedPaths.push(path);
    return this.openPathError;
  }
}

export class FakeClipboard {
  text = '';
  writeText(text: string): void {
    this.text = text;
  }
  readText(): string {
    return this.text;
  }
}

export class FakeScreen {
  workArea: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
  getDisplayNearestPoint(): { workArea: Rect } {
    return { workArea: this.workArea };
  }
}

/** Everything the double holds, rebuilt by resetElectronDouble() so tests do not leak into each other. */
function build() {
  const defaultSession = fakeSession();
  defaultSession.webRequest.owner = defaultSession;
  return {
    app: new FakeApp(),
    ipcMain: new FakeIpcMain(),
    safeStorage: new FakeSafeStorage(),
    globalShortcut: new FakeGlobalShortcut(),
    powerMonitor: new EventEmitter(),
    screen: new FakeScreen(),
    protocol: new FakeProtocol(),
    shell: new FakeShell(),
    clipboard: new FakeClipboard(),
    session: { defaultSession },
    nativeImage: { createFromPath: (path: string) => new FakeNativeImage(path) },
    net: { online: true, isOnline: () => true },
    contextBridge: new FakeContextBridge(),
    ipcRenderer: new FakeIpcRenderer(),
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Menu: FakeMenu,
    Notification: FakeNotification,
    dialog: {
      shown: [] as unknown[],
      /** What the next save dialog answers: a path, or null for Cancel. */
      savePath: null as string | null,
      showErrorBox(title: string, content: string) {
        this.shown.push({ title, content });
      },
      /** The titles the save dialogs had, in order. */
      saveTitles: [] as (string | undefined)[],
      async showSaveDialog(options: { defaultPath?: string; title?: string }): Promise<{ canceled: boolean; filePath?: string }> {
        this.shown.push({ save: options.defaultPath });
        this.saveTitles.push(options.title);
        return this.savePath === null ? { canceled: true } : { canceled: false, filePath: this.savePath };
      },
    },
  };
}

export type ElectronDouble = ReturnType<typeof build>;

/** The live double; its properties are replaced in place by reset so module-level imports stay valid. */
export const electronDouble: ElectronDouble = build();

export function resetElectronDouble(): ElectronDouble {
  Object.assign(electronDouble, build());
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  FakeNotification.instances = [];
  FakeNotification.supported = true;
  return electronDouble;
}

/**
 * The `electron` module as vi.mock wants it: named exports and a default, each a getter onto the live double so
 * a reset between tests is seen by modules that imported `electron` once.
 */
export function electronModule(): Record<string, unknown> {
  const mod: Record<string, unknown> = {};
  for (const key of Object.keys(electronDouble)) {
    Object.defineProperty(mod, key, { enumerable: true, get: () => electronDouble[key as keyof ElectronDouble] });
  }
  Object.defineProperty(mod, 'default', { enumerable: true, get: () => electronDouble });
  return mod;
}
