/**
 * A stand-in desktop notification server on a D-Bus bus that lists `actions`: it records Notify and sends
 * ActionInvoked / NotificationClosed as a desktop's server does when the user picks a button.
 */
import { Message, NameFlag, RequestNameReply, sessionBus, type MessageBus } from 'dbus-next';

export const NOTIFICATIONS = 'org.freedesktop.Notifications';
export const NOTIFICATIONS_OBJECT = '/org/freedesktop/Notifications';

export interface ActionServer {
  bus: MessageBus;
  capabilities: string[];
  calls: Array<{ summary: string; actions: string[]; hints: Record<string, { value: unknown }>; expire: number }>;
  signal(member: 'ActionInvoked' | 'NotificationClosed', signature: string, body: unknown[]): void;
}

export async function connected(address: string): Promise<MessageBus> {
  const bus = sessionBus({ busAddress: address });
  bus.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    bus.once('connect', () => resolve());
    bus.once('error', reject);
  });
  return bus;
}

export async function startActionServer(address: string): Promise<ActionServer> {
  const bus = await connected(address);
  const reply = await bus.requestName(NOTIFICATIONS, NameFlag.DO_NOT_QUEUE);
  if (reply !== RequestNameReply.PRIMARY_OWNER) throw new Error(`could not own ${NOTIFICATIONS}`);
  const server: ActionServer = {
    bus,
    capabilities: ['actions', 'body', 'body-markup'],
    calls: [],
    signal: (member, signature, body) => bus.send(Message.newSignal(NOTIFICATIONS_OBJECT, NOTIFICATIONS, member, signature, body)),
  };
  let nextId = 7;
  bus.addMethodHandler((msg: Message) => {
    if (msg.interface !== NOTIFICATIONS || msg.path !== NOTIFICATIONS_OBJECT) return false;
    if (msg.member === 'GetCapabilities') {
      bus.send(Message.newMethodReturn(msg, 'as', [server.capabilities]));
      return true;
    }
    if (msg.member === 'Notify') {
      const [, , , summary, , actions, hints, expire] = msg.body as [
        string,
        number,
        string,
        string,
        string,
        string[],
        Record<string, { value: unknown }>,
        number,
      ];
      server.calls.push({ summary, actions, hints, expire });
      bus.send(Message.newMethodReturn(msg, 'u', [nextId++]));
      return true;
    }
    return false;
  });
  return server;
}
