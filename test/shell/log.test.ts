/**
 * The app's own log: electron-log's file transport (its Node build, on a temp folder) behind the core's Logger
 * port, rotated past its size, with secrets scrubbed before anything reaches the file or the recent-problems list.
 */
import { describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppLog,
  LOG_FILE_MAX_BYTES,
  LOG_LINE_MAX,
  RECENT_PROBLEMS_MAX,
  scrubLogFields,
  scrubLogText,
  secretsSeenByLog,
  type LogSink,
} from '../../electron/main/log';

const require = createRequire(import.meta.url);
const electronLogNode = require('electron-log/node') as { create(options: { logId: string }): LogSink };

const API_KEY = '12-' + 'aB3'.repeat(21) + 'z';
const PASSWORD = 'correct horse battery staple';

describe('scrubbing', () => {
  it('masks known secrets, API-key-shaped tokens, JSON password fields, URL credentials and password= pairs', () => {
    expect(API_KEY).toMatch(/^\d+-[A-Za-z0-9]{64}$/);
    const text = `login refused for ${API_KEY} {"username":"admin","password":"${PASSWORD}"} wss://root:${encodeURIComponent(PASSWORD)}@nas.lan/api password=hunter2 echo ${PASSWORD}`;
    const clean = scrubLogText(text, [PASSWORD]);
    expect(clean).not.toContain(API_KEY);
    expect(clean).not.toContain(PASSWORD);
    expect(clean).not.toContain(encodeURIComponent(PASSWORD));
    expect(clean).not.toContain('hunter2');
    expect(clean).toContain('"username":"admin"');
    expect(clean).toContain('nas.lan');
    // Without the known secret, the API key and JSON field are still masked by their shape.
    const unknown = scrubLogText(`${API_KEY} {"password":"x1"}`);
    expect(unknown).toBe('*** {"password":"***"}');
  });

  it('masks secret-named fields whatever they hold, and API-key-shaped values in any field', () => {
    expect(
      scrubLogFields({
        password: 'abc',
        apiKey: 'x',
        otp_token: '123456',
        reason: API_KEY,
        jobKey: 'nas\u00007',
        count: 3,
        gone: undefined,
      }),
    ).toEqual({
      password: '***',
      apiKey: '***',
      otp_token: '***',
      reason: '***',
      jobKey: 'nas7',
      count: 3,
    });
  });

  it('one bounded line: a megabyte with line breaks becomes one line of at most LOG_LINE_MAX', () => {
    const clean = scrubLogText(`first\nsecond\r\n${'y'.repeat(1_000_000)}`);
    expect(clean.startsWith('first second')).toBe(true);
    expect([...clean].length).toBeLessThanOrEqual(LOG_LINE_MAX);
  });
});

describe('the log file', () => {
  it('writes scrubbed lines to main.log in the folder and rotates it past its size', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'jobwatch-log-'));
    const sink = electronLogNode.create({ logId: `test-${Date.now()}` });
    const log = new AppLog({ sink, folder });
    const store = secretsSeenByLog(
      { available: () => true, problem: () => null, set: async () => undefined, get: async () => PASSWORD, delete: async () => undefined },
      log,
    );
    await store.get('nas1');
    log.info('connected', { server: 'nas1' });
    log.warn(`the server said: bad credentials ${PASSWORD}`, { password: PASSWORD });
    const file = join(folder, 'main.log');
    expect(log.filePath).toBe(file);
    expect(log.folder).toBe(folder);
    await vi.waitFor(() => expect(readFileSync(file, 'utf8')).toContain('the server said: bad credentials ***'));
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('connected');
    expect(text).not.toContain(PASSWORD);
    expect(log.recentProblems()).toEqual([
      { at: expect.any(Number), level: 'warn', message: 'the server said: bad credentials *** {"password":"***"}' },
    ]);

    // Past LOG_FILE_MAX_BYTES the file is archived to main.old.log and a new one started.
    const line = 'z'.repeat(LOG_LINE_MAX - 10);
    for (let i = 0; i < Math.ceil((LOG_FILE_MAX_BYTES * 1.2) / line.length); i++) log.info(line);
    log.info('after the rotation');
    await vi.waitFor(() => expect(existsSync(join(folder, 'main.old.log'))).toBe(true), { timeout: 10_000 });
    await vi.waitFor(() => expect(readFileSync(file, 'utf8')).toContain('after the rotation'), { timeout: 10_000 });
  });

  it('keeps the last RECENT_PROBLEMS_MAX warnings and errors, without a file', () => {
    const forwarded: string[] = [];
    const log = new AppLog({
      sink: null,
      folder: '/ignored',
      forward: { debug() {}, info() {}, warn: (m) => forwarded.push(m), error: (m) => forwarded.push(m) },
    });
    expect(log.folder).toBeNull();
    for (let i = 0; i < RECENT_PROBLEMS_MAX + 5; i++) log.error(`problem ${i}`);
    log.info('not a problem');
    const recent = log.recentProblems();
    expect(recent).toHaveLength(RECENT_PROBLEMS_MAX);
    expect(recent[0]?.message).toBe('problem 5');
    expect(forwarded).toHaveLength(RECENT_PROBLEMS_MAX + 5);
  });
});
