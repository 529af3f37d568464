/**
 * The simulated TrueNAS server with fault injection, for tests and `jobwatch sim`: the server of ./simulator-core
 * (protocols, jobs, accounts, tasks) with ./faults plugged in as its fault state, and the control methods that inject
 * faults (middleware restarts, HA failover, dropped and stalled connections, expired sessions, malformed and
 * oversized frames, the allowlist, lost events).
 */
import { Faults } from './faults';
import { openServer, SimulatorCore, type CoreSimulator } from './simulator-core';
import type { SimulatorOptions } from './types';

/** The simulator with fault injection (./faults), for tests and `jobwatch sim`. */
export interface Simulator extends CoreSimulator {
  /** Abrupt middleware restart: sockets terminated (1006), jobs and subscriptions gone, ids from 1, upgrades refused (502) for the downtime. Resolves when it accepts connections again. */
  restartMiddleware(opts?: { downtimeMs?: number }): Promise<void>;
  /**
   * HA failover (TrueNAS Enterprise): like restartMiddleware (the virtual IP now reaches the other controller, whose
   * ids are its own), and that controller holds a copy of every finished cloud sync, cloud backup, rsync and
   * replication job under a new id, without events. Resolves when it accepts connections again.
   */
  failover(opts?: { downtimeMs?: number }): Promise<void>;
  /** Terminates every socket (1006), or closes them with `code` when given. */
  dropConnections(opts?: { code?: number; reason?: string }): void;
  /** Half-open: existing sockets neither read nor write (nor idle-time-out) until unstall(). */
  stall(): void;
  unstall(): void;
  /** Silently logs every session out; sockets stay open. */
  expireSessions(): void;
  /** Sends an invalid-JSON frame and a schema-invalid event to every subscriber; returns the number of frames. */
  sendMalformed(): number;
  /** Sends one frame of about `chars` characters (default 3 MiB) to every subscriber; returns the number of frames. */
  sendOversized(chars?: number): number;
  /** false: new connections are closed with 1008 as by the UI allowlist. */
  setAllowlisted(allowed: boolean): void;
  /**
   * Every further event of this job is lost for every subscriber, as when `main.py` `send_event` fails to send to a
   * client (it logs "Failed to send event" and goes on); `core.get_jobs` still lists the job.
   */
  loseEvents(jobId: number): boolean;
}

class SimulatorImpl extends SimulatorCore<Faults> implements Simulator {
  restartMiddleware(opts: { downtimeMs?: number } = {}): Promise<void> {
    return this.faults.restartMiddleware(opts);
  }

  failover(opts: { downtimeMs?: number } = {}): Promise<void> {
    return this.faults.failover(opts);
  }

  dropConnections(opts: { code?: number; reason?: string } = {}): void {
    this.faults.dropConnections(opts);
  }

  stall(): void {
    this.faults.stall();
  }

  unstall(): void {
    this.faults.unstall();
  }

  expireSessions(): void {
    this.faults.expireSessions();
  }

  sendMalformed(): number {
    return this.faults.sendMalformed();
  }

  sendOversized(chars?: number): number {
    return this.faults.sendOversized(chars);
  }

  setAllowlisted(allowed: boolean): void {
    this.faults.setAllowlisted(allowed);
  }

  loseEvents(jobId: number): boolean {
    return this.faults.loseEvents(jobId);
  }
}

/** Starts a simulated TrueNAS server. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const { server, cert } = await openServer(options);
  const sim = new SimulatorImpl(options, server, cert, (target) => new Faults(target));
  await sim.listen(options.port ?? 0);
  return sim;
}
