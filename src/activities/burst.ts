/**
 * Emails released at the same instant (a storm of reminders) go out first: each activity reports its completion
 * (which wakes its workflow) only once the burst of this worker is sent, or after at most `maxDeferMs`, so the
 * bookkeeping of the first ones does not take the CPU from the SMTP transactions of the rest.
 */
export class Burst {
  private sending = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly maxDeferMs = 2_000) {}

  async send<T>(transmit: () => Promise<T>): Promise<T> {
    this.sending += 1;
    try {
      return await transmit();
    } finally {
      this.sending -= 1;
      if (this.sending === 0) this.waiting.splice(0).forEach((wake) => wake());
      else await this.quiet();
    }
  }

  /** Resolves when no email of the burst is being sent any more, or after `maxDeferMs`. */
  private quiet(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.maxDeferMs);
      this.waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
