/** What `jobwatch sim` and the demo server print on start: where the simulator listens and how to log in. */
import type { CoreSimulator } from './simulator-core';
import { traits } from './versions';

export function printBanner(sim: CoreSimulator, scenarioName: string, out: (line: string) => void): void {
  const c = sim.credentials;
  out(`TrueNAS simulator (${sim.version}) listening`);
  if (traits(sim.version).apiVersions === null) out(`  URL:         ${sim.legacyUrl}  (this version has only the legacy endpoint)`);
  else out(`  URL:         ${sim.url}`);
  out(`  Legacy URL:  ${sim.legacyUrl}`);
  out(`  Username:    ${c.username}`);
  out(`  API key:     ${c.apiKey}`);
  out(`  Password:    ${c.password}`);
  out('  (fake demo credentials of this simulator, not secrets)');
  if (sim.fingerprint256) out(`  TLS certificate SHA-256 fingerprint: ${sim.fingerprint256}`);
  out(`  Scenario:    ${scenarioName}`);
}
