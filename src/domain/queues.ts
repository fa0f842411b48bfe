/** Email-sending activities run on their own task queue, so their rate and concurrency are set apart. */
export const emailTaskQueue = (taskQueue: string): string => `${taskQueue}-email`;
