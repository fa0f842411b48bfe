import nodemailer from 'nodemailer';
import type { FloorEvent } from './workflows';

/** A body of the size of docnotify's rendered first email (layout, text and HTML parts). */
const HTML = `<html><body>${'<p>Invoice processing completed. Nothing further is needed from you.</p>'.repeat(40)}</body></html>`;
const TEXT = 'Invoice processing completed. Nothing further is needed from you.\n'.repeat(40);

/** The floor's one activity: send through a pooled nodemailer transport of docnotify's pool size. */
export function createFloorActivities(smtpUrl: string, poolSize: number) {
  const url = new URL(smtpUrl);
  const transport = nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: Number(url.port),
    secure: false,
    maxConnections: poolSize,
    maxMessages: 100,
  });
  return {
    async floorSend(event: FloorEvent): Promise<string> {
      const info = await transport.sendMail({
        from: 'floor <floor@bench.example.com>',
        to: event.to,
        subject: event.subject,
        html: HTML,
        text: TEXT,
      });
      return info.response;
    },
    close: () => transport.close(),
  };
}

export type FloorActivities = Omit<ReturnType<typeof createFloorActivities>, 'close'>;
