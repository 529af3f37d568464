/**
 * What went wrong when testing a connection, in words, and what the user can do next. The core's message is
 * shown too (it names the host and the detail); this adds the explanation and picks the next step.
 */

export type NextStep = 'trust-certificate' | 'enter-otp' | 'use-wss' | 'fix-and-retry' | 'none';

export interface ConnectionHelp {
  title: string;
  explanation: string;
  next: NextStep;
}

/**
 * `method`: how the form signs in; it decides what an INSECURE_TRANSPORT refusal was about (the core refuses an API
 * key over ws:// always, a password unless the person allowed it for the server).
 */
export function explainConnectionFailure(code: string, url: string, method: 'api-key' | 'password' = 'api-key'): ConnectionHelp {
  switch (code) {
    case 'UNREACHABLE':
      return {
        title: 'The server cannot be reached',
        explanation: 'Nothing answered at this address. Check the host name or IP address, that the server is on, and that this computer is on the same network (or VPN).',
        next: 'fix-and-retry',
      };
    case 'TIMEOUT':
      return {
        title: 'The server did not answer in time',
        explanation: 'The connection was opened but the server stayed silent. It may be busy or starting up; try again in a minute.',
        next: 'fix-and-retry',
      };
    case 'ENDPOINT_NOT_FOUND':
      return {
        title: 'This is not a TrueNAS API address',
        explanation: 'Something answered, but not the TrueNAS middleware. Use the address you open the TrueNAS web interface with.',
        next: 'fix-and-retry',
      };
    case 'ACCESS_RESTRICTED':
      return {
        title: 'The server refused this computer',
        explanation: 'TrueNAS only allows the web UI and API from some addresses. Add this computer under System › General › UI allowlist.',
        next: 'none',
      };
    case 'CERT_UNTRUSTED':
      return {
        title: 'The certificate is not trusted',
        explanation: 'The server uses a certificate no authority on this computer vouches for (TrueNAS ships a self-signed one). Compare the fingerprint below with the one shown in TrueNAS under Credentials › Certificates. Trust it only if they match.',
        next: 'trust-certificate',
      };
    case 'CERT_CHANGED':
      return {
        title: 'The certificate has changed',
        explanation: 'The server now presents a different certificate from the one you trusted. This happens when the certificate was renewed, but it is also what an attacker on the network would do, so Jobwatch refuses to connect. If you renewed it yourself, remove the server and add it again.',
        next: 'none',
      };
    case 'INSECURE_TRANSPORT':
      if (method === 'password') {
        return {
          title: 'The password would be readable on the network',
          explanation: `This address uses an unencrypted connection to another computer, so anyone on the network between you and the server could read the password. Use wss:// (or just the host name) instead of ${unencryptedScheme(url)}. Only on a network you trust and if you accept that risk: tick “Send the password unencrypted” below.`,
          next: 'use-wss',
        };
      }
      return {
        title: 'An API key cannot be sent over ws://',
        explanation: `TrueNAS revokes an API key that arrives over an unencrypted connection, so Jobwatch will not send it. Use wss:// (or just the host name) instead of ${unencryptedScheme(url)}. A tunnel or TLS proxy that ends before the NAS does not help: TrueNAS judges the connection it receives and can still revoke the key.`,
        next: 'use-wss',
      };
    case 'AUTH_FAILED':
      return {
        title: 'Wrong credentials',
        explanation: 'The server did not accept this user name and API key or password. Check both; an API key is shown only once when it is created in TrueNAS.',
        next: 'fix-and-retry',
      };
    case 'AUTH_EXPIRED':
      return {
        title: 'The key or password has expired or was revoked',
        explanation: 'TrueNAS says this credential is no longer valid. An API key is revoked automatically if it was ever sent over plain ws://. Create a new key in TrueNAS and enter it here.',
        next: 'fix-and-retry',
      };
    case 'AUTH_DENIED':
      return {
        title: 'This account may not use the API',
        explanation: 'The login worked but the account has no API access. Use an account with at least read-only administrator rights.',
        next: 'fix-and-retry',
      };
    case 'OTP_REQUIRED':
      return {
        title: 'A one-time code is needed',
        explanation: 'This account uses two-factor authentication. Enter the current code from your authenticator app.',
        next: 'enter-otp',
      };
    case 'RATE_LIMITED':
      return {
        title: 'Too many attempts',
        explanation: 'The server is limiting login attempts. Wait a minute before trying again.',
        next: 'fix-and-retry',
      };
    case 'AUTH_REDIRECT':
      return {
        title: 'This is the standby controller',
        explanation: 'Connect to the active controller of this high-availability system instead.',
        next: 'fix-and-retry',
      };
    default:
      return { title: 'The connection failed', explanation: 'See the details below.', next: 'fix-and-retry' };
  }
}

function unencryptedScheme(url: string): string {
  return /^ws:\/\//i.test(url) ? 'ws://' : /^http:\/\//i.test(url) ? 'http://' : 'an unencrypted address';
}

/**
 * Whether a password to this address would travel unencrypted to another computer: ws:// or http:// to a host that
 * is not this computer. The core decides for real (it also checks where the socket went); this only decides whether
 * the form offers to allow it, so a name that merely ends in .localhost counts as another computer.
 */
export function passwordWouldBeReadable(url: string): boolean {
  const text = url.trim();
  if (!/^(ws|http):\/\//i.test(text)) return false;
  let host: string;
  try {
    host = new URL(text).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return true;
  }
  if (host === 'localhost' || host === '::1') return false;
  return !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && !/^::ffff:127\./.test(host);
}

/** The same address with wss:// instead of ws://. */
export function secureUrl(url: string): string {
  return url.replace(/^ws:\/\//i, 'wss://').replace(/^http:\/\//i, 'https://');
}
