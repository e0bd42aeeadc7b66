import diagnosticsChannel from 'node:diagnostics_channel';
import { AsyncFileChannels, type FileActionEvent } from '../../src/index.js';

/** The key of a channel in AsyncFileChannels: `queued`, `started`, ... */
export type ChannelKey = keyof typeof AsyncFileChannels;

/** One message as recorded: the channel it came on, and the message. */
export type RecordedEvent = FileActionEvent & { readonly channel: ChannelKey };

/**
 * Subscribes to every AsyncFileChannels channel and records the messages of one manager (other managers of the process
 * may publish meanwhile); dispose to unsubscribe.
 */
export class ChannelRecorder implements Disposable {
  readonly events: RecordedEvent[] = [];
  private readonly subscriptions: [string, (message: unknown) => void][] = [];

  /** @param managerId - the `id` of the manager whose messages to keep. */
  constructor(private readonly managerId: number) {
    for (const key of Object.keys(AsyncFileChannels) as ChannelKey[]) {
      const handler = (message: unknown): void => {
        const event = message as FileActionEvent;
        if (event.managerId === this.managerId) this.events.push({ channel: key, ...event });
      };
      this.subscriptions.push([AsyncFileChannels[key], handler]);
      diagnosticsChannel.subscribe(AsyncFileChannels[key], handler);
    }
  }

  /** The events of action `actionId`, as `channel` names. */
  channelsOf(actionId: number): ChannelKey[] {
    return this.events.filter((event) => event.actionId === actionId).map((event) => event.channel);
  }

  [Symbol.dispose](): void {
    for (const [name, handler] of this.subscriptions) diagnosticsChannel.unsubscribe(name, handler);
    this.subscriptions.length = 0;
  }
}
