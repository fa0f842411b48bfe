/** Email-sending activities run on their own task queue, so their rate and concurrency are set apart. */
export const emailTaskQueue = (taskQueue: string): string => `${taskQueue}-email`;
/** Emails prepared ahead wait for their instant on a queue of their own, so they never hold the immediate ones' slots. */
export const scheduledEmailTaskQueue = (taskQueue: string): string => `${taskQueue}-email-scheduled`;
